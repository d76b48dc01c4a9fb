from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopgraph.db.models import KeyKind
from shopgraph.domain.catalog import queries
from shopgraph.domain.stores.keys import generate_key
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime
from shopgraph.schema import storefront
from tests.support.calls import count_calls
from tests.support.factories import Store, make_category, make_product, make_products, make_store
from tests.support.graphql import data_of, execute

ACTIVE_DEMO_PRODUCTS = 13
NEWEST_FIRST = [
    "classic-tee", "graphic-tee", "zip-hoodie", "pullover-hoodie", "ceramic-mug", "chef-knife", "cutting-board",
    "linen-pillow", "scented-candle", "wall-print", "canvas-tote", "leather-backpack", "wool-beanie",
]  # fmt: skip
CHEAPEST_FIRST = [
    "ceramic-mug", "scented-candle", "wool-beanie", "canvas-tote", "classic-tee", "graphic-tee", "linen-pillow",
    "cutting-board", "wall-print", "pullover-hoodie", "zip-hoodie", "chef-knife", "leather-backpack",
]  # fmt: skip
BY_NAME = [
    "canvas-tote", "ceramic-mug", "chef-knife", "classic-tee", "cutting-board", "graphic-tee", "leather-backpack",
    "linen-pillow", "pullover-hoodie", "scented-candle", "wall-print", "wool-beanie", "zip-hoodie",
]  # fmt: skip

STORE_CONFIG = """
query {
  storeConfig {
    defaultCurrency
    currencySymbol
    taxPercentage
    flatShippingRate { amount amountMinor currency }
    freeShippingThreshold { amount }
    shippingEnabled
    paymentProvider
  }
}
"""

PRODUCT_SLUGS = """
query Products(
  $categoryId: ID, $search: String, $sort: ProductSort, $minPrice: Decimal, $maxPrice: Decimal,
  $inStock: Boolean, $attributes: [AttributeFilter!], $page: Int, $limit: Int
) {
  products(
    categoryId: $categoryId, search: $search, sort: $sort, minPrice: $minPrice, maxPrice: $maxPrice,
    inStock: $inStock, attributes: $attributes, page: $page, limit: $limit
  ) {
    total
    page
    limit
    items { slug }
  }
}
"""

PRODUCT_FIELDS = """
fragment ProductFields on Product {
  id
  slug
  name
  price { amount amountMinor currency }
  compareAtPrice { amount }
  category { name }
  attributes { name value }
  stock
  inStock
  variants { name sku price { amount amountMinor currency } stock inStock options }
}
"""

PRODUCTS_WITH_FIELDS = (
    """
query Products($search: String) {
  products(search: $search) { items { ...ProductFields } }
}
"""
    + PRODUCT_FIELDS
)

PRODUCT_BY_SLUG = (
    """
query Product($slug: String) {
  product(slug: $slug) { ...ProductFields }
}
"""
    + PRODUCT_FIELDS
)

PRODUCT_BY_ID = """
query Product($id: ID) {
  product(id: $id) { id slug }
}
"""

CATEGORIES = """
query {
  categories { id name slug position parentId children { name slug parentId } }
}
"""

INVALID_PRODUCTS = """
query Products($page: Int, $limit: Int, $minPrice: Decimal, $maxPrice: Decimal) {
  products(page: $page, limit: $limit, minPrice: $minPrice, maxPrice: $maxPrice) { total }
}
"""

CURRENCY = "query { storeConfig { defaultCurrency } }"


def nested_categories(levels_of_children: int) -> str:
    return "query { categories { " + "children { " * levels_of_children + "name" + " }" * levels_of_children + " } }"


def aliased_store_configs(count: int) -> str:
    return "query { " + " ".join(f"c{index}: storeConfig {{ defaultCurrency }}" for index in range(count)) + " }"


async def product_slugs(client: httpx.AsyncClient, store: Store, **variables: Any) -> list[str]:
    page = data_of(await execute(client, store, PRODUCT_SLUGS, variables))["products"]
    return [item["slug"] for item in page["items"]]


async def category_id(client: httpx.AsyncClient, store: Store, name: str) -> str:
    roots = data_of(await execute(client, store, CATEGORIES))["categories"]
    return next(root["id"] for root in roots if root["name"] == name)


async def test_store_config_of_the_demo_store(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, STORE_CONFIG)

    # then
    assert data_of(response)["storeConfig"] == {
        "defaultCurrency": "USD",
        "currencySymbol": "$",
        "taxPercentage": "10",
        "flatShippingRate": {"amount": "5.00", "amountMinor": 500, "currency": "USD"},
        "freeShippingThreshold": {"amount": "100.00"},
        "shippingEnabled": True,
        "paymentProvider": "manual",
    }


async def test_products_default_page_lists_active_products_newest_first(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, PRODUCT_SLUGS)

    # then
    page = data_of(response)["products"]
    assert (page["total"], page["page"], page["limit"]) == (ACTIVE_DEMO_PRODUCTS, 1, 20)
    assert [item["slug"] for item in page["items"]] == NEWEST_FIRST
    assert "prototype-sneaker" not in [item["slug"] for item in page["items"]]


async def test_products_are_paginated_by_limit_and_page(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    pages = [
        data_of(await execute(client, demo, PRODUCT_SLUGS, {"limit": 5, "page": page}))["products"]
        for page in (1, 2, 3, 4)
    ]

    # then
    assert [len(page["items"]) for page in pages] == [5, 5, 3, 0]
    assert all(page["total"] == ACTIVE_DEMO_PRODUCTS and page["limit"] == 5 for page in pages)
    assert [page["page"] for page in pages] == [1, 2, 3, 4]
    assert [item["slug"] for page in pages for item in page["items"]] == NEWEST_FIRST


async def test_a_large_catalog_is_paginated_without_overlap(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "big")
    await make_products(runtime, store, 45, variants_each=1)

    # when
    pages = [await product_slugs(client, store, limit=20, page=page) for page in (1, 2, 3)]

    # then
    assert [len(page) for page in pages] == [20, 20, 5]
    assert len({slug for page in pages for slug in page}) == 45


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("CREATED_AT", NEWEST_FIRST),
        ("PRICE_ASC", CHEAPEST_FIRST),
        ("PRICE_DESC", CHEAPEST_FIRST[::-1]),
        ("NAME_ASC", BY_NAME),
    ],
)
async def test_products_sort(client: httpx.AsyncClient, demo: Store, sort: str, expected: list[str]) -> None:
    assert await product_slugs(client, demo, sort=sort) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("HOODIE", {"zip-hoodie", "pullover-hoodie"}),
        ("kangaroo", {"pullover-hoodie"}),
        ("Cotton", {"classic-tee", "graphic-tee"}),
        ("no such thing", set()),
    ],
    ids=["name", "description-only", "case-insensitive", "nothing"],
)
async def test_search_matches_name_or_description_ignoring_case(
    client: httpx.AsyncClient, demo: Store, search: str, expected: set[str]
) -> None:
    assert set(await product_slugs(client, demo, search=search)) == expected


async def test_price_bounds_are_inclusive(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    slugs = await product_slugs(client, demo, minPrice="22.00", maxPrice="29.99", sort="PRICE_ASC")

    # then
    assert slugs == ["canvas-tote", "classic-tee", "graphic-tee"]


async def test_a_single_price_bound(client: httpx.AsyncClient, demo: Store) -> None:
    expensive = await product_slugs(client, demo, minPrice="89.00", sort="PRICE_ASC")
    cheap = await product_slugs(client, demo, maxPrice="18", sort="PRICE_ASC")

    assert expensive == ["chef-knife", "leather-backpack"]
    assert cheap == ["ceramic-mug", "scented-candle"]


async def test_in_stock_excludes_sold_out_products(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    in_stock = await product_slugs(client, demo, inStock=True)
    everything = await product_slugs(client, demo, inStock=False)

    # then
    assert "cutting-board" not in in_stock
    assert len(in_stock) == ACTIVE_DEMO_PRODUCTS - 1
    assert "cutting-board" in everything


async def test_attribute_filters_must_all_match(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    cotton = await product_slugs(client, demo, attributes=[{"name": "material", "value": "cotton"}])
    black_cotton = await product_slugs(
        client,
        demo,
        attributes=[{"name": "material", "value": "cotton"}, {"name": "color", "value": "black"}],
    )
    nothing = await product_slugs(
        client,
        demo,
        attributes=[{"name": "material", "value": "cotton"}, {"name": "color", "value": "brown"}],
    )

    # then
    assert set(cotton) == {"classic-tee", "graphic-tee"}
    assert black_cotton == ["graphic-tee"]
    assert nothing == []


async def test_a_root_category_includes_its_children(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    apparel = await category_id(client, demo, "Apparel")

    # when
    slugs = await product_slugs(client, demo, categoryId=apparel)

    # then
    assert set(slugs) == {"classic-tee", "graphic-tee", "zip-hoodie", "pullover-hoodie"}


async def test_a_category_filter_combines_with_other_filters(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "plants")
    outdoor = await make_category(runtime, store, "Outdoor")
    trees = await make_category(runtime, store, "Trees", parent_id=outdoor)
    await make_product(runtime, store, "Oak", price_minor=9000, category_id=trees)
    await make_product(runtime, store, "Birch", price_minor=3000, category_id=trees)
    await make_product(runtime, store, "Fern", price_minor=1500, category_id=outdoor)
    await make_product(runtime, store, "Cactus", price_minor=1200)

    # when
    slugs = await product_slugs(client, store, categoryId=outdoor, maxPrice="50", sort="PRICE_ASC")

    # then
    assert slugs == ["fern", "birch"]


async def test_product_fields_use_money_and_nested_types(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, PRODUCTS_WITH_FIELDS, {"search": "graphic tee"})

    # then
    [product] = data_of(response)["products"]["items"]
    assert product["price"] == {"amount": "29.99", "amountMinor": 2999, "currency": "USD"}
    assert product["compareAtPrice"] == {"amount": "34.99"}
    assert product["category"] == {"name": "T-Shirts"}
    assert product["attributes"] == [{"name": "color", "value": "black"}, {"name": "material", "value": "cotton"}]
    assert product["stock"] == 75
    assert product["inStock"] is True
    assert [variant["sku"] for variant in product["variants"]] == ["TEE-GRAPHIC-S", "TEE-GRAPHIC-M", "TEE-GRAPHIC-L"]
    assert product["variants"][0] == {
        "name": "S",
        "sku": "TEE-GRAPHIC-S",
        "price": {"amount": "29.99", "amountMinor": 2999, "currency": "USD"},
        "stock": 25,
        "inStock": True,
        "options": {"size": "S"},
    }


async def test_product_by_slug_and_by_id(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    by_slug = data_of(await execute(client, demo, PRODUCT_BY_SLUG, {"slug": "leather-backpack"}))["product"]

    # when
    by_id = data_of(await execute(client, demo, PRODUCT_BY_ID, {"id": by_slug["id"]}))["product"]

    # then
    assert by_slug["name"] == "Leather Backpack"
    assert [variant["price"]["amountMinor"] for variant in by_slug["variants"]] == [14900, 15900]
    assert by_id == {"id": by_slug["id"], "slug": "leather-backpack"}


@pytest.mark.parametrize("slug", ["no-such-product", "prototype-sneaker"], ids=["unknown", "draft"])
async def test_an_unknown_or_draft_product_is_null(client: httpx.AsyncClient, demo: Store, slug: str) -> None:
    assert data_of(await execute(client, demo, PRODUCT_BY_SLUG, {"slug": slug})) == {"product": None}


async def test_an_unknown_product_id_is_null(client: httpx.AsyncClient, demo: Store) -> None:
    assert data_of(await execute(client, demo, PRODUCT_BY_ID, {"id": "prod_unknown"})) == {"product": None}


async def test_categories_are_roots_ordered_by_position_with_children(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    roots = data_of(await execute(client, demo, CATEGORIES))["categories"]

    # then
    assert [(root["name"], root["position"], root["parentId"]) for root in roots] == [
        ("Apparel", 0, None),
        ("Home", 1, None),
        ("Accessories", 2, None),
    ]
    assert {root["name"]: [child["name"] for child in root["children"]] for root in roots} == {
        "Apparel": ["T-Shirts", "Hoodies"],
        "Home": ["Kitchen", "Decor"],
        "Accessories": ["Bags", "Hats"],
    }
    assert all(child["parentId"] == root["id"] for root in roots for child in root["children"])


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"page": 0}, "page"),
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"minPrice": "30.00", "maxPrice": "20.00"}, "minPrice"),
        ({"minPrice": "-1"}, "minPrice"),
        ({"maxPrice": "-0.01"}, "maxPrice"),
        ({"minPrice": "1.001"}, "minPrice"),
        ({"minPrice": "1e999999"}, "minPrice"),
        ({"maxPrice": "9e99999999999"}, "maxPrice"),
    ],
    ids=[
        "page-0",
        "limit-101",
        "limit-0",
        "min-over-max",
        "negative-min",
        "negative-max",
        "too-precise",
        "exponent-bomb",
        "huge-exponent",
    ],
)
async def test_invalid_arguments_are_invalid_parameter_errors(
    client: httpx.AsyncClient, demo: Store, variables: dict[str, Any], field: str
) -> None:
    # when
    response = await execute(client, demo, INVALID_PRODUCTS, variables)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["products"]
    assert error["extensions"] == {"code": "INVALID_PARAMETER", "field": field}
    assert error["message"].startswith(f"{field}: ")


async def test_an_unknown_category_is_an_invalid_parameter(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, PRODUCT_SLUGS, {"categoryId": "cat_unknown"})

    # then
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID_PARAMETER", "field": "categoryId"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": f"Bearer {generate_key(KeyKind.PUBLIC)}"}, {"Authorization": "Bearer not-a-key"}],
    ids=["missing", "unknown", "malformed"],
)
async def test_without_a_valid_key_graphql_is_401(
    client: httpx.AsyncClient, demo: Store, headers: dict[str, str]
) -> None:
    # when
    response = await client.post("/graphql", json={"query": CURRENCY}, headers=headers)

    # then
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code"}
    assert body["code"] == "UNAUTHORIZED"


async def test_a_get_query_needs_a_key_too(client: httpx.AsyncClient, demo: Store) -> None:
    without_key = await client.get("/graphql", params={"query": CURRENCY})
    with_token = await client.get("/graphql", params={"query": CURRENCY, "token": demo.public_key})

    assert without_key.status_code == 401
    assert data_of(with_token) == {"storeConfig": {"defaultCurrency": "USD"}}


async def test_the_token_query_parameter_authenticates(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.post("/graphql", params={"token": demo.public_key}, json={"query": CURRENCY})

    # then
    assert data_of(response) == {"storeConfig": {"defaultCurrency": "USD"}}


async def test_a_key_only_reaches_its_own_project(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    other = await make_store(runtime, "other")
    await make_product(runtime, other, "Other Thing", price_minor=700)
    demo_tee = data_of(await execute(client, demo, PRODUCT_BY_SLUG, {"slug": "classic-tee"}))["product"]

    # when
    other_slugs = await product_slugs(client, other)
    other_sees_tee_by_slug = data_of(await execute(client, other, PRODUCT_BY_SLUG, {"slug": "classic-tee"}))
    other_sees_tee_by_id = data_of(await execute(client, other, PRODUCT_BY_ID, {"id": demo_tee["id"]}))
    other_categories = data_of(await execute(client, other, CATEGORIES))
    demo_sees_other = data_of(await execute(client, demo, PRODUCT_BY_SLUG, {"slug": "other-thing"}))

    # then
    assert other_slugs == ["other-thing"]
    assert other_sees_tee_by_slug == other_sees_tee_by_id == {"product": None}
    assert other_categories == {"categories": []}
    assert demo_sees_other == {"product": None}
    assert "other-thing" not in await product_slugs(client, demo)


async def test_the_secret_key_also_reads_the_storefront(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.post(
        "/graphql", json={"query": CURRENCY}, headers={"Authorization": f"Bearer {demo.secret_key}"}
    )

    # then
    assert data_of(response) == {"storeConfig": {"defaultCurrency": "USD"}}


async def test_graphiql_is_served_to_a_browser_without_a_key(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_a_query_at_the_depth_limit_runs(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, nested_categories(11))

    # then
    assert len(data_of(response)["categories"]) == 3


async def test_a_query_deeper_than_the_limit_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await execute(client, demo, nested_categories(12))

    # then
    body = response.json()
    assert body["data"] is None
    assert "depth" in body["errors"][0]["message"]


async def test_more_than_fifty_aliases_are_refused(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    allowed = await execute(client, demo, aliased_store_configs(50))
    refused = await execute(client, demo, aliased_store_configs(51))

    # then
    assert len(data_of(allowed)) == 50
    body = refused.json()
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]


async def test_a_batch_of_eleven_operations_is_refused(
    client: httpx.AsyncClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    executions = count_calls(monkeypatch, storefront, "list_products", queries.list_products)

    # when
    response = await client.post("/graphql", json=[{"query": PRODUCT_SLUGS}] * 11, headers=demo.auth)

    # then
    assert response.status_code == 400
    assert response.json() == {"message": "Too many operations", "code": "BAD_REQUEST"}
    assert executions == []


async def test_a_body_that_is_not_json_is_a_json_400(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.post(
        "/graphql", content=b"{not json", headers={**demo.auth, "Content-Type": "application/json"}
    )

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"


async def test_a_batch_of_two_operations_runs_both(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.post(
        "/graphql",
        json=[{"query": CURRENCY}, {"query": PRODUCT_SLUGS, "variables": {"limit": 1}}],
        headers=demo.auth,
    )

    # then
    assert response.status_code == 200
    currency, products = response.json()
    assert currency == {"data": {"storeConfig": {"defaultCurrency": "USD"}}}
    assert products["data"]["products"]["items"] == [{"slug": "classic-tee"}]


async def test_identical_queries_reuse_the_result(
    client: httpx.AsyncClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    executions = count_calls(monkeypatch, storefront, "list_products", queries.list_products)
    first = await execute(client, demo, PRODUCT_SLUGS, {"sort": "PRICE_ASC"})

    # when
    second = await execute(client, demo, PRODUCT_SLUGS, {"sort": "PRICE_ASC"})
    other_variables = await execute(client, demo, PRODUCT_SLUGS, {"sort": "NAME_ASC"})

    # then
    assert second.json() == first.json()
    assert [item["slug"] for item in data_of(other_variables)["products"]["items"]] == BY_NAME
    assert len(executions) == 2


async def test_a_catalog_write_is_visible_in_the_next_query(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    before = await product_slugs(client, demo)

    # when
    await make_product(runtime, demo, "Brand New Thing", price_minor=999)
    after = await product_slugs(client, demo)

    # then
    assert "brand-new-thing" not in before
    assert after[0] == "brand-new-thing"
    assert len(after) == ACTIVE_DEMO_PRODUCTS + 1


async def test_a_settings_change_is_visible_in_the_next_query(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    before = data_of(await execute(client, demo, STORE_CONFIG))["storeConfig"]

    # when
    async with runtime.database.write() as session:
        await update_store_settings(session, demo.id, {"tax_percentage": "7.5", "shipping_enabled": "false"})
    after = data_of(await execute(client, demo, STORE_CONFIG))["storeConfig"]

    # then
    assert (before["taxPercentage"], before["shippingEnabled"]) == ("10", True)
    assert (after["taxPercentage"], after["shippingEnabled"]) == ("7.50", False)
