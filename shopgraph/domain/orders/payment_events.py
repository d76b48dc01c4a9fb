"""Provider webhooks: verified with the provider's SDK, then applied to orders, each event once, in any order,
however often it arrives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import Order, PaymentEvent, PaymentEventResult
from shopgraph.db.state import StateReader
from shopgraph.db.statements import insert_for
from shopgraph.domain.orders.reads import order_by_reference, order_items
from shopgraph.domain.orders.transitions import cancel_unpaid, mark_paid, mark_payment_failed, mark_refunded
from shopgraph.domain.stores.access import project_named
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.ids import now_ms
from shopgraph.payments import CHECKOUT_SESSION, PaymentOutcome, ProviderEvent, provider_for
from shopgraph.settings import Settings


@dataclass(frozen=True)
class ReceivedEvent:
    event_id: str
    result: PaymentEventResult


async def receive(
    database: Database,
    reader: StateReader,
    settings: Settings,
    *,
    provider: str,
    project_slug: str,
    body: bytes,
    headers: Mapping[str, str],
) -> ReceivedEvent:
    """A provider's webhook for a project: a bad signature is refused and changes nothing."""
    state = await project_named(reader, project_slug)
    async with database.read() as session:
        credentials, _ = await credentials_for(session, state.project_id)
    event = provider_for(provider, credentials, settings, mode=CHECKOUT_SESSION).parse_webhook(body, headers)
    async with database.write() as session:
        return ReceivedEvent(event.event_id, await apply_event(session, state.project_id, event))


async def _record(session: AsyncSession, project_id: str, event: ProviderEvent) -> bool:
    statement = insert_for(session, PaymentEvent.__table__).values(
        provider=event.provider, event_id=event.event_id, project_id=project_id, type=event.type,
        outcome=event.outcome, order_id=event.order_id, result=PaymentEventResult.RECEIVED, received_at=now_ms(),
    )  # fmt: skip
    statement = statement.on_conflict_do_nothing(index_elements=["provider", "event_id"]).returning(
        PaymentEvent.__table__.c.event_id
    )
    return (await session.execute(statement)).first() is not None


async def find_order_for(session: AsyncSession, project_id: str, event: ProviderEvent) -> Order | None:
    if event.order_id:
        order = await session.scalar(select(Order).where(Order.id == event.order_id, Order.project_id == project_id))
        if order is not None:
            return order
    if event.reference:
        return await order_by_reference(session, project_id, event.provider, event.reference)
    return None


async def apply_event(session: AsyncSession, project_id: str, event: ProviderEvent) -> PaymentEventResult:
    if not await _record(session, project_id, event):
        return PaymentEventResult.DUPLICATE
    order = await find_order_for(session, project_id, event)
    if order is None:
        result = PaymentEventResult.UNKNOWN_ORDER
    else:
        changed = await _apply(session, order, event.outcome)
        result = PaymentEventResult.APPLIED if changed else PaymentEventResult.NO_CHANGE
    await session.execute(
        update(PaymentEvent)
        .where(PaymentEvent.provider == event.provider, PaymentEvent.event_id == event.event_id)
        .values(result=result, order_id=order.id if order else event.order_id)
    )
    return result


async def _apply(session: AsyncSession, order: Order, outcome: str) -> bool:
    if outcome == PaymentOutcome.PAID:
        return await mark_paid(session, order)
    if outcome == PaymentOutcome.FAILED:
        return await mark_payment_failed(session, order)
    if outcome == PaymentOutcome.EXPIRED:
        return await cancel_unpaid(session, order, await order_items(session, order.id))
    if outcome == PaymentOutcome.REFUNDED:
        return await mark_refunded(session, order)
    return False
