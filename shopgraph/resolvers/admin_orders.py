"""Admin order operations: the merchant's list, and the changes made by hand (ship, cancel, paid, refund).

Each change is a conditional update, so a payment webhook arriving meanwhile cannot be overwritten; events and
emails go to the outbox in the same unit of work. A refund here only records one: no payment provider is called.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem
from shopgraph.domain.events.merchant_events import EventType, emit_order_event
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.domain.fields import not_found, optional_text, read_fields
from shopgraph.errors import Conflict, InvalidParameter
from shopgraph.ids import now_ms
from shopgraph.resolvers.orders import (
    CANCELLED,
    DELIVERED,
    MAX_LIMIT,
    PAYMENT_PAID,
    PAYMENT_REFUNDED,
    PENDING,
    PROCESSING,
    REFUNDED,
    SHIPPED,
    OrderWithItems,
    cancel_unpaid,
    load_order,
    mark_paid,
    mark_refunded,
)

ORDER_STATUSES = (PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED, REFUNDED)
SHIPMENT_FIELDS = {
    "tracking_number": ("tracking_number", optional_text(100)),
    "carrier": ("carrier", optional_text(100)),
}


@dataclass(frozen=True)
class AdminOrderPage:
    orders: tuple[OrderWithItems, ...]
    total: int
    page: int
    limit: int


async def list_orders(
    session: AsyncSession,
    project_id: str,
    *,
    status: str | None = None,
    email: str | None = None,
    page: int = 1,
    limit: int = 20,
) -> AdminOrderPage:
    """Every order of the store, newest first; `email` matches the customer's address exactly (any case)."""
    if page < 1:
        raise InvalidParameter("page", "must be a whole number of at least 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    if status is not None and status not in ORDER_STATUSES:
        raise InvalidParameter("status", f"must be one of {', '.join(ORDER_STATUSES)}")
    conditions = [Order.project_id == project_id]
    if status is not None:
        conditions.append(Order.status == status)
    if email is not None and email.strip():
        conditions.append(Order.email == email.strip().lower())
    total = await session.scalar(select(func.count()).select_from(Order).where(*conditions)) or 0
    orders = (
        await session.scalars(
            select(Order)
            .where(*conditions)
            .order_by(Order.created_at.desc(), Order.number.desc())
            .offset((page - 1) * limit)
            .limit(limit)
        )
    ).all()
    items: dict[str, list[OrderItem]] = {}
    if orders:
        rows = await session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_([order.id for order in orders])).order_by(OrderItem.position)
        )
        for item in rows:
            items.setdefault(item.order_id, []).append(item)
    found = tuple(OrderWithItems(order, tuple(items.get(order.id, ()))) for order in orders)
    return AdminOrderPage(found, total, page, limit)


async def find_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems | None:
    return await load_order(session, project_id, order_id) if len(order_id) <= 40 else None


async def _order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    found = await find_order(session, project_id, order_id)
    if found is None:
        raise not_found("order")
    return found


async def _fresh(session: AsyncSession, found: OrderWithItems) -> OrderWithItems:
    await session.refresh(found.order)
    return found


def _changed_meanwhile(order: Order) -> Conflict:
    return Conflict(f"order {order.order_number} changed meanwhile; read it again", code="ORDER_CHANGED")


async def fulfil_order(
    session: AsyncSession,
    project_id: str,
    order_id: str,
    *,
    tracking_number: str | None = None,
    carrier: str | None = None,
) -> OrderWithItems:
    """Ships a processing order (paid, or cash on delivery): `order.shipped` and the shipping email follow."""
    found = await _order(session, project_id, order_id)
    order = found.order
    shipment = read_fields(SHIPMENT_FIELDS, {"tracking_number": tracking_number, "carrier": carrier})
    if order.status != PROCESSING:
        raise Conflict(
            f"order {order.order_number} is {order.status}: only a processing order (paid, or cash on delivery) "
            "can be fulfilled",
            code="ORDER_NOT_FULFILLABLE",
        )
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == PROCESSING)
        .values(status=SHIPPED, updated_at=now_ms(), **shipment)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _changed_meanwhile(order)
    await emit_order_event(session, order, EventType.ORDER_SHIPPED)
    await enqueue_order_email(session, project_id, Topic.ORDER_SHIPPED_EMAIL, order.id)
    return await _fresh(session, found)


async def cancel_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Cancels an unpaid order not yet shipped; its stock and coupon use are given back. A paid one is refunded."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status == PAYMENT_PAID:
        raise Conflict(f"order {order.order_number} is paid: refund it instead", code="ORDER_PAID")
    if order.status not in (PENDING, PROCESSING):
        raise Conflict(
            f"order {order.order_number} is {order.status} and can no longer be cancelled", code="ORDER_NOT_CANCELLABLE"
        )
    if not await cancel_unpaid(session, order, found.items, statuses=(PENDING, PROCESSING)):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)


async def mark_order_paid(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Cash received on delivery, or a bank transfer: paid; a pending order moves to processing."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status == PAYMENT_PAID:
        raise Conflict(f"order {order.order_number} is already paid", code="ORDER_ALREADY_PAID")
    if order.status in (CANCELLED, REFUNDED) or order.payment_status == PAYMENT_REFUNDED:
        raise Conflict(f"order {order.order_number} is {order.status}", code="ORDER_NOT_PAYABLE")
    if not await mark_paid(session, order):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)


async def refund_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Records a refund made elsewhere (the provider's dashboard, cash): status and payment become refunded."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status != PAYMENT_PAID:
        raise Conflict(
            f"order {order.order_number} is not paid ({order.payment_status}): nothing to refund", code="ORDER_NOT_PAID"
        )
    if not await mark_refunded(session, order):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)
