"""The merchant dashboard at `/dashboard`: server-rendered pages over the admin API's domain functions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route

from shopgraph.dashboard import categories, coupons, emails, keys, orders, products, store_settings, webhooks
from shopgraph.dashboard.sign_in import SignInPages
from shopgraph.dashboard.web import PREFIX, STATIC_DIRECTORY, redirect, signed_in_page
from shopgraph.settings import Settings

__all__ = ["dashboard_mount"]


async def _stylesheet(_request: Request) -> Response:
    return FileResponse(
        STATIC_DIRECTORY / "dashboard.css", media_type="text/css", headers={"cache-control": "max-age=300"}
    )


async def _home(_request: Request) -> Response:
    return redirect("/orders")


def dashboard_mount(settings: Settings) -> Mount:
    sign_in = SignInPages(settings.redis_url)
    return Mount(
        PREFIX,
        routes=[
            Route("/", _home, methods=["GET"]),
            Route("/login", sign_in.login, methods=["GET", "POST"]),
            Route("/logout", sign_in.logout, methods=["POST"]),
            Route("/dashboard.css", _stylesheet, methods=["GET"]),
            Route("/orders", signed_in_page(orders.order_list), methods=["GET"]),
            Route("/orders/{order_id}", signed_in_page(orders.order_detail), methods=["GET"]),
            Route("/orders/{order_id}/{action}", signed_in_page(orders.order_action), methods=["POST"]),
            Route("/products", signed_in_page(products.product_list), methods=["GET"]),
            Route("/products/new", signed_in_page(products.new_product), methods=["GET", "POST"]),
            Route("/products/{product_id}", signed_in_page(products.edit_product), methods=["GET", "POST"]),
            Route("/products/{product_id}/stock", signed_in_page(products.set_stock), methods=["POST"]),
            Route("/products/{product_id}/variants", signed_in_page(products.new_variant), methods=["POST"]),
            Route(
                "/products/{product_id}/variants/{variant_id}",
                signed_in_page(products.edit_variant),
                methods=["GET", "POST"],
            ),
            Route(
                "/products/{product_id}/variants/{variant_id}/delete",
                signed_in_page(products.delete_variant),
                methods=["POST"],
            ),
            Route("/categories", signed_in_page(categories.category_list), methods=["GET", "POST"]),
            Route("/categories/{category_id}", signed_in_page(categories.edit_category), methods=["POST"]),
            Route("/coupons", signed_in_page(coupons.coupon_list), methods=["GET", "POST"]),
            Route("/coupons/{coupon_id}", signed_in_page(coupons.edit_coupon), methods=["GET", "POST"]),
            Route("/coupons/{coupon_id}/deactivate", signed_in_page(coupons.deactivate_coupon), methods=["POST"]),
            Route("/webhooks", signed_in_page(webhooks.webhook_list), methods=["GET", "POST"]),
            Route("/webhooks/{endpoint_id}", signed_in_page(webhooks.webhook_detail), methods=["GET"]),
            Route(
                "/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry",
                signed_in_page(webhooks.retry),
                methods=["POST"],
            ),
            Route("/webhooks/{endpoint_id}/enable", signed_in_page(webhooks.enable), methods=["POST"]),
            Route("/keys", signed_in_page(keys.key_list), methods=["GET", "POST"]),
            Route("/keys/{key_id}/revoke", signed_in_page(keys.revoke), methods=["POST"]),
            Route("/settings", signed_in_page(store_settings.settings_page), methods=["GET", "POST"]),
            Route("/emails", signed_in_page(emails.email_list), methods=["GET"]),
            Route("/emails/{email_id}", signed_in_page(emails.email_detail), methods=["GET"]),
        ],
    )
