"""Cart queries and mutations: find the cart, call the domain, return the payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shopgraph.errors import DomainError
from shopgraph.resolvers import carts
from shopgraph.resolvers.coupon_validation import check_coupon
from shopgraph.schema.cart_types import Cart, CartPayload, CouponValidation, UserError
from shopgraph.schema.context import GraphQLContext

Change = Callable[[AsyncSession, str], Awaitable[None]]


async def _read(context: GraphQLContext, cart_id: str) -> Cart:
    config = await context.config()
    async with context.runtime.database.read() as session:
        return Cart(view=await carts.read_cart(session, context.project.project_id, cart_id, config))


async def _change(info: Info, cart_id: str, change: Change) -> CartPayload:
    context: GraphQLContext = info.context
    config = await context.config()
    try:
        carts.validate_cart_id(cart_id)
        async with context.runtime.database.write() as session:
            await change(session, context.project.project_id)
            view = await carts.read_cart(session, context.project.project_id, cart_id, config)
    except DomainError as error:
        return CartPayload(cart=None, user_errors=[UserError.of(error)])
    return CartPayload(cart=Cart(view=view), user_errors=[])


@strawberry.type
class CartQuery:
    @strawberry.field
    async def cart(self, info: Info, id: strawberry.ID) -> Cart:
        return await _read(info.context, carts.validate_cart_id(str(id)))


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
        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.add_item(
                session, project_id, str(cart_id), product_id=str(product_id), variant_id=variant_id, quantity=quantity
            )

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def cart_update_item(
        self, info: Info, cart_id: strawberry.ID, item_id: strawberry.ID, quantity: int
    ) -> CartPayload:
        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.update_item(session, project_id, str(cart_id), str(item_id), quantity=quantity)

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def cart_remove_item(self, info: Info, cart_id: strawberry.ID, item_id: strawberry.ID) -> CartPayload:
        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.remove_item(session, project_id, str(cart_id), str(item_id))

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def cart_clear(self, info: Info, cart_id: strawberry.ID) -> CartPayload:
        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.clear_cart(session, project_id, str(cart_id))

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def cart_apply_coupon(self, info: Info, cart_id: strawberry.ID, code: str) -> CartPayload:
        config = await info.context.config()

        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.apply_coupon(session, project_id, str(cart_id), code=code, config=config)

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def cart_remove_coupon(self, info: Info, cart_id: strawberry.ID) -> CartPayload:
        async def change(session: AsyncSession, project_id: str) -> None:
            await carts.remove_coupon(session, project_id, str(cart_id))

        return await _change(info, str(cart_id), change)

    @strawberry.mutation
    async def coupon_validate(
        self, info: Info, code: str, cart_id: strawberry.ID | None = None, email: str | None = None
    ) -> CouponValidation:
        context: GraphQLContext = info.context
        config = await context.config()
        try:
            async with context.runtime.database.read() as session:
                check = await check_coupon(
                    session,
                    context.project.project_id,
                    code=code,
                    cart_id=None if cart_id is None else str(cart_id),
                    email=email,
                    config=config,
                )
        except DomainError as error:
            return CouponValidation.refused(error, code)
        return CouponValidation.of(check, config.default_currency)
