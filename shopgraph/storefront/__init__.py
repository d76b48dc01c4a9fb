"""The hosted storefront at /store/{slug}/: pages a store can send customers to before it has a frontend."""

from __future__ import annotations

from starlette.routing import Route

from shopgraph.storefront.cart import add_to_cart, apply_coupon, cart_page, remove_line, update_line
from shopgraph.storefront.catalog import catalog_page, product_page
from shopgraph.storefront.checkout import checkout_page, confirm_razorpay, place_order
from shopgraph.storefront.orders import order_page

__all__ = ["storefront_routes"]

_STORE = "/store/{project_slug}"


def storefront_routes() -> list[Route]:
    return [
        Route(f"{_STORE}/", catalog_page, methods=["GET"]),
        Route(f"{_STORE}/products/{{product_slug}}", product_page, methods=["GET"]),
        Route(f"{_STORE}/cart", cart_page, methods=["GET"]),
        Route(f"{_STORE}/cart/items", add_to_cart, methods=["POST"]),
        Route(f"{_STORE}/cart/items/{{item_id}}", update_line, methods=["POST"]),
        Route(f"{_STORE}/cart/items/{{item_id}}/remove", remove_line, methods=["POST"]),
        Route(f"{_STORE}/cart/coupon", apply_coupon, methods=["POST"]),
        Route(f"{_STORE}/checkout", checkout_page, methods=["GET"]),
        Route(f"{_STORE}/checkout", place_order, methods=["POST"]),
        Route(f"{_STORE}/checkout/razorpay", confirm_razorpay, methods=["POST"]),
        Route(f"{_STORE}/orders/{{order_id}}", order_page, methods=["GET"]),
    ]
