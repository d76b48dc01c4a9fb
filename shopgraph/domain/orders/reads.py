"""Orders as customers and the merchant read them: with their lines, one at a time or a page newest first."""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem
from shopgraph.domain.fields import validate_email
from shopgraph.domain.orders.error_codes import OrderErrorCode
from shopgraph.domain.paging import check_page, fetch_page
from shopgraph.errors import NotFound

ORDER_NUMBER = re.compile(r"ORD-0*([0-9]{1,9})", re.IGNORECASE)
NEWEST_FIRST = (Order.created_at.desc(), Order.number.desc())


@dataclass(frozen=True)
class OrderWithItems:
    order: Order
    items: tuple[OrderItem, ...]


@dataclass(frozen=True)
class OrderPage:
    """A customer's page: each order with how many items it holds."""

    orders: tuple[Order, ...]
    item_counts: dict[str, int]
    total: int
    page: int
    limit: int


async def order_items(session: AsyncSession, order_id: str) -> tuple[OrderItem, ...]:
    rows = await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position))
    return tuple(rows.all())


async def load_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems | None:
    order = await session.scalar(select(Order).where(Order.id == order_id, Order.project_id == project_id))
    if order is None:
        return None
    return OrderWithItems(order, await order_items(session, order.id))


async def find_order(session: AsyncSession, project_id: str, order_id: str) -> OrderWithItems | None:
    """The order by an id a caller gave, which may be anything."""
    return await load_order(session, project_id, order_id) if len(order_id) <= 40 else None


async def order_by_id_or_number(session: AsyncSession, project_id: str, key: str) -> Order | None:
    """The order row by its id or its order number (`ORD-001`, any case), as the vendor's backend looked them up."""
    if len(key) <= 40:
        order = await session.scalar(select(Order).where(Order.id == key, Order.project_id == project_id))
        if order is not None:
            return order
    number = ORDER_NUMBER.fullmatch(key.strip())
    if number is None:
        return None
    return await session.scalar(
        select(Order).where(Order.project_id == project_id, Order.number == int(number.group(1)))
    )


async def find_order_by_id_or_number(session: AsyncSession, project_id: str, key: str) -> OrderWithItems | None:
    """The order with its lines, by its id or its order number."""
    order = await order_by_id_or_number(session, project_id, key)
    return None if order is None else OrderWithItems(order, await order_items(session, order.id))


async def order_by_reference(session: AsyncSession, project_id: str, provider: str, reference: str) -> Order | None:
    """The order a provider knows by its own id (a Checkout Session, a PaymentIntent, a Razorpay order)."""
    return await session.scalar(
        select(Order).where(
            Order.project_id == project_id, Order.provider == provider, Order.provider_reference == reference
        )
    )


async def order_page(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], page: int, limit: int
) -> tuple[int, list[Order]]:
    """The orders matching `conditions`, newest first; the caller checked the page."""
    return await fetch_page(session, Order, conditions, NEWEST_FIRST, page=page, limit=limit)


async def customer_order(session: AsyncSession, project_id: str, order_id: str, email: object) -> OrderWithItems:
    """The order, only for the email it was placed with: an unknown id and a wrong email look the same.

    The email is compared, in constant time, before the lines are loaded, so a wrong one costs what an unknown id does.
    """
    address = validate_email(email)
    order = await order_by_id_or_number(session, project_id, order_id)
    placed_with = order.email if order is not None else ""
    if not hmac.compare_digest(placed_with.encode(), address.encode()) or order is None:
        raise NotFound("no order with this id for this email", code=OrderErrorCode.ORDER_NOT_FOUND)
    return OrderWithItems(order, await order_items(session, order.id))


async def customer_orders(session: AsyncSession, project_id: str, email: object, page: int, limit: int) -> OrderPage:
    address = validate_email(email)
    check_page(page, limit)
    total, orders = await order_page(session, [Order.project_id == project_id, Order.email == address], page, limit)
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
