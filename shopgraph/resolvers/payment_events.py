"""Provider events applied to orders: each event once, in any order, however often it arrives."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem, PaymentEvent
from shopgraph.db.upsert import insert_for
from shopgraph.ids import now_ms
from shopgraph.payments.base import EXPIRED, FAILED, PAID, REFUNDED, ProviderEvent
from shopgraph.resolvers.orders import cancel_unpaid, mark_paid, mark_payment_failed, mark_refunded

DUPLICATE = "duplicate"
UNKNOWN_ORDER = "unknown_order"
APPLIED = "applied"
NO_CHANGE = "no_change"


async def _record(session: AsyncSession, project_id: str, event: ProviderEvent) -> bool:
    statement = insert_for(session, PaymentEvent.__table__).values(
        provider=event.provider, event_id=event.event_id, project_id=project_id, type=event.type,
        outcome=event.outcome, order_id=event.order_id, result="received", received_at=now_ms(),
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
        return await session.scalar(
            select(Order).where(
                Order.project_id == project_id,
                Order.provider == event.provider,
                Order.provider_reference == event.reference,
            )
        )
    return None


async def apply_event(session: AsyncSession, project_id: str, event: ProviderEvent) -> str:
    if not await _record(session, project_id, event):
        return DUPLICATE
    order = await find_order_for(session, project_id, event)
    if order is None:
        result = UNKNOWN_ORDER
    else:
        changed = await _apply(session, order, event.outcome)
        result = APPLIED if changed else NO_CHANGE
    await session.execute(
        update(PaymentEvent)
        .where(PaymentEvent.provider == event.provider, PaymentEvent.event_id == event.event_id)
        .values(result=result, order_id=order.id if order else event.order_id)
    )
    return result


async def _apply(session: AsyncSession, order: Order, outcome: str) -> bool:
    if outcome == PAID:
        return await mark_paid(session, order)
    if outcome == FAILED:
        return await mark_payment_failed(session, order)
    if outcome == EXPIRED:
        items = (await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id))).all()
        return await cancel_unpaid(session, order, tuple(items))
    if outcome == REFUNDED:
        return await mark_refunded(session, order)
    return False
