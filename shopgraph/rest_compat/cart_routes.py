"""The cart endpoints and `POST /coupons/validate`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.stores.config import StoreConfig
from shopgraph.resolvers import carts
from shopgraph.resolvers.coupon_validation import check_coupon
from shopgraph.rest_compat.body import field, json_object
from shopgraph.rest_compat.context import project_state, runtime_of, store_config
from shopgraph.rest_compat.responses import json_response
from shopgraph.rest_compat.serializers import cart_json, coupon_check_json

# (session, project id, cart id, body, config): one change to a cart, inside the request's unit of work.
CartChange = Callable[[AsyncSession, str, str, dict[str, Any], StoreConfig], Awaitable[None]]


async def _respond_with_cart(
    request: Request, change: CartChange | None = None, *, with_body: bool = False
) -> Response:
    """Authenticates, reads the body, applies the change in one unit of work, and answers with the whole cart."""
    state = await project_state(request)
    config = await store_config(request, state)
    cart_id = carts.validate_cart_id(request.path_params["cart_id"])
    body = await json_object(request) if with_body else {}
    database = runtime_of(request).database
    if change is None:
        async with database.read() as session:
            cart = await carts.read_cart(session, state.project_id, cart_id, config)
    else:
        async with database.write() as session:
            await change(session, state.project_id, cart_id, body, config)
            cart = await carts.read_cart(session, state.project_id, cart_id, config)
    return json_response(cart_json(cart))


async def _add_item(session: AsyncSession, project_id: str, cart_id: str, body: dict[str, Any], _: StoreConfig) -> None:
    await carts.add_item(
        session,
        project_id,
        cart_id,
        product_id=field(body, "productId"),
        variant_id=field(body, "variantId"),
        quantity=field(body, "quantity", 1),
    )


async def _clear(session: AsyncSession, project_id: str, cart_id: str, _body: dict[str, Any], _: StoreConfig) -> None:
    await carts.clear_cart(session, project_id, cart_id)


async def _apply_coupon(
    session: AsyncSession, project_id: str, cart_id: str, body: dict[str, Any], config: StoreConfig
) -> None:
    await carts.apply_coupon(session, project_id, cart_id, code=field(body, "code"), config=config)


async def _remove_coupon(
    session: AsyncSession, project_id: str, cart_id: str, _body: dict[str, Any], _: StoreConfig
) -> None:
    await carts.remove_coupon(session, project_id, cart_id)


async def get_cart(request: Request) -> Response:
    return await _respond_with_cart(request)


async def add_item(request: Request) -> Response:
    return await _respond_with_cart(request, _add_item, with_body=True)


async def update_item(request: Request) -> Response:
    item_id = request.path_params["item_id"]

    async def change(
        session: AsyncSession, project_id: str, cart_id: str, body: dict[str, Any], _: StoreConfig
    ) -> None:
        await carts.update_item(session, project_id, cart_id, item_id, quantity=field(body, "quantity"))

    return await _respond_with_cart(request, change, with_body=True)


async def remove_item(request: Request) -> Response:
    item_id = request.path_params["item_id"]

    async def change(
        session: AsyncSession, project_id: str, cart_id: str, _body: dict[str, Any], _: StoreConfig
    ) -> None:
        await carts.remove_item(session, project_id, cart_id, item_id)

    return await _respond_with_cart(request, change)


async def clear_cart(request: Request) -> Response:
    return await _respond_with_cart(request, _clear)


async def apply_coupon(request: Request) -> Response:
    return await _respond_with_cart(request, _apply_coupon, with_body=True)


async def remove_coupon(request: Request) -> Response:
    return await _respond_with_cart(request, _remove_coupon)


async def validate_coupon(request: Request) -> Response:
    state = await project_state(request)
    config = await store_config(request, state)
    body = await json_object(request)
    async with runtime_of(request).database.read() as session:
        check = await check_coupon(
            session,
            state.project_id,
            code=field(body, "code"),
            cart_id=field(body, "cartId"),
            email=field(body, "email"),
            config=config,
        )
    return json_response(coupon_check_json(check, config.default_currency))
