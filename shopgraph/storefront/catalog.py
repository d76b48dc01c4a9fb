"""The catalog and product pages, answered from the same snapshot and queries as the API's catalog."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.catalog.queries import ProductPage, ProductQuery, find_product, list_products
from shopgraph.domain.catalog.snapshot import CategoryView
from shopgraph.errors import DomainError, InvalidInput
from shopgraph.storefront.render import no_store, render, store_named

PAGE_SIZE = 12
# The catalog page's own parameter names, for the messages of a query it refuses.
PARAMETER_NAMES = {
    "page": "page", "limit": "limit", "sort": "sort", "min_price": "min_price", "max_price": "max_price",
    "category_id": "category", "search": "Search", "attributes": "attr.",
}  # fmt: skip


def _page_number(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 999_999_999:
        raise InvalidInput("page: must be a whole number of at least 1", field="page")
    return int(value)


def _page_url(slug: str, q: str, category: str) -> Callable[[int], str]:
    def url(number: int) -> str:
        query = {name: value for name, value in (("q", q), ("category", category)) if value}
        return f"/store/{slug}/?{urlencode({**query, 'page': number})}"

    return url


async def catalog_page(request: Request) -> Response:
    slug = request.path_params["project_slug"]
    store = await store_named(request)
    if store is None:
        return no_store(slug)
    snapshot = await store.catalog()
    q = request.query_params.get("q", "").strip()
    category_given = request.query_params.get("category", "").strip()
    page: ProductPage | None = None
    category: CategoryView | None = None
    error = ""
    try:
        query = ProductQuery(
            page=_page_number(request.query_params.get("page")),
            limit=PAGE_SIZE,
            category_id=category_given or None,
            search=q or None,
        )
        page = list_products(snapshot, query, PARAMETER_NAMES)
        if category_given:
            category = snapshot.categories_by_slug.get(category_given) or snapshot.categories_by_id.get(category_given)
    except DomainError as refused:
        error = refused.message
    last_page = max(1, -(-page.total // page.limit)) if page else 1
    return render(
        "catalog.html",
        400 if error else 200,
        slug=slug,
        categories=snapshot.category_roots,
        category=category,
        q=q,
        page=page,
        last_page=last_page,
        page_url=_page_url(slug, q, category.slug if category else ""),
        error=error,
    )


async def product_page(request: Request, *, error: str = "", status: int = 200, quantity: str = "1") -> Response:
    slug = request.path_params["project_slug"]
    store = await store_named(request)
    if store is None:
        return no_store(slug)
    snapshot = await store.catalog()
    wanted = request.path_params["product_slug"]
    try:
        product = snapshot.products_by_id.get(wanted) or find_product(snapshot, slug=wanted)
    except DomainError:
        product = None
    if product is None:
        return render("not_found.html", 404, slug=slug, what="product")
    chosen = request.query_params.get("variant") or next((v.id for v in product.variants if v.in_stock), "")
    return render(
        "product.html", status, slug=slug, product=product, chosen_variant=chosen, quantity=quantity, error=error
    )
