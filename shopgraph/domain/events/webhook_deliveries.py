"""Merchant webhook deliveries as the admin API reads them, each with its attempts, and a retry by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopgraph.db.notify import announce
from shopgraph.db.statements import changed_rows
from shopgraph.domain.events.error_codes import EventErrorCode
from shopgraph.domain.events.outbox import CHANNEL, WEBHOOK_DELIVERIES_DUE
from shopgraph.domain.events.webhook_endpoints import ENDPOINT_DISABLED, get_endpoint
from shopgraph.domain.paging import check_page, fetch_page
from shopgraph.errors import InvalidParameter, NotFound
from shopgraph.ids import now_ms

DELIVERY_STATUSES = tuple(DeliveryStatus)


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
    check_page(page, limit)
    conditions: list[ColumnElement[bool]] = [WebhookDelivery.project_id == project_id]
    if endpoint_id is not None:
        await get_endpoint(session, project_id, endpoint_id)
        conditions.append(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        conditions.append(WebhookDelivery.status == status)
    newest_first = (WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    total, deliveries = await fetch_page(session, WebhookDelivery, conditions, newest_first, page=page, limit=limit)
    return DeliveryPage(tuple(await _attempts_of(session, deliveries)), total, page, limit)


async def get_delivery(session: AsyncSession, project_id: str, delivery_id: str) -> DeliveryRecord:
    delivery = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.project_id == project_id)
        .execution_options(populate_existing=True)
    )
    if delivery is None:
        raise NotFound("no webhook delivery with this id", code=EventErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, field="id")
    return (await _attempts_of(session, [delivery]))[0]


async def retry_delivery(session: AsyncSession, project_id: str, delivery_id: str) -> DeliveryRecord:
    """Due again now, with the same body; a delivered one is sent once more. Past attempts are kept."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.project_id == project_id,
            # The log's notices are not deliveries: there is nothing to send.
            WebhookDelivery.event_type != ENDPOINT_DISABLED,
        )
        .values(status=DeliveryStatus.PENDING, next_attempt_at=now_ms())
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        raise NotFound("no webhook delivery with this id", code=EventErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, field="id")
    record = await get_delivery(session, project_id, delivery_id)
    # Asked for now: an endpoint backed off after failures is tried again at once (one delivery at a time).
    await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == record.delivery.endpoint_id)
        .values(circuit_open_until=None)
        .execution_options(synchronize_session=False)
    )
    await announce(session, CHANNEL, WEBHOOK_DELIVERIES_DUE)
    return record
