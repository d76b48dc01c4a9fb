"""The requests each scenario sends, written as request files for `lua/requests.lua`.

Every target is sent unchanged to the bare app as well, which answers each of these paths with bytes saved from
shopgraph (see bare_app.py), so each figure has a ceiling of the same requests on the same stack.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.catalog import COLORS, MATERIALS, SeededCatalog
from bench.wrk import Target

REST = "/api/v1/ecommerce"
PAGE_PATH = f"{REST}/products?limit=20"
PAGE_SIZE = 20
PAGE_REST_NAME = "REST page, same URL"
FILTER_PAGES = 50
SEARCH_WORDS = ("linen", "jacket", "Vintage", "blue", "mug 4", "number 12")
SORTS = (None, "price_asc", "price_desc", "created_at", "name_asc")

PRODUCT_FIELDS = (
    "id slug name description price { amount currency } compareAtPrice { amount } images categoryId "
    "attributes { name value } stock inStock variants { id name sku price { amount } stock inStock options } "
    "createdAt updatedAt"
)
GRAPHQL_PAGE = f"query Page {{ products(limit: 20) {{ total items {{ {PRODUCT_FIELDS} }} }} }}"
GRAPHQL_PRODUCT = f"query Product($slug: String!) {{ product(slug: $slug) {{ {PRODUCT_FIELDS} }} }}"
GRAPHQL_FILTERED = (
    "query Filtered($search: String, $categoryId: ID, $sort: ProductSort, $minPrice: Decimal, $maxPrice: Decimal, "
    "$inStock: Boolean, $attributes: [AttributeFilter!], $page: Int) { products(search: $search, "
    "categoryId: $categoryId, sort: $sort, minPrice: $minPrice, maxPrice: $maxPrice, inStock: $inStock, "
    f"attributes: $attributes, page: $page, limit: 20) {{ total page items {{ {PRODUCT_FIELDS} }} }} }}"
)
INVENTORY_SET = (
    "mutation Restock($variantId: ID!, $stock: Int) { inventorySet(variantId: $variantId, stock: $stock) "
    "{ product { id } userErrors { field message code } } }"
)
ADDRESS = {"line1": "1 Bench Street", "city": "Springfield", "postal_code": "12345", "country": "US"}


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> str:
    document: dict[str, Any] = {"query": query}
    if variables:
        document["variables"] = variables
    return json.dumps(document, separators=(",", ":"))


def cart_add_body(product_id: str, variant_id: str) -> str:
    return json.dumps({"productId": product_id, "variantId": variant_id, "quantity": 1}, separators=(",", ":"))


def checkout_body(cart_id: str, email: str) -> dict[str, Any]:
    return {"cartId": cart_id, "email": email, "shippingAddress": ADDRESS}


@dataclass(frozen=True)
class Filter:
    """One way to narrow the catalog, as REST query parameters and as GraphQL variables."""

    rest: dict[str, str]
    graphql: dict[str, Any]


def filters(catalog: SeededCatalog) -> list[Filter]:
    """Every filter the catalog has: none, text search, category (a department and an aisle), price range, in
    stock, each attribute, and a few together."""
    found = [Filter({}, {})]
    found += [Filter({"q": word}, {"search": word}) for word in SEARCH_WORDS]
    for category_id in (catalog.root_category_ids[0], catalog.leaf_category_ids[-1]):
        found.append(Filter({"category_id": category_id}, {"categoryId": category_id}))
    for low, high in (("10.00", "50.00"), ("100", "250.5")):
        found.append(Filter({"min_price": low, "max_price": high}, {"minPrice": low, "maxPrice": high}))
    found.append(Filter({"in_stock": "true"}, {"inStock": True}))
    for name, value in (("color", COLORS[1]), ("material", MATERIALS[0])):
        found.append(Filter({f"attr.{name}": value}, {"attributes": [{"name": name, "value": value}]}))
    found.append(
        Filter(
            {"q": "shirt", "in_stock": "true", "max_price": "300", "attr.color": COLORS[0]},
            {
                "search": "shirt",
                "inStock": True,
                "maxPrice": "300",
                "attributes": [{"name": "color", "value": COLORS[0]}],
            },
        )
    )
    found.append(
        Filter(
            {"category_id": catalog.root_category_ids[1], "min_price": "50", "attr.material": MATERIALS[2]},
            {
                "categoryId": catalog.root_category_ids[1],
                "minPrice": "50",
                "attributes": [{"name": "material", "value": MATERIALS[2]}],
            },
        )
    )
    return found


def _query_string(parameters: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(parameters)


def filtered_requests(catalog: SeededCatalog) -> tuple[list[str], list[str]]:
    """Every filter with every sort (and none) at pages 1..50, shuffled: REST lines and GraphQL lines.

    The list is several times longer than a server would sensibly cache, so a cycle over it measures computed
    pages, not cached ones.
    """
    combinations = [
        (found, sort, page) for found in filters(catalog) for sort in SORTS for page in range(1, FILTER_PAGES + 1)
    ]
    random.Random(8).shuffle(combinations)
    rest, graphql = [], []
    for found, sort, page in combinations:
        parameters = {**found.rest, "page": str(page), "limit": str(PAGE_SIZE)}
        variables = {**found.graphql, "page": page}
        if sort is not None:
            parameters["sort"] = sort
            variables["sort"] = sort.upper()
        rest.append(f"{REST}/products?{_query_string(parameters)}")
        graphql.append(f"/graphql\t{graphql_body(GRAPHQL_FILTERED, variables)}")
    return rest, graphql


def cart_add_requests(catalog: SeededCatalog, count: int = 100_000) -> list[str]:
    """Adds of one unit of a random sellable variant to a random cart (of a million cart ids)."""
    rng = random.Random(16)
    lines = []
    for _ in range(count):
        product_id, variant_id = rng.choice(catalog.sellable)
        cart_id = f"bench-add-{rng.randrange(1_000_000)}"
        lines.append(f"{REST}/cart/{cart_id}/items\t{cart_add_body(product_id, variant_id)}")
    return lines


@dataclass(frozen=True)
class Targets:
    """The wrk targets of one seeded store, their request files written to `directory`."""

    page_rest: Target
    page_graphql: Target
    product_rest: Target
    product_graphql: Target
    filtered_rest: Target
    filtered_graphql: Target
    cart_add: Target


def _write(directory: Path, name: str, lines: list[str]) -> Path:
    path = directory / f"{name}.requests"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_targets(catalog: SeededCatalog, directory: Path) -> Targets:
    auth = f"Bearer {catalog.public_key}"
    slugs = catalog.product_slugs
    filtered_rest, filtered_graphql = filtered_requests(catalog)
    # The slug goes into the GraphQL document's variables through the template: `{}` stands for it.
    product_template = graphql_body(GRAPHQL_PRODUCT, {"slug": "{}"})
    return Targets(
        page_rest=Target(PAGE_REST_NAME, _write(directory, "page-rest", [PAGE_PATH]), authorization=auth),
        page_graphql=Target(
            "GraphQL page, same body",
            _write(directory, "page-graphql", [f"/graphql\t{graphql_body(GRAPHQL_PAGE)}"]),
            authorization=auth,
        ),
        product_rest=Target(
            "REST /products/:slug, random",
            _write(directory, "product-rest", [f"{REST}/products/{slug}" for slug in slugs]),
            order="random",
            authorization=auth,
        ),
        product_graphql=Target(
            "GraphQL product(slug:), random",
            _write(directory, "product-graphql", [f"/graphql\t{slug}" for slug in slugs]),
            order="random",
            body_template=product_template,
            authorization=auth,
        ),
        filtered_rest=Target(
            "REST filtered/sorted/searched", _write(directory, "filtered-rest", filtered_rest), authorization=auth
        ),
        filtered_graphql=Target(
            "GraphQL filtered/sorted/searched",
            _write(directory, "filtered-graphql", filtered_graphql),
            authorization=auth,
        ),
        cart_add=Target(
            "REST cart add, random carts",
            _write(directory, "cart-add", cart_add_requests(catalog)),
            order="random",
            authorization=auth,
        ),
    )
