"""Admin order operations: the merchant's list, and the changes made by hand (ship, cancel, paid, refund).

Each change is a conditional update, so a payment webhook arriving meanwhile cannot be overwritten; events and
emails go to the outbox in the same unit of work. A refund here only records one: no payment provider is called.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem, OrderStatus, PaymentStatus
from shopgraph.db.statements import changed_rows
from shopgraph.domain.events.merchant_events import EventType
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.domain.fields import not_found, optional_text, read_fields
from shopgraph.domain.orders.error_codes import OrderErrorCode
from shopgraph.domain.orders.order_events import emit_order_event
from shopgraph.domain.orders.reads import OrderWithItems, find_order, order_page
from shopgraph.domain.orders.transitions import cancel_unpaid, mark_paid, mark_refunded
from shopgraph.domain.paging import check_page
from shopgraph.errors import Conflict, InvalidParameter
from shopgraph.ids import now_ms

ORDER_STATUSES = tuple(OrderStatus)
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
    check_page(page, limit)
    if status is not None and status not in ORDER_STATUSES:
        raise InvalidParameter("status", f"must be one of {', '.join(ORDER_STATUSES)}")
    conditions: list[ColumnElement[bool]] = [Order.project_id == project_id]
    if status is not None:
        conditions.append(Order.status == status)
    if email is not None and email.strip():
        conditions.append(Order.email == email.strip().lower())
    total, orders = await order_page(session, conditions, page, limit)
    items: dict[str, list[OrderItem]] = {}
    if orders:
        rows = await session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_([order.id for order in orders])).order_by(OrderItem.position)
        )
        for item in rows:
            items.setdefault(item.order_id, []).append(item)
    found = tuple(OrderWithItems(order, tuple(items.get(order.id, ()))) for order in orders)
    return AdminOrderPage(found, total, page, limit)


async def _order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    found = await find_order(session, project_id, order_id)
    if found is None:
        raise not_found("order")
    return found


async def _fresh(session: AsyncSession, found: OrderWithItems) -> OrderWithItems:
    await session.refresh(found.order)
    return found


def _changed_meanwhile(order: Order) -> Conflict:
    return Conflict(f"order {order.order_number} changed meanwhile; read it again", code=OrderErrorCode.ORDER_CHANGED)


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
    if order.status != OrderStatus.PROCESSING:
        raise Conflict(
            f"order {order.order_number} is {order.status}: only a processing order (paid, or cash on delivery) "
            "can be fulfilled",
            code=OrderErrorCode.ORDER_NOT_FULFILLABLE,
        )
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.PROCESSING)
        .values(status=OrderStatus.SHIPPED, updated_at=now_ms(), **shipment)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        raise _changed_meanwhile(order)
    await emit_order_event(session, order, EventType.ORDER_SHIPPED)
    await enqueue_order_email(session, project_id, Topic.ORDER_SHIPPED_EMAIL, order.id)
    return await _fresh(session, found)


async def cancel_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Cancels an unpaid order not yet shipped; its stock and coupon use are given back. A paid one is refunded."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status == PaymentStatus.PAID:
        raise Conflict(f"order {order.order_number} is paid: refund it instead", code=OrderErrorCode.ORDER_PAID)
    if order.status not in (OrderStatus.PENDING, OrderStatus.PROCESSING):
        raise Conflict(
            f"order {order.order_number} is {order.status} and can no longer be cancelled",
            code=OrderErrorCode.ORDER_NOT_CANCELLABLE,
        )
    if not await cancel_unpaid(session, order, found.items, statuses=(OrderStatus.PENDING, OrderStatus.PROCESSING)):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)


async def mark_order_paid(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Cash received on delivery, or a bank transfer: paid; a pending order moves to processing."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status == PaymentStatus.PAID:
        raise Conflict(f"order {order.order_number} is already paid", code=OrderErrorCode.ORDER_ALREADY_PAID)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) or order.payment_status == PaymentStatus.REFUNDED:
        raise Conflict(f"order {order.order_number} is {order.status}", code=OrderErrorCode.ORDER_NOT_PAYABLE)
    if not await mark_paid(session, order):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)


async def refund_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems:
    """Records a refund made elsewhere (the provider's dashboard, cash): status and payment become refunded."""
    found = await _order(session, project_id, order_id)
    order = found.order
    if order.payment_status != PaymentStatus.PAID:
        raise Conflict(
            f"order {order.order_number} is not paid ({order.payment_status}): nothing to refund",
            code=OrderErrorCode.ORDER_NOT_PAID,
        )
    if not await mark_refunded(session, order):
        raise _changed_meanwhile(order)
    return await _fresh(session, found)
