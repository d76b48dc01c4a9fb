"""Changes to a cart: lines upserted so that concurrent adds never lose one, each change answered with the whole
cart as it reads afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Cart, CartItem, Product, ProductStatus, Variant
from shopgraph.db.statements import Prepared, changed_rows
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.error_codes import CartErrorCode, CouponRefusal
from shopgraph.domain.carts.reads import CartHead, CartId, CartView, read_cart, try_coupon
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import InsufficientStock, InvalidInput, NotFound
from shopgraph.ids import new_id, now_ms

MAX_LINE_QUANTITY = 999


def validate_quantity(value: object, *, allow_zero: bool = False) -> int:
    lowest = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"quantity: must be a whole number from {lowest} to {MAX_LINE_QUANTITY}",
            code=CartErrorCode.INVALID_QUANTITY,
            field="quantity",
        )
    return value


def _build_touch(insert: Callable[[Any], Any]) -> Any:
    table = Cart.__table__
    now: Any = bindparam("now")
    statement = insert(table).values(
        project_id=bindparam("project_id"), id=bindparam("cart_id"), created_at=now, updated_at=now
    )
    return statement.on_conflict_do_update(
        index_elements=["project_id", "id"], set_={"updated_at": statement.excluded.updated_at}
    ).returning(table.c.updated_at, table.c.coupon_id)


_TOUCH = Prepared(_build_touch)


async def _touch_cart(session: AsyncSession, project_id: str, cart_id: str) -> CartHead:
    """Creates the cart or marks it changed; answers what the read of the cart afterwards need not read again."""
    row = (
        await session.execute(_TOUCH(session), {"project_id": project_id, "cart_id": cart_id, "now": now_ms()})
    ).one()
    return CartHead(row.updated_at, row.coupon_id)


_PURCHASABLE = (
    select(Product.price_minor, Product.stock, Variant.id, Variant.price_minor, Variant.stock)
    .outerjoin(Variant, Variant.product_id == Product.id)
    .where(
        Product.id == bindparam("product_id"),
        Product.project_id == bindparam("project_id"),
        Product.status == ProductStatus.ACTIVE,
    )
)


def _build_add(insert: Callable[[Any], Any]) -> Any:
    table = CartItem.__table__
    statement = insert(table).values(
        id=bindparam("id"),
        project_id=bindparam("project_id"),
        cart_id=bindparam("cart_id"),
        product_id=bindparam("product_id"),
        variant_id=bindparam("variant_id"),
        variant_key=bindparam("variant_key"),
        quantity=bindparam("quantity"),
        added_unit_price_minor=bindparam("unit_price"),
        created_at=bindparam("now"),
    )
    return statement.on_conflict_do_update(
        index_elements=["project_id", "cart_id", "product_id", "variant_key"],
        set_={
            "quantity": table.c.quantity + statement.excluded.quantity,
            "added_unit_price_minor": statement.excluded.added_unit_price_minor,
        },
    ).returning(table.c.quantity)


_ADD = Prepared(_build_add)


async def _purchasable_item(
    session: AsyncSession, project_id: str, product_id: object, variant_id: object
) -> tuple[int, int | None]:
    """The unit price and stock of what is being added, or a clear refusal."""
    if not isinstance(product_id, str) or not product_id.strip():
        raise InvalidInput(
            "productId: give the id of a product", code=CartErrorCode.INVALID_PRODUCT_ID, field="productId"
        )
    if variant_id is not None and (not isinstance(variant_id, str) or not variant_id.strip()):
        raise InvalidInput("variantId: give the id of a variant", code=CartErrorCode.INVALID_VARIANT, field="variantId")
    rows = (await session.execute(_PURCHASABLE, {"product_id": product_id, "project_id": project_id})).all()
    if not rows:
        raise NotFound(f"no product with id {product_id!r}", code=CartErrorCode.PRODUCT_NOT_FOUND, field="productId")
    variants = {row[2]: (row[3], row[4]) for row in rows if row[2] is not None}
    if not variants:
        # The vendor's backend let a variant-less product be added under its own id as the variant.
        if variant_id is not None and variant_id != product_id:
            raise InvalidInput(
                "variantId: this product has no variants", code=CartErrorCode.INVALID_VARIANT, field="variantId"
            )
        return rows[0][0], rows[0][1]
    if variant_id is None:
        raise InvalidInput(
            "variantId: this product has variants; choose one", code=CartErrorCode.VARIANT_REQUIRED, field="variantId"
        )
    if variant_id not in variants:
        raise InvalidInput(
            "variantId: not a variant of this product", code=CartErrorCode.INVALID_VARIANT, field="variantId"
        )
    return variants[variant_id]


def _check_stock(quantity: int, stock: int | None) -> None:
    if stock is not None and quantity > stock:
        raise InsufficientStock(
            f"only {max(stock, 0)} available",
            field="quantity",
            extra={"available": max(stock, 0)},
        )


async def add_item(
    session: AsyncSession,
    project_id: str,
    cart_id: CartId,
    *,
    product_id: object,
    variant_id: object,
    quantity: object,
    config: StoreConfig,
) -> CartView:
    """Adds the quantity to the line of this product and variant, creating the cart and the line as needed."""
    amount = validate_quantity(quantity)
    unit_price, stock = await _purchasable_item(session, project_id, product_id, variant_id)
    _check_stock(amount, stock)
    if variant_id == product_id:
        variant_id = None
    head = await _touch_cart(session, project_id, cart_id)
    values = {
        "id": new_id("item"),
        "project_id": project_id,
        "cart_id": cart_id,
        "product_id": product_id,
        "variant_id": variant_id,
        "variant_key": variant_id or "",
        "quantity": amount,
        "unit_price": unit_price,
        "now": now_ms(),
    }
    new_quantity = (await session.execute(_ADD(session), values)).scalar_one()
    if new_quantity > MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"quantity: at most {MAX_LINE_QUANTITY} of one item in a cart",
            code=CartErrorCode.INVALID_QUANTITY,
            field="quantity",
        )
    _check_stock(new_quantity, stock)
    return await read_cart(session, project_id, cart_id, config, head=head)


async def _item(session: AsyncSession, project_id: str, cart_id: CartId, item_id: str) -> CartItem:
    item = await session.scalar(
        select(CartItem).where(CartItem.id == item_id, CartItem.project_id == project_id, CartItem.cart_id == cart_id)
    )
    if item is None:
        raise NotFound(f"no item {item_id!r} in this cart", code=CartErrorCode.ITEM_NOT_FOUND, field="itemId")
    return item


async def update_item(
    session: AsyncSession, project_id: str, cart_id: CartId, item_id: str, *, quantity: object, config: StoreConfig
) -> CartView:
    """Sets a line's quantity; 0 removes it."""
    amount = validate_quantity(quantity, allow_zero=True)
    item = await _item(session, project_id, cart_id, item_id)
    if amount == 0:
        await session.delete(item)
    else:
        unit_price, stock = await _purchasable_item(session, project_id, item.product_id, item.variant_id)
        _check_stock(amount, stock)
        item.quantity = amount
        item.added_unit_price_minor = unit_price
    head = await _touch_cart(session, project_id, cart_id)
    return await read_cart(session, project_id, cart_id, config, head=head)


async def remove_item(
    session: AsyncSession, project_id: str, cart_id: CartId, item_id: str, *, config: StoreConfig
) -> CartView:
    await session.delete(await _item(session, project_id, cart_id, item_id))
    head = await _touch_cart(session, project_id, cart_id)
    return await read_cart(session, project_id, cart_id, config, head=head)


async def empty_cart(session: AsyncSession, project_id: str, cart_id: str, *, touched_at: int | None = None) -> None:
    """Removes every line and the coupon: the customer's choice (touched now), or after the cart became an order."""
    await session.execute(delete(CartItem).where(CartItem.project_id == project_id, CartItem.cart_id == cart_id))
    changes: dict[str, object] = {"coupon_id": None}
    if touched_at is not None:
        changes["updated_at"] = touched_at
    await session.execute(update(Cart).where(Cart.project_id == project_id, Cart.id == cart_id).values(**changes))


async def clear_cart(session: AsyncSession, project_id: str, cart_id: CartId, *, config: StoreConfig) -> CartView:
    await empty_cart(session, project_id, cart_id, touched_at=now_ms())
    return await read_cart(session, project_id, cart_id, config)


async def apply_coupon(
    session: AsyncSession, project_id: str, cart_id: CartId, *, code: object, config: StoreConfig
) -> CartView:
    """Attaches the coupon, if it would apply to the cart as it is now."""
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        raise InvalidInput("code: give a coupon code", code=CartErrorCode.INVALID_COUPON_CODE, field="code")
    coupon = await coupons.find_coupon(session, project_id, code)
    cart = await read_cart(session, project_id, cart_id, config)
    if coupon is None:
        raise coupons.refused(CouponRefusal.NOT_FOUND, "code")
    problem = (await try_coupon(session, cart, coupon, config)).coupon_problem
    if problem is not None:
        raise coupons.refused(problem, "code")
    await _touch_cart(session, project_id, cart_id)
    await session.execute(
        update(Cart).where(Cart.project_id == project_id, Cart.id == cart_id).values(coupon_id=coupon.id)
    )
    return await read_cart(session, project_id, cart_id, config)


async def remove_coupon(session: AsyncSession, project_id: str, cart_id: CartId, *, config: StoreConfig) -> CartView:
    await session.execute(
        update(Cart)
        .where(Cart.project_id == project_id, Cart.id == cart_id)
        .values(coupon_id=None, updated_at=now_ms())
    )
    return await read_cart(session, project_id, cart_id, config)


async def purge_stale_carts(session: AsyncSession, *, older_than_ms: int) -> int:
    """Removes carts untouched since `older_than_ms` (epoch ms) with their lines; returns how many."""
    return changed_rows(await session.execute(delete(Cart).where(Cart.updated_at < older_than_ms)))
