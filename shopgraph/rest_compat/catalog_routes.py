"""`/config`, `/products`, `/products/:slug`, `/categories`: answered from the catalog snapshot, their bytes kept
with it until the catalog changes."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.queries import find_product, list_products
from shopgraph.domain.catalog.snapshot import CatalogSnapshot
from shopgraph.errors import NotFound
from shopgraph.rest_compat.context import store_of
from shopgraph.rest_compat.parsing import product_query
from shopgraph.rest_compat.responses import dumps, json_bytes, json_response
from shopgraph.rest_compat.serializers import category_json, config_json, product_json, product_page_json


def _rendered(snapshot: CatalogSnapshot, key: Hashable, answer: Callable[[], Any]) -> Response:
    body = snapshot.rendered.get(key)
    if body is None:
        body = snapshot.rendered.put(key, dumps(answer()))
    return json_bytes(body)


async def get_config(request: Request) -> Response:
    store = await store_of(request, require_key=False)
    return json_response(config_json(store.config))


async def list_products_endpoint(request: Request) -> Response:
    snapshot = await (await store_of(request)).catalog()
    return _rendered(
        snapshot,
        ("rest:products", request.url.query),
        lambda: product_page_json(list_products(snapshot, product_query(request.query_params, snapshot.currency))),
    )


async def get_product(request: Request) -> Response:
    snapshot = await (await store_of(request)).catalog()
    slug = request.path_params["slug"]

    def answer() -> Any:
        # The vendor's backend answered `/products/:slug` by id as well.
        product = snapshot.products_by_id.get(slug) or find_product(snapshot, slug=slug)
        if product is None:
            raise NotFound(f"no product with slug or id {slug!r}", code=CatalogErrorCode.PRODUCT_NOT_FOUND)
        return product_json(product)

    return _rendered(snapshot, ("rest:product", slug), answer)


async def list_categories(request: Request) -> Response:
    snapshot = await (await store_of(request)).catalog()
    return _rendered(
        snapshot,
        "rest:categories",
        lambda: {"categories": [category_json(category) for category in snapshot.category_roots]},
    )
