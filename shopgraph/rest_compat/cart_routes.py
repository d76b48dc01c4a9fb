"""The cart endpoints and `POST /coupons/validate`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.carts import changes
from shopgraph.domain.carts.coupon_checks import check_coupon
from shopgraph.domain.carts.reads import CartId, read_cart, validate_cart_id
from shopgraph.rest_compat.body import field, json_object
from shopgraph.rest_compat.context import Store, store_of
from shopgraph.rest_compat.responses import json_response
from shopgraph.rest_compat.serializers import cart_json, coupon_check_json


async def _cart_of(request: Request) -> tuple[Store, CartId]:
    """The store, then the cart named in the path: both checked before a body is read."""
    store = await store_of(request)
    return store, validate_cart_id(request.path_params["cart_id"])


async def get_cart(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    async with store.database.read() as session:
        cart = await read_cart(session, store.project_id, cart_id, store.config)
    return json_response(cart_json(cart))


async def add_item(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    body = await json_object(request)
    async with store.database.write() as session:
        cart = await changes.add_item(
            session,
            store.project_id,
            cart_id,
            product_id=field(body, "productId"),
            variant_id=field(body, "variantId"),
            quantity=field(body, "quantity", 1),
            config=store.config,
        )
    return json_response(cart_json(cart))


async def update_item(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    body = await json_object(request)
    async with store.database.write() as session:
        cart = await changes.update_item(
            session,
            store.project_id,
            cart_id,
            request.path_params["item_id"],
            quantity=field(body, "quantity"),
            config=store.config,
        )
    return json_response(cart_json(cart))


async def remove_item(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    async with store.database.write() as session:
        cart = await changes.remove_item(
            session, store.project_id, cart_id, request.path_params["item_id"], config=store.config
        )
    return json_response(cart_json(cart))


async def clear_cart(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    async with store.database.write() as session:
        cart = await changes.clear_cart(session, store.project_id, cart_id, config=store.config)
    return json_response(cart_json(cart))


async def apply_coupon(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    body = await json_object(request)
    async with store.database.write() as session:
        cart = await changes.apply_coupon(
            session, store.project_id, cart_id, code=field(body, "code"), config=store.config
        )
    return json_response(cart_json(cart))


async def remove_coupon(request: Request) -> Response:
    store, cart_id = await _cart_of(request)
    async with store.database.write() as session:
        cart = await changes.remove_coupon(session, store.project_id, cart_id, config=store.config)
    return json_response(cart_json(cart))


async def validate_coupon(request: Request) -> Response:
    store = await store_of(request)
    body = await json_object(request)
    async with store.database.read() as session:
        check = await check_coupon(
            session,
            store.project_id,
            code=field(body, "code"),
            cart_id=field(body, "cartId"),
            email=field(body, "email"),
            config=store.config,
        )
    return json_response(coupon_check_json(check, store.config.default_currency))
