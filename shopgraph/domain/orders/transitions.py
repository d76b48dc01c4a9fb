"""The state changes payments and time cause: paid, payment failed, cancelled (stock and coupon use given back),
refunded. Each is a conditional update, so it happens once whatever the concurrency and the order events arrive in."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem, OrderStatus, PaymentStatus
from shopgraph.db.statements import changed_rows
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.changes import empty_cart
from shopgraph.domain.catalog.inventory import StockLine, return_stock
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.events.merchant_events import EventType
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.domain.orders.order_events import emit_order_event
from shopgraph.domain.orders.reads import order_items
from shopgraph.ids import now_ms


def stock_lines(items: Sequence[OrderItem]) -> list[StockLine]:
    return [StockLine(item.product_id, item.variant_id, item.quantity, item.name) for item in items if item.product_id]


async def mark_paid(session: AsyncSession, order: Order) -> bool:
    """Paid once: moves a pending order to processing, empties its cart and queues the confirmation email."""
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status.in_([PaymentStatus.PENDING, PaymentStatus.FAILED]))
        .values(
            payment_status=PaymentStatus.PAID,
            # A payment that arrives after the order was cancelled is recorded, but does not revive it: its
            # stock was given back, so the merchant decides (refund, or fulfil by hand).
            status=_status_after_payment(order.status),
            paid_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        return False
    if order.cart_id is not None:
        await empty_cart(session, order.project_id, order.cart_id)
    await enqueue_order_email(session, order.project_id, Topic.ORDER_CONFIRMATION_EMAIL, order.id)
    await emit_order_event(session, order, EventType.ORDER_PAID)
    return True


def _status_after_payment(status: str) -> str:
    return OrderStatus.PROCESSING if status == OrderStatus.PENDING else status


async def mark_payment_failed(session: AsyncSession, order: Order) -> bool:
    """A failed attempt; the order stays open for another try, and a later success still counts."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == PaymentStatus.PENDING, Order.status == OrderStatus.PENDING)
        .values(payment_status=PaymentStatus.FAILED, updated_at=now_ms())
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result) == 1


async def cancel_unpaid(
    session: AsyncSession,
    order: Order,
    items: Sequence[OrderItem],
    *,
    statuses: Collection[OrderStatus] = (OrderStatus.PENDING,),
) -> bool:
    """Cancels an unpaid order in one of `statuses` and gives back its stock and its coupon use, once."""
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(statuses), Order.payment_status != PaymentStatus.PAID)
        .values(status=OrderStatus.CANCELLED, cancelled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        return False
    await return_stock(session, order.project_id, stock_lines(items))
    await bump_catalog_version(session, order.project_id, [line.product_id for line in stock_lines(items)])
    await coupons.give_back_use(session, order)
    await emit_order_event(session, order, EventType.ORDER_CANCELLED)
    return True


async def mark_refunded(session: AsyncSession, order: Order) -> bool:
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == PaymentStatus.PAID)
        .values(status=OrderStatus.REFUNDED, payment_status=PaymentStatus.REFUNDED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        return False
    await emit_order_event(session, order, EventType.ORDER_REFUNDED)
    return True


async def expire_unpaid_orders(session: AsyncSession, *, now: int, batch: int = 100) -> int:
    """Cancels pending online-payment orders past their expiry; returns how many."""
    due = (
        await session.scalars(
            select(Order)
            .where(Order.status == OrderStatus.PENDING, Order.expires_at.is_not(None), Order.expires_at <= now)
            .limit(batch)
        )
    ).all()
    cancelled = 0
    for order in due:
        cancelled += await cancel_unpaid(session, order, await order_items(session, order.id))
    return cancelled
