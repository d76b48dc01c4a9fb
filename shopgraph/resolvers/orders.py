"""Orders: what a customer may read, and the state changes payments cause."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Cart, CartItem, Coupon, CouponRedemption, Order, OrderItem
from shopgraph.domain.catalog.inventory import StockLine, return_stock
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.events.merchant_events import EventType, emit_order_event
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.errors import InvalidParameter, NotFound
from shopgraph.ids import now_ms
from shopgraph.resolvers.coupon_validation import validate_email

PENDING = "pending"
PROCESSING = "processing"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
REFUNDED = "refunded"

PAYMENT_PENDING = "pending"
PAYMENT_PAID = "paid"
PAYMENT_FAILED = "failed"
PAYMENT_REFUNDED = "refunded"

MAX_LIMIT = 100


@dataclass(frozen=True)
class OrderWithItems:
    order: Order
    items: tuple[OrderItem, ...]


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[Order, ...]
    item_counts: dict[str, int]
    total: int
    page: int
    limit: int


def order_number(number: int) -> str:
    return f"ORD-{number:03d}"


async def load_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems | None:
    order = await session.scalar(select(Order).where(Order.id == order_id, Order.project_id == project_id))
    if order is None:
        return None
    items = (
        await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.position))
    ).all()
    return OrderWithItems(order, tuple(items))


async def customer_order(session: AsyncSession, project_id: str, order_id: str, email: object) -> OrderWithItems:
    """The order, only for the email it was placed with: an unknown id and a wrong email look the same."""
    address = validate_email(email)
    found = await load_order(session, project_id, order_id) if len(order_id) <= 40 else None
    if found is None or found.order.email != address:
        raise NotFound("no order with this id for this email", code="ORDER_NOT_FOUND")
    return found


async def customer_orders(session: AsyncSession, project_id: str, email: object, page: int, limit: int) -> OrderPage:
    address = validate_email(email)
    if page < 1:
        raise InvalidParameter("page", "must be a whole number of at least 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    mine = (Order.project_id == project_id, Order.email == address)
    total = await session.scalar(select(func.count()).select_from(Order).where(*mine)) or 0
    orders = (
        await session.scalars(
            select(Order)
            .where(*mine)
            .order_by(Order.created_at.desc(), Order.number.desc())
            .offset((page - 1) * limit)
            .limit(limit)
        )
    ).all()
    counts = (
        dict(
            (
                await session.execute(
                    select(OrderItem.order_id, func.sum(OrderItem.quantity))
                    .where(OrderItem.order_id.in_([order.id for order in orders]))
                    .group_by(OrderItem.order_id)
                )
            ).all()
        )
        if orders
        else {}
    )
    return OrderPage(tuple(orders), {key: int(value) for key, value in counts.items()}, total, page, limit)


def stock_lines(items: tuple[OrderItem, ...]) -> list[StockLine]:
    return [StockLine(item.product_id, item.variant_id, item.quantity, item.name) for item in items if item.product_id]


async def clear_cart_of(session: AsyncSession, order: Order) -> None:
    if order.cart_id is None:
        return
    await session.execute(
        delete(CartItem).where(CartItem.project_id == order.project_id, CartItem.cart_id == order.cart_id)
    )
    await session.execute(
        update(Cart).where(Cart.project_id == order.project_id, Cart.id == order.cart_id).values(coupon_id=None)
    )


async def mark_paid(session: AsyncSession, order: Order) -> bool:
    """Paid once: moves a pending order to processing, clears its cart and queues the confirmation email."""
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status.in_([PAYMENT_PENDING, PAYMENT_FAILED]))
        .values(
            payment_status=PAYMENT_PAID,
            # A payment that arrives after the order was cancelled is recorded, but does not revive it: its
            # stock was given back, so the merchant decides (refund, or fulfil by hand).
            status=_status_after_payment(order.status),
            paid_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await clear_cart_of(session, order)
    await enqueue_order_email(session, order.project_id, Topic.ORDER_CONFIRMATION_EMAIL, order.id)
    await emit_order_event(session, order, EventType.ORDER_PAID)
    return True


def _status_after_payment(status: str) -> str:
    return PROCESSING if status == PENDING else status


async def mark_payment_failed(session: AsyncSession, order: Order) -> bool:
    """A failed attempt; the order stays open for another try, and a later success still counts."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == PAYMENT_PENDING, Order.status == PENDING)
        .values(payment_status=PAYMENT_FAILED, updated_at=now_ms())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


async def cancel_unpaid(
    session: AsyncSession, order: Order, items: tuple[OrderItem, ...], *, statuses: Collection[str] = (PENDING,)
) -> bool:
    """Cancels an unpaid order in one of `statuses` and gives back its stock and its coupon use, once."""
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(statuses), Order.payment_status != PAYMENT_PAID)
        .values(status=CANCELLED, cancelled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await return_stock(session, order.project_id, stock_lines(items))
    await bump_catalog_version(session, order.project_id)
    if order.coupon_id is not None:
        await session.execute(
            update(Coupon)
            .where(Coupon.id == order.coupon_id, Coupon.used_count > 0)
            .values(used_count=Coupon.used_count - 1)
        )
        await session.execute(delete(CouponRedemption).where(CouponRedemption.order_id == order.id))
    await emit_order_event(session, order, EventType.ORDER_CANCELLED)
    return True


async def mark_refunded(session: AsyncSession, order: Order) -> bool:
    now = now_ms()
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == PAYMENT_PAID)
        .values(status=REFUNDED, payment_status=PAYMENT_REFUNDED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await emit_order_event(session, order, EventType.ORDER_REFUNDED)
    return True


async def expire_unpaid_orders(session: AsyncSession, *, now: int, batch: int = 100) -> int:
    """Cancels pending online-payment orders past their expiry; returns how many."""
    due = (
        await session.scalars(
            select(Order)
            .where(Order.status == PENDING, Order.expires_at.is_not(None), Order.expires_at <= now)
            .limit(batch)
        )
    ).all()
    cancelled = 0
    for order in due:
        items = (await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id))).all()
        cancelled += await cancel_unpaid(session, order, tuple(items))
    return cancelled
