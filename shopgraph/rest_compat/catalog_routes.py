"""`/config`, `/products`, `/products/:slug`, `/categories`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.catalog.queries import find_product, list_products
from shopgraph.errors import NotFound
from shopgraph.rest_compat.context import project_state, runtime_of, store_config
from shopgraph.rest_compat.parsing import product_query
from shopgraph.rest_compat.responses import dumps, json_bytes, json_response
from shopgraph.rest_compat.serializers import category_json, config_json, product_json, product_page_json


async def get_config(request: Request) -> Response:
    state = await project_state(request, require_key=False)
    return json_response(config_json(await store_config(request, state)))


async def list_products_endpoint(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    snapshot = await runtime_of(request).cache.catalog(state)
    cache_key = ("rest:products", request.url.query)
    body = snapshot.rendered.get(cache_key)
    if body is None:
        page = list_products(snapshot, product_query(request.query_params, snapshot.currency))
        body = snapshot.rendered.put(cache_key, dumps(product_page_json(page)))
    return json_bytes(body)


async def get_product(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    snapshot = await runtime_of(request).cache.catalog(state)
    slug = request.path_params["slug"]
    cache_key = ("rest:product", slug)
    body = snapshot.rendered.get(cache_key)
    if body is None:
        product = find_product(snapshot, slug=slug)
        if product is None:
            raise NotFound(f"no product with slug {slug!r}", code="PRODUCT_NOT_FOUND")
        body = snapshot.rendered.put(cache_key, dumps(product_json(product)))
    return json_bytes(body)


async def list_categories(request: Request) -> Response:
    state = await project_state(request)
    await store_config(request, state)
    snapshot = await runtime_of(request).cache.catalog(state)
    body = snapshot.rendered.get("rest:categories")
    if body is None:
        tree = {"categories": [category_json(category) for category in snapshot.category_roots]}
        body = snapshot.rendered.put("rest:categories", dumps(tree))
    return json_bytes(body)
