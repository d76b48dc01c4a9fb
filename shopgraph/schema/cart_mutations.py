"""Cart queries and mutations: the cart id checked, one domain call in one unit of work, the payload."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.domain.carts import changes
from shopgraph.domain.carts.coupon_checks import check_coupon
from shopgraph.domain.carts.reads import read_cart, validate_cart_id
from shopgraph.schema.cart_types import Cart, CartPayload, CouponValidation
from shopgraph.schema.payloads import attempt, read, write


@strawberry.type
class CartQuery:
    @strawberry.field
    async def cart(self, info: Info, id: strawberry.ID) -> Cart:
        cart_id = validate_cart_id(str(id))
        config = await info.context.config()
        return Cart(view=await read(info, lambda session, project_id: read_cart(session, project_id, cart_id, config)))


@strawberry.type
class CartMutation:
    @strawberry.mutation
    async def cart_add_item(
        self,
        info: Info,
        cart_id: strawberry.ID,
        product_id: strawberry.ID,
        variant_id: strawberry.ID | None = None,
        quantity: int = 1,
    ) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.add_item(
                session,
                project_id,
                validate_cart_id(str(cart_id)),
                product_id=str(product_id),
                variant_id=variant_id,
                quantity=quantity,
                config=config,
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def cart_update_item(
        self, info: Info, cart_id: strawberry.ID, item_id: strawberry.ID, quantity: int
    ) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.update_item(
                session, project_id, validate_cart_id(str(cart_id)), str(item_id), quantity=quantity, config=config
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def cart_remove_item(self, info: Info, cart_id: strawberry.ID, item_id: strawberry.ID) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.remove_item(
                session, project_id, validate_cart_id(str(cart_id)), str(item_id), config=config
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def cart_clear(self, info: Info, cart_id: strawberry.ID) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.clear_cart(
                session, project_id, validate_cart_id(str(cart_id)), config=config
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def cart_apply_coupon(self, info: Info, cart_id: strawberry.ID, code: str) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.apply_coupon(
                session, project_id, validate_cart_id(str(cart_id)), code=code, config=config
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def cart_remove_coupon(self, info: Info, cart_id: strawberry.ID) -> CartPayload:
        config = await info.context.config()
        result = await write(
            info,
            lambda session, project_id: changes.remove_coupon(
                session, project_id, validate_cart_id(str(cart_id)), config=config
            ),
        )
        return CartPayload.of(result)

    @strawberry.mutation
    async def coupon_validate(
        self, info: Info, code: str, cart_id: strawberry.ID | None = None, email: str | None = None
    ) -> CouponValidation:
        config = await info.context.config()
        check = await attempt(
            read(
                info,
                lambda session, project_id: check_coupon(
                    session,
                    project_id,
                    code=code,
                    cart_id=None if cart_id is None else str(cart_id),
                    email=email,
                    config=config,
                ),
            )
        )
        return CouponValidation.of(check, config.default_currency, code)
