"""`POST /checkout`, `GET /orders`, `GET /orders/:id` and the Razorpay checkout-signature check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.errors import InvalidParameter
from shopgraph.resolvers import checkout as checkout_domain
from shopgraph.resolvers import orders
from shopgraph.resolvers.payment_verification import verify_razorpay_checkout
from shopgraph.rest_compat.body import field, json_object
from shopgraph.rest_compat.context import project_state, runtime_of, store_config
from shopgraph.rest_compat.parsing import whole_number
from shopgraph.rest_compat.responses import json_response
from shopgraph.rest_compat.serializers import checkout_json, order_json, order_page_json

# The guides' defaults: Aerostack storefronts redirect to Stripe Checkout, Aerocall ones render Elements.
STRIPE_MODE_BY_FAMILY = {"aerostack": "checkout_session", "aerocall": "payment_intent"}


def _family(request: Request) -> str:
    return "aerostack" if "project_slug" in request.path_params else "aerocall"


async def checkout(request: Request) -> Response:
    state = await project_state(request)
    config = await store_config(request, state)
    body = await json_object(request)
    checkout_request = checkout_domain.validate_request(
        cart_id=field(body, "cartId"),
        email=field(body, "email") if field(body, "email") is not None else field(body, "customerEmail"),
        shipping_address=field(body, "shippingAddress"),
        billing_address=field(body, "billingAddress"),
        coupon_code=field(body, "couponCode"),
        customer_name=field(body, "customerName"),
        customer_phone=field(body, "customerPhone"),
        success_url=field(body, "successUrl"),
        cancel_url=field(body, "cancelUrl"),
    )
    runtime = runtime_of(request)
    result = await checkout_domain.checkout(
        runtime.database,
        state.project_id,
        state.slug,
        checkout_request,
        config=config,
        settings=runtime.settings,
        default_stripe_mode=STRIPE_MODE_BY_FAMILY[_family(request)],
        idempotency_key=request.headers.get("idempotency-key"),
    )
    # A replay answers exactly as the first time did, status included.
    return json_response(checkout_json(result), 201)


async def list_orders(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    params = request.query_params
    if not params.get("email"):
        raise InvalidParameter("email", "required: the orders of which customer")
    async with runtime_of(request).database.read() as session:
        page = await orders.customer_orders(
            session,
            state.project_id,
            params.get("email"),
            whole_number(params, "page", 1),
            whole_number(params, "limit", 20),
        )
    return json_response(order_page_json(page))


async def get_order(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    async with runtime_of(request).database.read() as session:
        found = await orders.customer_order(
            session, state.project_id, request.path_params["order_id"], request.query_params.get("email")
        )
    return json_response(order_json(found))


async def verify_razorpay(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    body = await json_object(request)
    async with runtime_of(request).database.write() as session:
        found = await verify_razorpay_checkout(
            session,
            state.project_id,
            razorpay_order_id=field(body, "razorpay_order_id"),
            razorpay_payment_id=field(body, "razorpay_payment_id"),
            razorpay_signature=field(body, "razorpay_signature"),
        )
    return json_response({"success": True, "order": order_json(found)})
