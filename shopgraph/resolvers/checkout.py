"""Checkout: a cart becomes an order (stock, coupon use and number taken atomically), then a payment starts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.countries import is_country_code
from shopgraph.db.engine import Database
from shopgraph.db.models import Coupon, CouponRedemption, Order, OrderCounter, OrderItem
from shopgraph.db.upsert import insert_for
from shopgraph.domain.catalog.inventory import StockLine, take_stock
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.events.merchant_events import EventType, emit, order_data
from shopgraph.domain.events.outbox import Topic, enqueue_order_email
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.errors import Conflict, DomainError, InvalidInput, PaymentProviderError
from shopgraph.ids import new_id, now_ms
from shopgraph.payments import base as payments
from shopgraph.payments import provider_for
from shopgraph.resolvers import coupons
from shopgraph.resolvers.carts import INSUFFICIENT_STOCK, OUT_OF_STOCK, UNAVAILABLE, price_lines, read_cart
from shopgraph.resolvers.coupon_validation import validate_email
from shopgraph.resolvers.orders import (
    PAYMENT_PENDING,
    PENDING,
    PROCESSING,
    OrderWithItems,
    cancel_unpaid,
    clear_cart_of,
    load_order,
    order_number,
)
from shopgraph.settings import Settings

ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")
MANUAL_INSTRUCTIONS = "Pay on delivery: the order is confirmed and will be paid when it arrives."


@dataclass(frozen=True)
class CheckoutRequest:
    cart_id: str
    email: str
    shipping_address: dict[str, str] | None = None
    billing_address: dict[str, str] | None = None
    coupon_code: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    success_url: str | None = None
    cancel_url: str | None = None

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CheckoutResult:
    order: OrderWithItems
    payment: dict[str, Any]
    replayed: bool = False


def _text(value: object, field: str, *, limit: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{field}: required", code="INVALID_ADDRESS", field=field)
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(f"{field}: text of at most {limit} characters", code="INVALID_INPUT", field=field)
    return value.strip()


def validate_address(value: object, field: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"{field}: must be an object with line1, city, country ...", code="INVALID_ADDRESS", field=field
        )
    unknown = set(value) - set(ADDRESS_FIELDS) - {"postalCode"}
    if unknown:
        raise InvalidInput(f"{field}: unknown fields {', '.join(sorted(unknown))}", code="INVALID_ADDRESS", field=field)
    address = {
        "line1": _text(value.get("line1"), f"{field}.line1", limit=200, required=True),
        "line2": _text(value.get("line2"), f"{field}.line2", limit=200),
        "city": _text(value.get("city"), f"{field}.city", limit=100, required=True),
        "state": _text(value.get("state"), f"{field}.state", limit=100),
        "postal_code": _text(value.get("postal_code", value.get("postalCode")), f"{field}.postal_code", limit=20),
        "country": _text(value.get("country"), f"{field}.country", limit=2, required=True),
    }
    if not is_country_code(address["country"]):
        raise InvalidInput(
            f"{field}.country: {value.get('country')!r} is not an ISO 3166 country code such as US",
            code="INVALID_ADDRESS",
            field=f"{field}.country",
        )
    address["country"] = str(address["country"]).upper()
    return {key: text for key, text in address.items() if text is not None}


def _url(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc or len(value) > 2000:  # type: ignore[arg-type]
        raise InvalidInput(f"{field}: must be an http(s) URL", code="INVALID_URL", field=field)
    return value  # type: ignore[return-value]


def validate_request(
    *,
    cart_id: object,
    email: object,
    shipping_address: object = None,
    billing_address: object = None,
    coupon_code: object = None,
    customer_name: object = None,
    customer_phone: object = None,
    success_url: object = None,
    cancel_url: object = None,
) -> CheckoutRequest:
    if not isinstance(cart_id, str) or not cart_id:
        raise InvalidInput("cartId: required", code="INVALID_CART_ID", field="cartId")
    if coupon_code is not None and (not isinstance(coupon_code, str) or len(coupon_code) > 64):
        raise InvalidInput("couponCode: must be a coupon code", code="INVALID_COUPON_CODE", field="couponCode")
    shipping = validate_address(shipping_address, "shippingAddress")
    return CheckoutRequest(
        cart_id=cart_id,
        email=validate_email(email),
        shipping_address=shipping,
        billing_address=validate_address(billing_address, "billingAddress") or shipping,
        coupon_code=coupons.normalize_code(coupon_code)
        if isinstance(coupon_code, str) and coupon_code.strip()
        else None,
        customer_name=_text(customer_name, "customerName", limit=200),
        customer_phone=_text(customer_phone, "customerPhone", limit=40),
        success_url=_url(success_url, "successUrl"),
        cancel_url=_url(cancel_url, "cancelUrl"),
    )


async def _next_number(session: AsyncSession, project_id: str) -> int:
    statement = insert_for(session, OrderCounter.__table__).values(project_id=project_id, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=["project_id"], set_={"last_number": OrderCounter.__table__.c.last_number + 1}
    ).returning(OrderCounter.__table__.c.last_number)
    return int((await session.execute(statement)).scalar_one())


async def _take_coupon_use(
    session: AsyncSession, project_id: str, coupon: coupons.CouponRule, email: str, order_id: str
) -> None:
    result = await session.execute(
        update(Coupon)
        .where(
            Coupon.id == coupon.id,
            (Coupon.usage_limit.is_(None)) | (Coupon.used_count < Coupon.usage_limit),
        )
        .values(used_count=Coupon.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            coupons.MESSAGES[coupons.USAGE_LIMIT_REACHED], code=coupons.USAGE_LIMIT_REACHED, field="couponCode"
        )
    session.add(
        CouponRedemption(
            id=new_id("red"),
            project_id=project_id,
            coupon_id=coupon.id,
            email=email,
            order_id=order_id,
            once_per_customer=coupon.once_per_customer,
        )
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        # Another checkout with this email redeemed the coupon after this one looked.
        raise InvalidInput(
            coupons.MESSAGES[coupons.ALREADY_USED], code=coupons.ALREADY_USED, field="couponCode"
        ) from exc


async def _coupon_for(
    session: AsyncSession, project_id: str, request: CheckoutRequest, cart_coupon: coupons.CouponRule | None
) -> coupons.CouponRule | None:
    if request.coupon_code is None:
        return cart_coupon
    coupon = await coupons.find_coupon(session, project_id, request.coupon_code)
    if coupon is None:
        raise InvalidInput(coupons.MESSAGES[coupons.NOT_FOUND], code=coupons.NOT_FOUND, field="couponCode")
    return coupon


async def place_order(
    session: AsyncSession,
    project_id: str,
    request: CheckoutRequest,
    *,
    config: StoreConfig,
    provider: str,
    storefront_url: str | None,
    ttl_minutes: int,
    idempotency_key: str | None,
) -> OrderWithItems:
    """The order with its lines, stock and coupon use taken; all or nothing within the caller's unit of work."""
    cart = await read_cart(session, project_id, request.cart_id, config)
    if not cart.lines:
        raise InvalidInput("the cart is empty", code="EMPTY_CART", field="cartId")
    blocked = [line for line in cart.lines if {UNAVAILABLE, OUT_OF_STOCK, INSUFFICIENT_STOCK} & set(line.issues)]
    if blocked:
        names = ", ".join(line.name for line in blocked)
        code = "PRODUCT_UNAVAILABLE" if any(UNAVAILABLE in line.issues for line in blocked) else "INSUFFICIENT_STOCK"
        raise Conflict(f"no longer available in the quantity asked: {names}", code=code, field="items")
    coupon = await _coupon_for(session, project_id, request, cart.coupon)
    priced = price_lines(cart.id, list(cart.lines), coupon, config, updated_at=cart.updated_at)
    if coupon is not None:
        already_used = coupon.once_per_customer and await coupons.used_by(session, coupon.id, request.email)
        problem = priced.coupon_problem or (coupons.ALREADY_USED if already_used else None)
        if problem is not None:
            raise InvalidInput(coupons.MESSAGES[problem], code=problem, field="couponCode")
    now = now_ms()
    order_id = new_id("ord")
    await take_stock(
        session,
        project_id,
        [StockLine(line.product_id, line.variant_id, line.quantity, line.name) for line in priced.lines],
    )
    if coupon is not None and priced.totals.discount_total_minor >= 0:
        await _take_coupon_use(session, project_id, coupon, request.email, order_id)
    number = await _next_number(session, project_id)
    online = provider != "manual"
    totals = priced.totals
    order = Order(
        id=order_id,
        project_id=project_id,
        number=number,
        order_number=order_number(number),
        email=request.email,
        customer_name=request.customer_name,
        customer_phone=request.customer_phone,
        status=PENDING if online else PROCESSING,
        payment_status=PAYMENT_PENDING,
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
        success_url=request.success_url or storefront_url,
        cancel_url=request.cancel_url or storefront_url,
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
    session.add(order)
    session.add_all(items)
    await session.flush()
    await bump_catalog_version(session, project_id)
    await emit(session, project_id, EventType.ORDER_CREATED, order_data(order, items))
    if not online:
        await clear_cart_of(session, order)
        await enqueue_order_email(session, project_id, Topic.ORDER_CONFIRMATION_EMAIL, order_id)
    return OrderWithItems(order, items)


def payment_json(session: payments.PaymentSession) -> dict[str, Any]:
    """The `payment` object of the checkout response, per provider as the guides show it."""
    if session.provider == "stripe":
        body: dict[str, Any] = {"provider": "stripe", "id": session.reference}
        if session.url:
            body["url"] = session.url
        if session.client_secret:
            body["client_secret"] = session.client_secret
        return body
    if session.provider == "razorpay":
        return {
            "provider": "razorpay", "token": session.public_key, "providerOrderId": session.reference,
            "amount": session.amount_minor, "currency": session.currency,
        }  # fmt: skip
    return {"provider": session.provider, "instructions": session.instructions or MANUAL_INSTRUCTIONS}


async def _replay(session: AsyncSession, project_id: str, key: str, request: CheckoutRequest) -> CheckoutResult | None:
    order_id = await session.scalar(
        select(Order.id).where(Order.project_id == project_id, Order.idempotency_key == key)
    )
    if order_id is None:
        return None
    found = await load_order(session, project_id, order_id)
    assert found is not None
    if found.order.request_fingerprint != request.fingerprint():
        raise Conflict("this Idempotency-Key was used with another request", code="IDEMPOTENCY_KEY_REUSED")
    if not found.order.payment_details:
        raise Conflict("a checkout with this Idempotency-Key is still in progress", code="IDEMPOTENCY_IN_PROGRESS")
    return CheckoutResult(found, found.order.payment_details, replayed=True)


async def checkout(
    database: Database,
    project_id: str,
    project_slug: str,
    request: CheckoutRequest,
    *,
    config: StoreConfig,
    settings: Settings,
    default_stripe_mode: str,
    idempotency_key: str | None = None,
) -> CheckoutResult:
    """Places the order in one unit of work, asks the provider for a payment outside it, then records that."""
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
        raise InvalidInput("Idempotency-Key: 1 to 255 characters", code="INVALID_IDEMPOTENCY_KEY")
    try:
        async with database.write() as session:
            if idempotency_key is not None and (replay := await _replay(session, project_id, idempotency_key, request)):
                return replay
            credentials, settings_row = await credentials_for(session, project_id)
            mode = credentials.stripe_mode or default_stripe_mode
            if (
                config.payment_provider == "stripe"
                and mode == "checkout_session"
                and not (request.success_url or settings_row.storefront_url)
            ):
                raise InvalidInput(
                    "successUrl: required for a Stripe Checkout Session (or set the project's storefront_url)",
                    code="INVALID_URL",
                    field="successUrl",
                )
            placed = await place_order(
                session,
                project_id,
                request,
                config=config,
                provider=config.payment_provider,
                storefront_url=settings_row.storefront_url,
                ttl_minutes=settings_row.pending_order_ttl_minutes,
                idempotency_key=idempotency_key,
            )
    except IntegrityError as exc:
        if idempotency_key is None:
            raise
        async with database.read() as session:
            replay = await _replay(session, project_id, idempotency_key, request)
        if replay is None:
            raise Conflict(
                "a checkout with this Idempotency-Key is still in progress", code="IDEMPOTENCY_IN_PROGRESS"
            ) from exc
        return replay
    provider = provider_for(config.payment_provider, credentials, settings, mode=mode)
    order = placed.order
    try:
        payment_session = await provider.create_payment(
            payments.PaymentRequest(
                order_id=order.id,
                order_number=order.order_number,
                project_slug=project_slug,
                amount_minor=order.grand_total_minor,
                currency=order.currency,
                email=order.email,
                success_url=order.success_url or "",
                cancel_url=order.cancel_url or order.success_url or "",
                expires_at_ms=order.expires_at or now_ms(),
            )
        )
    except DomainError as error:
        async with database.write() as session:
            await cancel_unpaid(session, order, placed.items)
        raise PaymentProviderError(f"the payment could not be started: {error.message}", code=error.code) from error
    payment = payment_json(payment_session)
    async with database.write() as session:
        await session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(provider_reference=payment_session.reference, payment_details=payment)
        )
    order.provider_reference = payment_session.reference
    order.payment_details = payment
    return CheckoutResult(placed, payment)
