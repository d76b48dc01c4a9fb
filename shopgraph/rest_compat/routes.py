"""Both path families onto the same endpoints."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from shopgraph.observe.routes import TemplatedMount
from shopgraph.rest_compat import cart_routes, catalog_routes, order_routes, webhook_routes
from shopgraph.rest_compat.openapi import FAMILIES, openapi_document
from shopgraph.rest_compat.responses import dumps, json_bytes

ECOMMERCE_ROUTES: list[BaseRoute] = [
    Route("/config", catalog_routes.get_config, methods=["GET"]),
    Route("/products", catalog_routes.list_products_endpoint, methods=["GET"]),
    Route("/products/{slug}", catalog_routes.get_product, methods=["GET"]),
    Route("/categories", catalog_routes.list_categories, methods=["GET"]),
    Route("/cart/{cart_id}", cart_routes.get_cart, methods=["GET"]),
    Route("/cart/{cart_id}", cart_routes.clear_cart, methods=["DELETE"]),
    Route("/cart/{cart_id}/items", cart_routes.add_item, methods=["POST"]),
    Route("/cart/{cart_id}/items/{item_id}", cart_routes.update_item, methods=["PATCH"]),
    Route("/cart/{cart_id}/items/{item_id}", cart_routes.remove_item, methods=["DELETE"]),
    Route("/cart/{cart_id}/coupon", cart_routes.apply_coupon, methods=["POST"]),
    Route("/cart/{cart_id}/coupon", cart_routes.remove_coupon, methods=["DELETE"]),
    Route("/coupons/validate", cart_routes.validate_coupon, methods=["POST"]),
    Route("/checkout", order_routes.checkout, methods=["POST"]),
    Route("/orders", order_routes.list_orders, methods=["GET"]),
    Route("/orders/{order_id}", order_routes.get_order, methods=["GET"]),
    Route("/payments/razorpay/verify", order_routes.verify_razorpay, methods=["POST"]),
]

_OPENAPI = dumps(openapi_document())


async def get_openapi(_request: Request) -> Response:
    return json_bytes(_OPENAPI)


def rest_routes() -> list[BaseRoute]:
    return [
        Route("/api/v1/openapi.json", get_openapi, methods=["GET"]),
        Route("/api/v1/webhooks/stripe/{project_slug}", webhook_routes.stripe_webhook, methods=["POST"]),
        Route("/api/v1/webhooks/razorpay/{project_slug}", webhook_routes.razorpay_webhook, methods=["POST"]),
        TemplatedMount(FAMILIES["aerostack"].replace("{projectSlug}", "{project_slug}"), routes=ECOMMERCE_ROUTES),
        TemplatedMount(FAMILIES["aerocall"], routes=ECOMMERCE_ROUTES),
    ]
