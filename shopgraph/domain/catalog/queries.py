"""Storefront catalog queries, answered from the snapshot in memory: a page of products, one product."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from shopgraph.domain.catalog.index import Filters
from shopgraph.domain.catalog.names import ATTRIBUTE_NAME, PRODUCT_SLUG
from shopgraph.domain.catalog.snapshot import CatalogSnapshot, ProductSort, ProductView
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.errors import InvalidInput, InvalidParameter

SORTS = tuple(ProductSort)
DEFAULT_SORT = ProductSort.CREATED_AT
MAX_LIMIT = 100


@dataclass(frozen=True)
class ProductQuery:
    page: int = 1
    limit: int = 20
    category_id: str | None = None
    sort: str = DEFAULT_SORT
    search: str | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    in_stock: bool = False
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ProductPage:
    items: Sequence[ProductView]
    total: int
    page: int
    limit: int


# The names a caller knows the query's parts by: the REST parameters by default.
REST_PARAMETER_NAMES: Mapping[str, str] = {
    "page": "page", "limit": "limit", "sort": "sort", "min_price": "min_price", "max_price": "max_price",
    "category_id": "category_id", "search": "q", "attributes": "attr.",
}  # fmt: skip


def validate_query(
    query: ProductQuery, snapshot: CatalogSnapshot, names: Mapping[str, str] = REST_PARAMETER_NAMES
) -> ProductQuery:
    if query.page < 1:
        raise InvalidParameter(names["page"], "must be a whole number of at least 1")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidParameter(names["limit"], f"must be a whole number from 1 to {MAX_LIMIT}")
    if query.sort not in SORTS:
        raise InvalidParameter(names["sort"], f"must be one of {', '.join(SORTS)}")
    for key, bound in (("min_price", query.min_price_minor), ("max_price", query.max_price_minor)):
        if bound is not None and bound < 0:
            raise InvalidParameter(names[key], "must not be negative")
    if (
        query.min_price_minor is not None
        and query.max_price_minor is not None
        and query.min_price_minor > query.max_price_minor
    ):
        raise InvalidParameter(names["min_price"], f"must not be greater than {names['max_price']}")
    if query.category_id is not None and query.category_id not in snapshot.categories_by_id:
        # The vendor's backend took a category's slug wherever it took its id.
        by_slug = snapshot.categories_by_slug.get(query.category_id)
        if by_slug is None:
            raise InvalidParameter(names["category_id"], "no such category")
        query = replace(query, category_id=by_slug.id)
    if query.search is not None and len(query.search) > 200:
        raise InvalidParameter(names["search"], "at most 200 characters")
    for name, value in query.attributes:
        parameter = f"{names['attributes']}{name}"
        if not ATTRIBUTE_NAME.match(name):
            raise InvalidParameter(parameter, "attribute names use letters, digits, '_', '-' and '.'")
        if not value or len(value) > 200:
            raise InvalidParameter(parameter, "give a value of 1 to 200 characters")
    return query


def list_products(
    snapshot: CatalogSnapshot, query: ProductQuery, names: Mapping[str, str] = REST_PARAMETER_NAMES
) -> ProductPage:
    """Answered from the snapshot's indexes: no query walks the whole catalog unless it matches most of it."""
    query = validate_query(query, snapshot, names)
    wanted = Filters(
        category_ids=None if query.category_id is None else snapshot.category_with_descendants(query.category_id),
        search=query.search.casefold() if query.search else None,
        min_price=query.min_price_minor,
        max_price=query.max_price_minor,
        in_stock=query.in_stock,
        attributes=tuple((name, value.casefold()) for name, value in query.attributes),
    )
    items, total = snapshot.page(query.sort, wanted, (query.page - 1) * query.limit, query.limit)
    return ProductPage(items, total, query.page, query.limit)


def find_product(snapshot: CatalogSnapshot, *, slug: str | None = None, id: str | None = None) -> ProductView | None:
    if slug is not None:
        if not PRODUCT_SLUG.match(slug):
            raise InvalidInput(
                "slug: letters, digits, '-', '_' and '.' only", code=ErrorCode.INVALID_SLUG, field="slug"
            )
        product = snapshot.products_by_slug.get(slug)
        if product is None or (id is not None and product.id != id):
            return None
        return product
    if id is not None:
        return snapshot.products_by_id.get(id)
    raise InvalidInput("give a slug or an id", field="slug")
