"""The hosted storefront at /store/{slug}/: pages a store can send customers to before it has a frontend."""

from __future__ import annotations

from starlette.routing import Route

from shopgraph.storefront.orders import order_page

__all__ = ["storefront_routes"]


def storefront_routes() -> list[Route]:
    return [Route("/store/{project_slug}/orders/{order_id}", order_page, methods=["GET"])]
