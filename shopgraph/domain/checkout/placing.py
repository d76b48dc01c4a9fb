"""Placing an order: the cart read from the catalog, then stock, coupon use and a number taken, all or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderCounter, OrderItem, OrderStatus, PaymentStatus
from shopgraph.db.statements import Prepared
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.changes import empty_cart
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.carts.error_codes import CouponRefusal
from shopgraph.domain.carts.reads import LineIssue, read_cart, try_coupon, validate_cart_id
from shopgraph.domain.catalog.inventory import StockLine, take_stock
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.checkout.error_codes import CheckoutErrorCode
from shopgraph.domain.checkout.requests import CheckoutRequest
from shopgraph.domain.checkout.return_urls import DefaultReturns
from shopgraph.domain.events.merchant_events import EventType, emit
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.domain.orders.order_events import order_data
from shopgraph.domain.orders.reads import OrderWithItems
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import Conflict, InvalidInput
from shopgraph.ids import new_id, now_ms
from shopgraph.payments import Provider

BLOCKING_ISSUES = {LineIssue.UNAVAILABLE, LineIssue.OUT_OF_STOCK, LineIssue.INSUFFICIENT_STOCK}


def order_number(number: int) -> str:
    return f"ORD-{number:03d}"


def _build_next_number(insert: Callable[[Any], Any]) -> Any:
    table = OrderCounter.__table__
    statement = insert(table).values(project_id=bindparam("project_id"), last_number=1)
    return statement.on_conflict_do_update(
        index_elements=["project_id"], set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)


_NEXT_NUMBER = Prepared(_build_next_number)


async def _next_number(session: AsyncSession, project_id: str) -> int:
    return int((await session.execute(_NEXT_NUMBER(session), {"project_id": project_id})).scalar_one())


async def _coupon_for(
    session: AsyncSession, project_id: str, request: CheckoutRequest, cart_coupon: CouponRule | None
) -> CouponRule | None:
    if request.coupon_code is None:
        return cart_coupon
    coupon = await coupons.find_coupon(session, project_id, request.coupon_code)
    if coupon is None:
        raise coupons.refused(CouponRefusal.NOT_FOUND, "couponCode")
    return coupon


async def place_order(
    session: AsyncSession,
    project_id: str,
    request: CheckoutRequest,
    *,
    config: StoreConfig,
    provider: str,
    returns: DefaultReturns,
    ttl_minutes: int,
    idempotency_key: str | None,
    project_slug: str | None = None,
    before_insert: Callable[[Order], Awaitable[None]] | None = None,
) -> OrderWithItems:
    """The order with its lines, stock and coupon use taken; all or nothing within the caller's unit of work.

    `before_insert` may complete the order (a payment that needs no call out) before it is written."""
    cart = await read_cart(session, project_id, validate_cart_id(request.cart_id), config)
    if not cart.lines:
        raise InvalidInput("the cart is empty", code=CheckoutErrorCode.EMPTY_CART, field="cartId")
    blocked = [line for line in cart.lines if BLOCKING_ISSUES & set(line.issues)]
    if blocked:
        names = ", ".join(line.name for line in blocked)
        unavailable = any(LineIssue.UNAVAILABLE in line.issues for line in blocked)
        code = CheckoutErrorCode.PRODUCT_UNAVAILABLE if unavailable else CheckoutErrorCode.INSUFFICIENT_STOCK
        raise Conflict(f"no longer available in the quantity asked: {names}", code=code, field="items")
    coupon = await _coupon_for(session, project_id, request, cart.coupon)
    priced = cart if coupon is None else await try_coupon(session, cart, coupon, config, email=request.email)
    if priced.coupon_problem is not None:
        raise coupons.refused(priced.coupon_problem, "couponCode")
    now = now_ms()
    order_id = new_id("ord")
    urls = returns.for_order(order_id, request.success_url, request.cancel_url)
    await take_stock(
        session,
        project_id,
        [StockLine(line.product_id, line.variant_id, line.quantity, line.name) for line in priced.lines],
    )
    if coupon is not None:
        await coupons.take_use(session, project_id, coupon, request.email, order_id)
    number = await _next_number(session, project_id)
    online = provider != Provider.MANUAL
    totals = priced.totals
    order = Order(
        id=order_id,
        project_id=project_id,
        number=number,
        order_number=order_number(number),
        email=request.email,
        customer_name=request.customer_name,
        customer_phone=request.customer_phone,
        status=OrderStatus.PENDING if online else OrderStatus.PROCESSING,
        payment_status=PaymentStatus.PENDING,
        currency=cart.currency,
        subtotal_minor=totals.subtotal_minor,
        discount_total_minor=totals.discount_total_minor,
        tax_total_minor=totals.tax_total_minor,
        shipping_total_minor=totals.shipping_total_minor,
        grand_total_minor=totals.grand_total_minor,
        coupon_id=coupon.id if coupon else None,
        coupon_code=coupon.code if coupon else None,
        shipping_address=request.shipping_address,
        billing_address=request.billing_address,
        cart_id=cart.id,
        provider=provider,
        success_url=urls.success,
        cancel_url=urls.cancel,
        idempotency_key=idempotency_key,
        request_fingerprint=request.fingerprint(),
        expires_at=now + ttl_minutes * 60_000 if online else None,
        payment_details={},
        created_at=now,
        updated_at=now,
    )
    items = tuple(
        OrderItem(
            id=new_id("oitem"),
            order_id=order_id,
            product_id=line.product_id,
            variant_id=line.variant_id,
            name=line.name,
            variant_name=line.variant_name,
            sku=line.sku,
            slug=line.slug,
            image=line.image,
            unit_price_minor=line.unit_price_minor,
            quantity=line.quantity,
            line_total_minor=line.line_total_minor,
            discount_minor=line.discount_minor,
            position=position,
        )
        for position, line in enumerate(priced.lines)
    )
    if before_insert is not None:
        await before_insert(order)
    session.add(order)
    session.add_all(items)
    await session.flush()
    await bump_catalog_version(session, project_id, [line.product_id for line in priced.lines])
    await emit(session, project_id, EventType.ORDER_CREATED, order_data(order, items), slug=project_slug)
    if not online:
        await empty_cart(session, project_id, cart.id)
        await enqueue_order_email(session, project_id, Topic.ORDER_CONFIRMATION_EMAIL, order_id)
    return OrderWithItems(order, items)
