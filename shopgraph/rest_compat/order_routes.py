"""`POST /checkout`, `GET /orders`, `GET /orders/:id` and the Razorpay checkout-signature check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.checkout.flow import checkout as start_checkout
from shopgraph.domain.checkout.requests import CHECKOUT_FIELDS
from shopgraph.domain.orders.razorpay_verification import verify_razorpay_checkout
from shopgraph.domain.orders.reads import OrderWithItems, customer_order, customer_orders
from shopgraph.errors import InvalidParameter
from shopgraph.payments import CHECKOUT_SESSION, PAYMENT_INTENT
from shopgraph.public_address import public_url
from shopgraph.rate_limits import braked_order_lookup
from shopgraph.rest_compat.body import body_fields, field, json_object
from shopgraph.rest_compat.context import store_of
from shopgraph.rest_compat.parsing import whole_number
from shopgraph.rest_compat.responses import json_response
from shopgraph.rest_compat.serializers import checkout_json, order_json, order_page_json

# The guides' defaults: Aerostack storefronts redirect to Stripe Checkout, Aerocall ones render Elements.
STRIPE_MODE_BY_FAMILY = {"aerostack": CHECKOUT_SESSION, "aerocall": PAYMENT_INTENT}
# Aerocall storefronts send the email as customerEmail.
CHECKOUT_ALIASES = {"email": "customerEmail"}


def _family(request: Request) -> str:
    return "aerostack" if "project_slug" in request.path_params else "aerocall"


async def checkout(request: Request) -> Response:
    store = await store_of(request)
    body = await json_object(request)
    result = await start_checkout(
        store.database,
        store.state,
        body_fields(body, CHECKOUT_FIELDS, CHECKOUT_ALIASES),
        config=store.config,
        settings=store.runtime.settings,
        default_stripe_mode=STRIPE_MODE_BY_FAMILY[_family(request)],
        public_url=public_url(store.runtime.settings, request),
        idempotency_key=request.headers.get("idempotency-key"),
    )
    # A replay answers exactly as the first time did, status included.
    return json_response(checkout_json(result), 201)


async def list_orders(request: Request) -> Response:
    store = await store_of(request)
    params = request.query_params
    if not params.get("email"):
        raise InvalidParameter("email", "required: the orders of which customer")
    page, limit = whole_number(params, "page", 1), whole_number(params, "limit", 20)
    async with store.database.read() as session:
        found = await customer_orders(session, store.project_id, params.get("email"), page, limit)
    return json_response(order_page_json(found))


async def get_order(request: Request) -> Response:
    store = await store_of(request)
    order_id, email = request.path_params["order_id"], request.query_params.get("email")

    async def lookup() -> OrderWithItems:
        async with store.database.read() as session:
            return await customer_order(session, store.project_id, order_id, email)

    address = request.client.host if request.client else "unknown"
    found = await braked_order_lookup(store.runtime.failures, address, store.project_id, email, lookup)
    return json_response(order_json(found))


async def verify_razorpay(request: Request) -> Response:
    store = await store_of(request)
    body = await json_object(request)
    async with store.database.write() as session:
        found = await verify_razorpay_checkout(
            session,
            store.project_id,
            razorpay_order_id=field(body, "razorpay_order_id"),
            razorpay_payment_id=field(body, "razorpay_payment_id"),
            razorpay_signature=field(body, "razorpay_signature"),
        )
    return json_response({"success": True, "order": order_json(found)})
