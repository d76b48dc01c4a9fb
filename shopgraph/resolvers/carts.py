"""Carts: lines priced from the catalog on every read, written with conflict-safe upserts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Cart, CartItem, Coupon, Product, Variant
from shopgraph.db.upsert import insert_for
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import InsufficientStock, InvalidInput, NotFound
from shopgraph.ids import new_id, now_ms
from shopgraph.resolvers import coupons
from shopgraph.resolvers.coupons import CouponRule
from shopgraph.resolvers.pricing import CartTotals, PricedLine, PricingRules, price_cart

CART_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_LINE_QUANTITY = 999

UNAVAILABLE = "UNAVAILABLE"
OUT_OF_STOCK = "OUT_OF_STOCK"
INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
PRICE_CHANGED = "PRICE_CHANGED"


def validate_cart_id(cart_id: str) -> str:
    if not CART_ID.match(cart_id):
        raise InvalidInput("cartId: 1 to 64 letters, digits, '-' or '_'", code="INVALID_CART_ID", field="cartId")
    return cart_id


def validate_quantity(value: object, *, allow_zero: bool = False) -> int:
    lowest = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"quantity: must be a whole number from {lowest} to {MAX_LINE_QUANTITY}",
            code="INVALID_QUANTITY",
            field="quantity",
        )
    return value


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
    issues: tuple[str, ...]
    available_quantity: int | None
    previous_unit_price_minor: int | None
    line_total_minor: int = 0
    discount_minor: int = 0

    @property
    def purchasable(self) -> bool:
        return UNAVAILABLE not in self.issues and OUT_OF_STOCK not in self.issues


@dataclass(frozen=True)
class CartView:
    id: str
    currency: str
    lines: tuple[CartLine, ...]
    coupon: CouponRule | None
    coupon_problem: str | None
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
    issues = []
    if row.status != "active" or (has_variant and row.variant_name is None):
        issues.append(UNAVAILABLE)
    elif stock is not None and stock <= 0:
        issues.append(OUT_OF_STOCK)
    elif stock is not None and row.quantity > stock:
        issues.append(INSUFFICIENT_STOCK)
    changed = unit_price is not None and unit_price != row.added_unit_price_minor
    if changed:
        issues.append(PRICE_CHANGED)
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


async def _cart_lines(session: AsyncSession, project_id: str, cart_id: str) -> list[CartLine]:
    rows = await session.execute(
        select(
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
        .join(Product, Product.id == CartItem.product_id)
        .outerjoin(Variant, Variant.id == CartItem.variant_id)
        .where(CartItem.project_id == project_id, CartItem.cart_id == cart_id)
        .order_by(CartItem.created_at, CartItem.id)
    )
    return [_line_from_row(row) for row in rows]


async def read_cart(session: AsyncSession, project_id: str, cart_id: str, config: StoreConfig) -> CartView:
    """The cart priced from the catalog as it is now: two statements whatever the number of lines."""
    validate_cart_id(cart_id)
    cart_row = (
        await session.execute(
            select(Cart.updated_at, Coupon)
            .outerjoin(Coupon, Coupon.id == Cart.coupon_id)
            .where(Cart.project_id == project_id, Cart.id == cart_id)
        )
    ).first()
    lines = await _cart_lines(session, project_id, cart_id) if cart_row is not None else []
    coupon = CouponRule.from_row(cart_row.Coupon) if cart_row is not None and cart_row.Coupon is not None else None
    return price_lines(cart_id, lines, coupon, config, updated_at=cart_row.updated_at if cart_row else None)


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


async def _touch_cart(session: AsyncSession, project_id: str, cart_id: str) -> None:
    now = now_ms()
    statement = insert_for(session, Cart.__table__).values(
        project_id=project_id, id=cart_id, created_at=now, updated_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["project_id", "id"], set_={"updated_at": now})
    )


async def _purchasable_item(
    session: AsyncSession, project_id: str, product_id: object, variant_id: object
) -> tuple[int, int | None]:
    """The unit price and stock of what is being added, or a clear refusal."""
    if not isinstance(product_id, str) or not product_id.strip():
        raise InvalidInput("productId: give the id of a product", code="INVALID_PRODUCT_ID", field="productId")
    if variant_id is not None and (not isinstance(variant_id, str) or not variant_id.strip()):
        raise InvalidInput("variantId: give the id of a variant", code="INVALID_VARIANT", field="variantId")
    rows = (
        await session.execute(
            select(Product.price_minor, Product.stock, Variant.id, Variant.price_minor, Variant.stock)
            .outerjoin(Variant, Variant.product_id == Product.id)
            .where(Product.id == product_id, Product.project_id == project_id, Product.status == "active")
        )
    ).all()
    if not rows:
        raise NotFound(f"no product with id {product_id!r}", code="PRODUCT_NOT_FOUND", field="productId")
    variants = {row[2]: (row[3], row[4]) for row in rows if row[2] is not None}
    if not variants:
        if variant_id is not None:
            raise InvalidInput("variantId: this product has no variants", code="INVALID_VARIANT", field="variantId")
        return rows[0][0], rows[0][1]
    if variant_id is None:
        raise InvalidInput(
            "variantId: this product has variants; choose one", code="VARIANT_REQUIRED", field="variantId"
        )
    if variant_id not in variants:
        raise InvalidInput("variantId: not a variant of this product", code="INVALID_VARIANT", field="variantId")
    return variants[variant_id]


def _check_stock(quantity: int, stock: int | None) -> None:
    if stock is not None and quantity > stock:
        raise InsufficientStock(
            f"only {max(stock, 0)} available",
            field="quantity",
            extra={"available": max(stock, 0)},
        )


async def add_item(
    session: AsyncSession, project_id: str, cart_id: str, *, product_id: object, variant_id: object, quantity: object
) -> None:
    validate_cart_id(cart_id)
    amount = validate_quantity(quantity)
    unit_price, stock = await _purchasable_item(session, project_id, product_id, variant_id)
    _check_stock(amount, stock)
    await _touch_cart(session, project_id, cart_id)
    statement = insert_for(session, CartItem.__table__).values(
        id=new_id("item"),
        project_id=project_id,
        cart_id=cart_id,
        product_id=product_id,
        variant_id=variant_id,
        variant_key=variant_id or "",
        quantity=amount,
        added_unit_price_minor=unit_price,
        created_at=now_ms(),
    )
    table = CartItem.__table__
    statement = statement.on_conflict_do_update(
        index_elements=["project_id", "cart_id", "product_id", "variant_key"],
        set_={
            "quantity": table.c.quantity + statement.excluded.quantity,
            "added_unit_price_minor": statement.excluded.added_unit_price_minor,
        },
    ).returning(table.c.quantity)
    new_quantity = (await session.execute(statement)).scalar_one()
    if new_quantity > MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"quantity: at most {MAX_LINE_QUANTITY} of one item in a cart", code="INVALID_QUANTITY", field="quantity"
        )
    _check_stock(new_quantity, stock)


async def _item(session: AsyncSession, project_id: str, cart_id: str, item_id: str) -> CartItem:
    item = await session.scalar(
        select(CartItem).where(CartItem.id == item_id, CartItem.project_id == project_id, CartItem.cart_id == cart_id)
    )
    if item is None:
        raise NotFound(f"no item {item_id!r} in this cart", code="ITEM_NOT_FOUND", field="itemId")
    return item


async def update_item(session: AsyncSession, project_id: str, cart_id: str, item_id: str, *, quantity: object) -> None:
    validate_cart_id(cart_id)
    amount = validate_quantity(quantity, allow_zero=True)
    item = await _item(session, project_id, cart_id, item_id)
    if amount == 0:
        await session.delete(item)
    else:
        unit_price, stock = await _purchasable_item(session, project_id, item.product_id, item.variant_id)
        _check_stock(amount, stock)
        item.quantity = amount
        item.added_unit_price_minor = unit_price
    await _touch_cart(session, project_id, cart_id)


async def remove_item(session: AsyncSession, project_id: str, cart_id: str, item_id: str) -> None:
    validate_cart_id(cart_id)
    await session.delete(await _item(session, project_id, cart_id, item_id))
    await _touch_cart(session, project_id, cart_id)


async def clear_cart(session: AsyncSession, project_id: str, cart_id: str) -> None:
    validate_cart_id(cart_id)
    await session.execute(delete(CartItem).where(CartItem.project_id == project_id, CartItem.cart_id == cart_id))
    await session.execute(
        update(Cart)
        .where(Cart.project_id == project_id, Cart.id == cart_id)
        .values(coupon_id=None, updated_at=now_ms())
    )


async def apply_coupon(
    session: AsyncSession, project_id: str, cart_id: str, *, code: object, config: StoreConfig
) -> None:
    validate_cart_id(cart_id)
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        raise InvalidInput("code: give a coupon code", code="INVALID_COUPON_CODE", field="code")
    coupon = await coupons.find_coupon(session, project_id, code)
    cart = await read_cart(session, project_id, cart_id, config)
    trial = price_lines(cart_id, list(cart.lines), coupon, config, updated_at=cart.updated_at) if coupon else None
    problem = coupons.NOT_FOUND if trial is None else trial.coupon_problem
    if problem is not None:
        raise InvalidInput(coupons.MESSAGES[problem], code=problem, field="code")
    await _touch_cart(session, project_id, cart_id)
    await session.execute(
        update(Cart).where(Cart.project_id == project_id, Cart.id == cart_id).values(coupon_id=coupon.id)  # type: ignore[union-attr]
    )


async def remove_coupon(session: AsyncSession, project_id: str, cart_id: str) -> None:
    validate_cart_id(cart_id)
    await session.execute(
        update(Cart)
        .where(Cart.project_id == project_id, Cart.id == cart_id)
        .values(coupon_id=None, updated_at=now_ms())
    )


async def purge_stale_carts(session: AsyncSession, *, older_than_ms: int) -> int:
    """Removes carts untouched since `older_than_ms` (epoch ms) with their lines; returns how many."""
    result = await session.execute(delete(Cart).where(Cart.updated_at < older_than_ms))
    return result.rowcount or 0  # type: ignore[attr-defined]
