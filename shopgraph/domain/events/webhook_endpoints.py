"""Merchant webhook endpoints and their deliveries, as the admin API manages them; everything scoped by project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopgraph.delivery.outbox import DELIVERED, FAILED, PENDING
from shopgraph.domain.events.merchant_events import EVENT_TYPES
from shopgraph.errors import Conflict, InvalidInput, InvalidParameter, NotFound
from shopgraph.ids import new_id, now_ms
from shopgraph.webhooks.signing import new_secret
from shopgraph.webhooks.targets import UnsafeTarget, check_url

DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED)
MAX_ENDPOINTS_PER_PROJECT = 20
MAX_DESCRIPTION = 500
MAX_LIMIT = 100
PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class DeliveryRecord:
    delivery: WebhookDelivery
    attempts: tuple[WebhookAttempt, ...]


@dataclass(frozen=True)
class DeliveryPage:
    items: tuple[DeliveryRecord, ...]
    total: int
    page: int
    limit: int


def _url(url: object, allow_private_targets: bool) -> str:
    try:
        return str(check_url(url, allow_private=allow_private_targets))
    except UnsafeTarget as refused:
        raise InvalidInput(refused.message, code=refused.code, field="url") from refused


def _events(events: object) -> list[str]:
    if isinstance(events, str) or not isinstance(events, Sequence):
        raise InvalidInput("events: a list of event types (empty for all)", code="INVALID_EVENT_TYPE", field="events")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"events: unknown {', '.join(map(str, unknown))}; known are {', '.join(EVENT_TYPES)}",
            code="INVALID_EVENT_TYPE",
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
        raise NotFound("no webhook endpoint with this id", code="WEBHOOK_ENDPOINT_NOT_FOUND", field="id")
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
        secret=new_secret(),
        enabled=True,
    )
    count = await session.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.project_id == project_id)
    )
    if (count or 0) >= MAX_ENDPOINTS_PER_PROJECT:
        raise Conflict(
            f"a store may have at most {MAX_ENDPOINTS_PER_PROJECT} webhook endpoints", code="TOO_MANY_ENDPOINTS"
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
    secret = None
    if rotate_secret:
        secret = new_secret()
        changes.update(
            previous_secret=endpoint.secret, previous_secret_expires_at=now + PREVIOUS_SECRET_VALID_MS, secret=secret
        )
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = now
    await session.flush()
    return endpoint, secret


async def delete_endpoint(session: AsyncSession, project_id: str, endpoint_id: str) -> str:
    """Removes the endpoint with its deliveries and their attempts; returns its id."""
    result = await session.execute(
        delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.project_id == project_id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("no webhook endpoint with this id", code="WEBHOOK_ENDPOINT_NOT_FOUND", field="id")
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


async def _attempts_of(session: AsyncSession, deliveries: Sequence[WebhookDelivery]) -> list[DeliveryRecord]:
    attempts: dict[str, list[WebhookAttempt]] = {delivery.id: [] for delivery in deliveries}
    if deliveries:
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
        )
        for attempt in rows:
            attempts[attempt.delivery_id].append(attempt)
    return [DeliveryRecord(delivery, tuple(attempts[delivery.id])) for delivery in deliveries]


async def list_deliveries(
    session: AsyncSession,
    project_id: str,
    *,
    endpoint_id: str | None = None,
    status: str | None = None,
    page: int = 1,
    limit: int = 20,
) -> DeliveryPage:
    """Newest first, each with its attempts in the order they were made."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise InvalidParameter("status", f"one of {', '.join(DELIVERY_STATUSES)}")
    if page < 1:
        raise InvalidParameter("page", "must be a whole number of at least 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    conditions = [WebhookDelivery.project_id == project_id]
    if endpoint_id is not None:
        await get_endpoint(session, project_id, endpoint_id)
        conditions.append(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        conditions.append(WebhookDelivery.status == status)
    total = await session.scalar(select(func.count()).select_from(WebhookDelivery).where(*conditions)) or 0
    deliveries = (
        await session.scalars(
            select(WebhookDelivery)
            .where(*conditions)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .offset((page - 1) * limit)
            .limit(limit)
        )
    ).all()
    return DeliveryPage(tuple(await _attempts_of(session, deliveries)), total, page, limit)


async def get_delivery(session: AsyncSession, project_id: str, delivery_id: str) -> DeliveryRecord:
    delivery = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.project_id == project_id)
        .execution_options(populate_existing=True)
    )
    if delivery is None:
        raise NotFound("no webhook delivery with this id", code="WEBHOOK_DELIVERY_NOT_FOUND", field="id")
    return (await _attempts_of(session, [delivery]))[0]


async def retry_delivery(session: AsyncSession, project_id: str, delivery_id: str) -> DeliveryRecord:
    """Due again now, with the same body; a delivered one is sent once more. Past attempts are kept."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.project_id == project_id)
        .values(status=PENDING, next_attempt_at=now_ms())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("no webhook delivery with this id", code="WEBHOOK_DELIVERY_NOT_FOUND", field="id")
    return await get_delivery(session, project_id, delivery_id)
