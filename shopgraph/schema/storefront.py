"""The storefront schema served at `/graphql`."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from shopgraph import money
from shopgraph.domain.catalog.queries import ProductQuery, find_product, list_products
from shopgraph.domain.catalog.snapshot import ProductSort
from shopgraph.errors import InvalidParameter
from shopgraph.schema.cart_mutations import CartMutation, CartQuery
from shopgraph.schema.order_operations import OrderMutation, OrderQuery
from shopgraph.schema.types import (
    AttributeFilter,
    Category,
    Product,
    ProductPage,
    StoreConfig,
    product_or_none,
)

# Root fields whose answer depends only on the catalog and the settings, so a result can be reused
# until either version changes.
CACHEABLE_ROOT_FIELDS = frozenset({"storeConfig", "products", "product", "categories", "__typename"})

# Errors name the arguments as a GraphQL caller wrote them.
ARGUMENT_NAMES = {
    "page": "page", "limit": "limit", "sort": "sort", "min_price": "minPrice", "max_price": "maxPrice",
    "category_id": "categoryId", "search": "search", "attributes": "attributes.",
}  # fmt: skip


def _minor(name: str, value: Decimal | None, currency: str) -> int | None:
    if value is None:
        return None
    try:
        return money.parse_amount(value, currency)
    except ValueError as exc:
        raise InvalidParameter(name, str(exc)) from exc


@strawberry.type
class CatalogQuery:
    @strawberry.field
    async def store_config(self, info: Info) -> StoreConfig:
        return StoreConfig(model=await info.context.config())

    @strawberry.field
    async def products(
        self,
        info: Info,
        category_id: strawberry.ID | None = None,
        search: str | None = None,
        sort: ProductSort | None = None,
        min_price: Decimal | None = None,
        max_price: Decimal | None = None,
        in_stock: bool | None = None,
        attributes: list[AttributeFilter] | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> ProductPage:
        snapshot = await info.context.catalog()
        query = ProductQuery(
            page=page,
            limit=limit,
            category_id=category_id,
            sort=(sort or ProductSort.CREATED_AT).value,
            search=(search or "").strip() or None,
            min_price_minor=_minor("minPrice", min_price, snapshot.currency),
            max_price_minor=_minor("maxPrice", max_price, snapshot.currency),
            in_stock=bool(in_stock),
            attributes=tuple((item.name, item.value) for item in attributes or ()),
        )
        result = list_products(snapshot, query, ARGUMENT_NAMES)
        return ProductPage(
            items=[Product(view=view) for view in result.items],
            total=result.total,
            page=result.page,
            limit=result.limit,
        )

    @strawberry.field
    async def product(self, info: Info, slug: str | None = None, id: strawberry.ID | None = None) -> Product | None:
        snapshot = await info.context.catalog()
        return product_or_none(find_product(snapshot, slug=slug, id=id))

    @strawberry.field
    async def categories(self, info: Info) -> list[Category]:
        snapshot = await info.context.catalog()
        return [Category(view=view) for view in snapshot.category_roots]


@strawberry.type
class Query(CatalogQuery, CartQuery, OrderQuery):
    pass


@strawberry.type
class Mutation(CartMutation, OrderMutation):
    pass
