"""Merchant webhook endpoints, as the admin API manages them: the URL checked, the secret made and rotated."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shopgraph.db.notify import announce
from shopgraph.db.statements import changed_rows
from shopgraph.domain.events.error_codes import EventErrorCode
from shopgraph.domain.events.merchant_events import EVENT_TYPES
from shopgraph.domain.events.outbox import CHANNEL, WEBHOOK_DELIVERIES_DUE
from shopgraph.errors import Conflict, InvalidInput, NotFound
from shopgraph.ids import new_id, new_webhook_secret, now_ms
from shopgraph.outbound import UnsafeTarget, check_url

MAX_ENDPOINTS_PER_PROJECT = 20
MAX_DESCRIPTION = 500
PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000
# The delivery log's entry for an endpoint disabled automatically: kept with its deliveries, never sent.
ENDPOINT_DISABLED = "endpoint.disabled"


def _url(url: object, allow_private_targets: bool) -> str:
    try:
        return str(check_url(url, allow_private=allow_private_targets))
    except UnsafeTarget as refused:
        raise InvalidInput(refused.message, code=refused.code, field="url") from refused


def _events(events: object) -> list[str]:
    if isinstance(events, str) or not isinstance(events, Sequence):
        raise InvalidInput(
            "events: a list of event types (empty for all)", code=EventErrorCode.INVALID_EVENT_TYPE, field="events"
        )
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"events: unknown {', '.join(map(str, unknown))}; known are {', '.join(EVENT_TYPES)}",
            code=EventErrorCode.INVALID_EVENT_TYPE,
            field="events",
        )
    return list(dict.fromkeys(events))


def _description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: text of at most {MAX_DESCRIPTION} characters", field="description")
    return description.strip()


async def get_endpoint(session: AsyncSession, project_id: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.project_id == project_id)
    )
    if endpoint is None:
        raise NotFound("no webhook endpoint with this id", code=EventErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, field="id")
    return endpoint


async def create_endpoint(
    session: AsyncSession,
    project_id: str,
    *,
    url: str,
    events: Sequence[str] | None = None,
    description: str | None = None,
    allow_private_targets: bool = False,
) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its signing secret (shown to the merchant once)."""
    endpoint = WebhookEndpoint(
        id=new_id("whe"),
        project_id=project_id,
        url=_url(url, allow_private_targets),
        description=_description(description),
        events=_events(events or []),
        secret=new_webhook_secret(),
        enabled=True,
    )
    count = await session.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.project_id == project_id)
    )
    if (count or 0) >= MAX_ENDPOINTS_PER_PROJECT:
        raise Conflict(
            f"a store may have at most {MAX_ENDPOINTS_PER_PROJECT} webhook endpoints",
            code=EventErrorCode.TOO_MANY_ENDPOINTS,
        )
    now = now_ms()
    endpoint.created_at = endpoint.updated_at = now
    session.add(endpoint)
    await session.flush()
    return endpoint, endpoint.secret


async def update_endpoint(
    session: AsyncSession,
    project_id: str,
    endpoint_id: str,
    *,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    rotate_secret: bool = False,
    allow_private_targets: bool = False,
) -> tuple[WebhookEndpoint, str | None]:
    """Changes what is given (None leaves a field as it is); returns the new secret when it was rotated.

    After a rotation the old secret stays valid for 24 hours: deliveries carry signatures made with both.
    """
    changes: dict[str, object] = {}
    if url is not None:
        changes["url"] = _url(url, allow_private_targets)
    if events is not None:
        changes["events"] = _events(events)
    if description is not None:
        changes["description"] = _description(description)
    if enabled is not None:
        changes["enabled"] = bool(enabled)
    endpoint = await get_endpoint(session, project_id, endpoint_id)
    now = now_ms()
    if changes.get("enabled") and not endpoint.enabled:
        await _enable_again(session, endpoint)
    secret = None
    if rotate_secret:
        secret = new_webhook_secret()
        changes.update(
            previous_secret=endpoint.secret, previous_secret_expires_at=now + PREVIOUS_SECRET_VALID_MS, secret=secret
        )
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = now
    await session.flush()
    return endpoint, secret


async def _enable_again(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    """Its undelivered events go out again, oldest first: the pending ones, and, after an automatic disabling, those
    whose retries ran out while every attempt was failing."""
    if endpoint.disabled_at is not None and endpoint.failing_since is not None:
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.status == DeliveryStatus.FAILED,
                WebhookDelivery.created_at >= endpoint.failing_since,
            )
            .values(status=DeliveryStatus.PENDING)
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        # Due now, in the order the events happened.
        .values(next_attempt_at=WebhookDelivery.created_at)
        .execution_options(synchronize_session=False)
    )
    endpoint.disabled_at = None
    endpoint.disabled_reason = None
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    endpoint.circuit_open_until = None
    await announce(session, CHANNEL, WEBHOOK_DELIVERIES_DUE)


async def delete_endpoint(session: AsyncSession, project_id: str, endpoint_id: str) -> str:
    """Removes the endpoint with its deliveries and their attempts; returns its id."""
    result = await session.execute(
        delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.project_id == project_id)
    )
    if changed_rows(result) != 1:
        raise NotFound("no webhook endpoint with this id", code=EventErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, field="id")
    return endpoint_id


async def list_endpoints(session: AsyncSession, project_id: str) -> list[WebhookEndpoint]:
    return list(
        (
            await session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.project_id == project_id)
                .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
            )
        ).all()
    )
