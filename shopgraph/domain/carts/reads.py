"""A cart as it reads now: its lines priced from the catalog, its coupon checked again, in one statement (two with a
coupon) whatever the number of lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, NewType

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Cart, CartItem, Coupon, Product, ProductStatus, Variant
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.carts.error_codes import CartErrorCode, CouponRefusal
from shopgraph.domain.carts.pricing import CartTotals, PricedLine, PricingRules, price_cart
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import InvalidInput
from shopgraph.ids import now_ms

CART_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# A cart id the storefront chose, checked once by the door that received it.
CartId = NewType("CartId", str)


class LineIssue(StrEnum):
    UNAVAILABLE = "UNAVAILABLE"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    PRICE_CHANGED = "PRICE_CHANGED"


def validate_cart_id(cart_id: str) -> CartId:
    if not CART_ID.match(cart_id):
        raise InvalidInput(
            "cartId: 1 to 64 letters, digits, '-' or '_'", code=CartErrorCode.INVALID_CART_ID, field="cartId"
        )
    return CartId(cart_id)


def pricing_rules(config: StoreConfig) -> PricingRules:
    return PricingRules(
        currency=config.default_currency,
        tax_basis_points=config.tax_basis_points,
        flat_shipping_rate_minor=config.flat_shipping_rate_minor,
        free_shipping_threshold_minor=config.free_shipping_threshold_minor,
        shipping_enabled=config.shipping_enabled,
    )


@dataclass(frozen=True)
class CartLine:
    id: str
    product_id: str
    variant_id: str | None
    category_id: str | None
    name: str
    variant_name: str | None
    sku: str | None
    slug: str
    image: str | None
    unit_price_minor: int
    quantity: int
    issues: tuple[LineIssue, ...]
    available_quantity: int | None
    previous_unit_price_minor: int | None
    line_total_minor: int = 0
    discount_minor: int = 0

    @property
    def purchasable(self) -> bool:
        return LineIssue.UNAVAILABLE not in self.issues and LineIssue.OUT_OF_STOCK not in self.issues


@dataclass(frozen=True)
class CartView:
    id: str
    currency: str
    lines: tuple[CartLine, ...]
    coupon: CouponRule | None
    coupon_problem: CouponRefusal | None
    totals: CartTotals
    updated_at: int | None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def coupon_applied(self) -> bool:
        return self.coupon is not None and self.coupon_problem is None


def _line_from_row(row: Any) -> CartLine:
    has_variant = row.variant_id is not None
    unit_price = row.variant_price if has_variant else row.product_price
    stock = row.variant_stock if has_variant else row.product_stock
    issues: list[LineIssue] = []
    if row.status != ProductStatus.ACTIVE or (has_variant and row.variant_name is None):
        issues.append(LineIssue.UNAVAILABLE)
    elif stock is not None and stock <= 0:
        issues.append(LineIssue.OUT_OF_STOCK)
    elif stock is not None and row.quantity > stock:
        issues.append(LineIssue.INSUFFICIENT_STOCK)
    changed = unit_price is not None and unit_price != row.added_unit_price_minor
    if changed:
        issues.append(LineIssue.PRICE_CHANGED)
    images = row.images or []
    return CartLine(
        id=row.id,
        product_id=row.product_id,
        variant_id=row.variant_id,
        category_id=row.category_id,
        name=row.product_name,
        variant_name=row.variant_name,
        sku=row.sku,
        slug=row.slug,
        image=images[0] if images else None,
        unit_price_minor=unit_price if unit_price is not None else row.added_unit_price_minor,
        quantity=row.quantity,
        issues=tuple(issues),
        available_quantity=stock,
        previous_unit_price_minor=row.added_unit_price_minor if changed else None,
    )


_LINE_COLUMNS = (
    CartItem.id,
    CartItem.product_id,
    CartItem.variant_id,
    CartItem.quantity,
    CartItem.added_unit_price_minor,
    Product.slug,
    Product.name.label("product_name"),
    Product.images,
    Product.category_id,
    Product.status,
    Product.price_minor.label("product_price"),
    Product.stock.label("product_stock"),
    Variant.name.label("variant_name"),
    Variant.sku,
    Variant.price_minor.label("variant_price"),
    Variant.stock.label("variant_stock"),
)
_LINE_ORDER = (CartItem.created_at, CartItem.id)


@dataclass(frozen=True)
class CartHead:
    """The cart row's own columns a change already has (from its `RETURNING`), so the read skips them."""

    updated_at: int
    coupon_id: str | None


def _lines_select() -> Select[Any]:
    return (
        select(*_LINE_COLUMNS)
        .join(Product, Product.id == CartItem.product_id)
        .outerjoin(Variant, Variant.id == CartItem.variant_id)
        .where(CartItem.project_id == bindparam("project_id"), CartItem.cart_id == bindparam("cart_id"))
        .order_by(*_LINE_ORDER)
    )


def _cart_select() -> Select[Any]:
    # The cart row and its lines in one statement: a cart without lines is one row of NULL line columns. The joins
    # are flat (a line always has its product): SQLite materialises a nested join of the lines whole, every line of
    # every cart, before it looks for this cart's.
    return (
        select(Cart.updated_at.label("cart_updated_at"), Cart.coupon_id.label("cart_coupon_id"), *_LINE_COLUMNS)
        .select_from(Cart)
        .outerjoin(CartItem, (CartItem.project_id == Cart.project_id) & (CartItem.cart_id == Cart.id))
        .outerjoin(Product, Product.id == CartItem.product_id)
        .outerjoin(Variant, Variant.id == CartItem.variant_id)
        .where(Cart.project_id == bindparam("project_id"), Cart.id == bindparam("cart_id"))
        .order_by(*_LINE_ORDER)
    )


# Built once: building and hashing these costs more than running them (see `db.statements.Prepared`).
_LINES = _lines_select()
_CART = _cart_select()


async def _coupon(session: AsyncSession, coupon_id: str | None) -> CouponRule | None:
    if coupon_id is None:
        return None
    row = await session.scalar(select(Coupon).where(Coupon.id == coupon_id))
    return CouponRule.from_row(row) if row is not None else None


async def read_cart(
    session: AsyncSession, project_id: str, cart_id: CartId, config: StoreConfig, *, head: CartHead | None = None
) -> CartView:
    """The cart priced from the catalog as it is now; an unknown cart is an empty one.

    One statement (two with a coupon); with the `head` a change just wrote, the lines only."""
    keys = {"project_id": project_id, "cart_id": cart_id}
    if head is not None:
        rows = (await session.execute(_LINES, keys)).all()
        lines = [_line_from_row(row) for row in rows]
    else:
        rows = (await session.execute(_CART, keys)).all()
        if not rows:
            return price_lines(cart_id, [], None, config, updated_at=None)
        head = CartHead(rows[0].cart_updated_at, rows[0].cart_coupon_id)
        lines = [_line_from_row(row) for row in rows if row.id is not None]
    coupon = await _coupon(session, head.coupon_id)
    return price_lines(cart_id, lines, coupon, config, updated_at=head.updated_at)


def price_lines(
    cart_id: str, lines: list[CartLine], coupon: CouponRule | None, config: StoreConfig, *, updated_at: int | None
) -> CartView:
    purchasable = [line for line in lines if line.purchasable]
    priced = [
        PricedLine(
            key=line.id,
            unit_price_minor=line.unit_price_minor,
            quantity=line.quantity,
            product_id=line.product_id,
            category_id=line.category_id,
        )
        for line in purchasable
    ]
    problem = None
    if coupon is not None:
        subtotal = sum(line.unit_price_minor * line.quantity for line in purchasable)
        problem = coupons.problem_with(
            coupon,
            now=now_ms(),
            subtotal_minor=subtotal,
            has_eligible_line=any(coupon.applies_to(line.product_id, line.category_id) for line in purchasable),
        )
    totals = price_cart(priced, pricing_rules(config), coupon.discount() if coupon and problem is None else None)
    by_key = {line.key: line for line in totals.lines}
    lines_with_totals = tuple(
        _with_totals(line, by_key[line.id].line_total_minor, by_key[line.id].discount_minor)
        if line.id in by_key
        else _with_totals(line, line.unit_price_minor * line.quantity, 0)
        for line in lines
    )
    return CartView(cart_id, config.default_currency, lines_with_totals, coupon, problem, totals, updated_at)


def _with_totals(line: CartLine, line_total: int, discount: int) -> CartLine:
    return CartLine(**{**line.__dict__, "line_total_minor": line_total, "discount_minor": discount})


async def try_coupon(
    session: AsyncSession, cart: CartView, coupon: CouponRule, config: StoreConfig, *, email: str | None = None
) -> CartView:
    """The cart as it would be with this coupon. Its `coupon_problem` says why the coupon would not apply, including
    ALREADY_USED when `email` has used a once-per-customer coupon before."""
    used = await coupons.already_used(session, coupon, email)
    trial = price_lines(cart.id, list(cart.lines), coupon, config, updated_at=cart.updated_at)
    if trial.coupon_problem is None and used:
        return replace(trial, coupon_problem=CouponRefusal.ALREADY_USED)
    return trial
