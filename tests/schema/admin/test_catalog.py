"""Products, variants, stock and categories through the admin API: validated, scoped to the store, seen at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import ProductAttribute
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_category, make_product, make_store, product_ids
from tests.support.graphql import admin, refused, succeeded

PRODUCT_FIELDS = """
  id slug name status description price { amount amountMinor } compareAtPrice { amount } categoryId images
  attributes { name value } stock inStock lowStockThreshold
  variants { id sku name price { amount } stock options position }
"""

CREATE_PRODUCT = f"""
mutation Create($input: ProductCreateInput!) {{
  productCreate(input: $input) {{ product {{ {PRODUCT_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

UPDATE_PRODUCT = f"""
mutation Update($id: ID!, $input: ProductUpdateInput!) {{
  productUpdate(id: $id, input: $input) {{ product {{ {PRODUCT_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

DELETE_PRODUCT = """
mutation Delete($id: ID!) { productDelete(id: $id) { deletedId userErrors { field message code } } }
"""

CREATE_VARIANT = f"""
mutation CreateVariant($productId: ID!, $input: VariantInput!) {{
  variantCreate(productId: $productId, input: $input) {{
    variant {{ id sku price {{ amount }} stock position }}
    product {{ {PRODUCT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""

UPDATE_VARIANT = """
mutation UpdateVariant($id: ID!, $input: VariantUpdateInput!) {
  variantUpdate(id: $id, input: $input) {
    variant { id sku name price { amount } options } userErrors { field message code }
  }
}
"""

DELETE_VARIANT = """
mutation DeleteVariant($id: ID!) {
  variantDelete(id: $id) { product { variants { sku } } userErrors { field message code } }
}
"""

SET_STOCK = """
mutation SetStock($productId: ID, $variantId: ID, $stock: Int) {
  inventorySet(productId: $productId, variantId: $variantId, stock: $stock) {
    product { stock inStock variants { sku stock } } userErrors { field message code }
  }
}
"""

CREATE_CATEGORY = """
mutation CreateCategory($input: CategoryCreateInput!) {
  categoryCreate(input: $input) { category { id name slug parentId position } userErrors { field message code } }
}
"""

UPDATE_CATEGORY = """
mutation UpdateCategory($id: ID!, $input: CategoryUpdateInput!) {
  categoryUpdate(id: $id, input: $input) { category { id slug parentId } userErrors { field message code } }
}
"""

DELETE_CATEGORY = """
mutation DeleteCategory($id: ID!) { categoryDelete(id: $id) { deletedId userErrors { field message code } } }
"""

PRODUCTS = """
query Products($search: String, $status: ProductStatus, $categoryId: ID, $page: Int, $limit: Int) {
  products(search: $search, status: $status, categoryId: $categoryId, page: $page, limit: $limit) {
    total page limit items { slug status }
  }
}
"""

PRODUCT = f"query Product($id: ID, $slug: String) {{ product(id: $id, slug: $slug) {{ {PRODUCT_FIELDS} }} }}"

CATEGORIES = "query { categories { id name slug parentId } }"


async def create_product(client: httpx.AsyncClient, store: Store, **fields: Any) -> dict[str, Any]:
    payload = (await admin(client, store, CREATE_PRODUCT, input={"price": "10", **fields}))["productCreate"]
    return succeeded(payload)["product"]  # type: ignore[no-any-return]


async def storefront_product(client: httpx.AsyncClient, store: Store, slug: str) -> dict[str, Any] | None:
    response = await client.get(store.aerocall(f"/products/{slug}"), headers=store.auth)
    return response.json() if response.status_code == 200 else None


async def catalog_of(client: httpx.AsyncClient, store: Store) -> dict[str, Any]:
    """Everything the admin sees of the catalog, to show that a refused change left it as it was."""
    products = await admin(client, store, PRODUCTS.replace("items { slug status }", f"items {{ {PRODUCT_FIELDS} }}"))
    return {**products, **(await admin(client, store, CATEGORIES))}


async def test_a_product_is_created_with_its_variants_and_shown_by_the_storefront(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    category_id = (await admin(client, demo, CATEGORIES))["categories"][0]["id"]

    # when
    product = await create_product(
        client,
        demo,
        name="Rain Jacket",
        price="89.90",
        compareAtPrice="120",
        description="Keeps you dry.",
        categoryId=category_id,
        images=["https://cdn.example.com/jacket.jpg"],
        attributes={"color": "yellow", "material": "nylon"},
        lowStockThreshold=2,
        variants=[
            {"name": "M", "sku": "JACKET-M", "stock": 4, "options": {"size": "M"}},
            {"name": "L", "sku": "JACKET-L", "price": "94.90", "options": {"size": "L"}},
        ],
    )

    # then
    assert product["slug"] == "rain-jacket" and product["status"] == "active"
    assert product["price"] == {"amount": "89.90", "amountMinor": 8990}
    assert product["stock"] is None and product["inStock"] is True
    assert [(v["sku"], v["price"]["amount"], v["stock"], v["position"]) for v in product["variants"]] == [
        ("JACKET-M", "89.90", 4, 0),
        ("JACKET-L", "94.90", None, 1),
    ]
    shown = await storefront_product(client, demo, "rain-jacket")
    assert shown is not None
    assert (shown["price"], shown["compare_at_price"], shown["category_id"]) == (89.9, 120, category_id)
    assert shown["attributes"] == {"color": "yellow", "material": "nylon"}
    filtered = await client.get(demo.aerocall("/products"), params={"attr.color": "yellow"}, headers=demo.auth)
    assert [item["slug"] for item in filtered.json()["products"]] == ["rain-jacket"]


async def test_a_draft_is_listed_for_the_admin_but_not_on_the_storefront_until_activated(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    draft = await create_product(client, demo, name="Secret Sneaker", status="DRAFT")

    # when
    drafts = (await admin(client, demo, PRODUCTS, status="DRAFT"))["products"]
    hidden = await storefront_product(client, demo, "secret-sneaker")
    succeeded((await admin(client, demo, UPDATE_PRODUCT, id=draft["id"], input={"status": "ACTIVE"}))["productUpdate"])

    # then
    assert {item["slug"] for item in drafts["items"]} == {"secret-sneaker", "prototype-sneaker"}
    assert hidden is None
    assert await storefront_product(client, demo, "secret-sneaker") is not None


async def test_products_are_searched_and_paginated_across_every_status(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    everything = (await admin(client, demo, PRODUCTS, limit=100))["products"]
    by_sku = (await admin(client, demo, PRODUCTS, search="tee-graphic-m"))["products"]
    by_name = (await admin(client, demo, PRODUCTS, search="HOODIE"))["products"]
    second_page = (await admin(client, demo, PRODUCTS, page=2, limit=10))["products"]

    # then
    assert everything["total"] == 14 and len(everything["items"]) == 14
    assert {item["status"] for item in everything["items"]} == {"active", "draft"}
    assert [item["slug"] for item in by_sku["items"]] == ["graphic-tee"]
    assert {item["slug"] for item in by_name["items"]} == {"zip-hoodie", "pullover-hoodie"}
    assert (second_page["page"], second_page["limit"], len(second_page["items"])) == (2, 10, 4)


async def test_a_category_filter_includes_the_categories_below_it(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    categories = {
        category["slug"]: category["id"] for category in (await admin(client, demo, CATEGORIES))["categories"]
    }

    # when
    home = (await admin(client, demo, PRODUCTS, categoryId=categories["home"], limit=100))["products"]
    kitchen = (await admin(client, demo, PRODUCTS, categoryId=categories["kitchen"], limit=100))["products"]
    unknown = (await admin(client, demo, PRODUCTS, categoryId="cat_unknown"))["products"]

    # then
    assert {item["slug"] for item in kitchen["items"]} == {"ceramic-mug", "chef-knife", "cutting-board"}
    assert {item["slug"] for item in home["items"]} == {
        "ceramic-mug", "chef-knife", "cutting-board", "linen-pillow", "scented-candle", "wall-print",
    }  # fmt: skip
    assert unknown["total"] == 0


async def test_an_update_changes_the_given_fields_and_keeps_attribute_rows_in_sync(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    product = await create_product(client, demo, name="Desk Lamp", attributes={"color": "black", "finish": "matte"})

    # when
    payload = succeeded(
        (
            await admin(
                client,
                demo,
                UPDATE_PRODUCT,
                id=product["id"],
                input={"price": "12.50", "attributes": {"color": "white"}, "compareAtPrice": None},
            )
        )["productUpdate"]
    )

    # then
    updated = payload["product"]
    assert (updated["name"], updated["price"]["amount"], updated["compareAtPrice"]) == ("Desk Lamp", "12.50", None)
    assert updated["attributes"] == [{"name": "color", "value": "white"}]
    async with runtime.database.read() as session:
        rows = (
            await session.execute(
                select(ProductAttribute.name, ProductAttribute.value).where(
                    ProductAttribute.product_id == product["id"]
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [("color", "white")]
    shown = await storefront_product(client, demo, "desk-lamp")
    assert shown is not None and (shown["price"], shown["attributes"]) == (12.5, {"color": "white"})


async def test_a_deleted_product_leaves_the_storefront_and_the_carts(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    mug = (await product_ids(client, demo))["ceramic-mug"]
    added = await client.post(demo.aerocall("/cart/c1/items"), json={"productId": mug["id"]}, headers=demo.auth)
    assert added.status_code == 200

    # when
    payload = succeeded((await admin(client, demo, DELETE_PRODUCT, id=mug["id"]))["productDelete"])

    # then
    assert payload["deletedId"] == mug["id"]
    assert await storefront_product(client, demo, "ceramic-mug") is None
    assert "ceramic-mug" not in await product_ids(client, demo)
    assert (await client.get(demo.aerocall("/cart/c1"), headers=demo.auth)).json()["items"] == []
    assert (await admin(client, demo, PRODUCT, id=mug["id"]))["product"] is None


async def test_variants_are_added_changed_and_removed(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    product = await create_product(
        client, demo, name="Wool Socks", price="9", variants=[{"name": "S", "sku": "SOCK-S", "stock": 5}]
    )

    # when
    added = succeeded(
        (await admin(client, demo, CREATE_VARIANT, productId=product["id"], input={"name": "L", "sku": "SOCK-L"}))[
            "variantCreate"
        ]
    )
    changed = succeeded(
        (
            await admin(
                client,
                demo,
                UPDATE_VARIANT,
                id=added["variant"]["id"],
                input={"sku": "SOCK-XL", "name": "XL", "price": "11", "options": {"size": "XL"}},
            )
        )["variantUpdate"]
    )
    removed = succeeded((await admin(client, demo, DELETE_VARIANT, id=product["variants"][0]["id"]))["variantDelete"])

    # then
    assert (added["variant"]["price"]["amount"], added["variant"]["stock"], added["variant"]["position"]) == (
        "9.00", None, 1,
    )  # fmt: skip
    assert [variant["sku"] for variant in added["product"]["variants"]] == ["SOCK-S", "SOCK-L"]
    assert changed["variant"] == {
        "id": added["variant"]["id"], "sku": "SOCK-XL", "name": "XL", "price": {"amount": "11.00"},
        "options": {"size": "XL"},
    }  # fmt: skip
    assert removed["product"]["variants"] == [{"sku": "SOCK-XL"}]
    shown = await storefront_product(client, demo, "wool-socks")
    assert shown is not None and [variant["sku"] for variant in shown["variants"]] == ["SOCK-XL"]


async def test_inventory_is_set_on_a_product_or_a_variant_and_null_stops_tracking(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    catalog = await product_ids(client, demo)
    hoodie = catalog["zip-hoodie"]
    large = next(variant["id"] for variant in hoodie["variants"] if variant["name"] == "L")

    # when
    simple = succeeded(
        (await admin(client, demo, SET_STOCK, productId=catalog["ceramic-mug"]["id"], stock=0))["inventorySet"]
    )
    variant = succeeded((await admin(client, demo, SET_STOCK, variantId=large, stock=3))["inventorySet"])
    untracked = succeeded(
        (await admin(client, demo, SET_STOCK, productId=catalog["wall-print"]["id"], stock=None))["inventorySet"]
    )
    on_a_product_with_variants = refused(
        (await admin(client, demo, SET_STOCK, productId=hoodie["id"], stock=5))["inventorySet"]
    )

    # then
    assert simple["product"] == {"stock": 0, "inStock": False, "variants": []}
    assert [v["stock"] for v in variant["product"]["variants"]] == [12, 3, 12]
    assert untracked["product"]["stock"] is None and untracked["product"]["inStock"] is True
    assert on_a_product_with_variants["code"] == "HAS_VARIANTS"
    storefront = await product_ids(client, demo)
    assert storefront["ceramic-mug"]["in_stock"] is False and storefront["zip-hoodie"]["stock"] == 27


async def test_categories_are_created_moved_and_deleted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "tree")
    home = succeeded((await admin(client, store, CREATE_CATEGORY, input={"name": "Home"}))["categoryCreate"])
    kitchen = succeeded(
        (await admin(client, store, CREATE_CATEGORY, input={"name": "Kitchen", "parentId": home["category"]["id"]}))[
            "categoryCreate"
        ]
    )
    cups = succeeded(
        (await admin(client, store, CREATE_CATEGORY, input={"name": "Cups", "parentId": kitchen["category"]["id"]}))[
            "categoryCreate"
        ]
    )
    mug_id = await make_product(runtime, store, "Mug", category_id=kitchen["category"]["id"])

    # when
    moved = succeeded(
        (await admin(client, store, UPDATE_CATEGORY, id=cups["category"]["id"], input={"parentId": None}))[
            "categoryUpdate"
        ]
    )
    deleted = succeeded((await admin(client, store, DELETE_CATEGORY, id=kitchen["category"]["id"]))["categoryDelete"])

    # then
    assert moved["category"]["parentId"] is None
    assert deleted["deletedId"] == kitchen["category"]["id"]
    tree = (await client.get(store.aerocall("/categories"), headers=store.auth)).json()["categories"]
    assert [(root["slug"], [child["slug"] for child in root["children"]]) for root in tree] == [
        ("cups", []),
        ("home", []),
    ]
    assert (await admin(client, store, PRODUCT, id=mug_id))["product"]["categoryId"] is None


async def test_a_category_with_children_moves_them_up_when_deleted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "nested")
    root = await make_category(runtime, store, "Root")
    middle = await make_category(runtime, store, "Middle", parent_id=root)
    await make_category(runtime, store, "Leaf", parent_id=middle)

    # when
    succeeded((await admin(client, store, DELETE_CATEGORY, id=middle))["categoryDelete"])

    # then
    categories = {item["slug"]: item["parentId"] for item in (await admin(client, store, CATEGORIES))["categories"]}
    assert categories == {"root": None, "leaf": root}


BAD_PRODUCT_INPUT = [
    pytest.param({"name": "Bad", "price": "-1"}, "price", "INVALID_AMOUNT", id="negative price"),
    pytest.param({"name": "Bad", "price": "1.999"}, "price", "INVALID_AMOUNT", id="too many decimals"),
    pytest.param({"name": "Bad", "price": "1e999999"}, "price", "INVALID_AMOUNT", id="exponent bomb"),
    pytest.param({"name": "Bad", "price": "9e99999999999"}, "price", "INVALID_AMOUNT", id="huge exponent"),
    pytest.param(
        {"name": "Bad", "price": "1", "compareAtPrice": "-5"}, "compareAtPrice", "INVALID_AMOUNT", id="compare at"
    ),
    pytest.param({"name": "Classic Tee", "price": "1"}, "slug", "SLUG_TAKEN", id="duplicate slug from the name"),
    pytest.param({"name": "Bad", "slug": "Not A Slug", "price": "1"}, "slug", "INVALID_SLUG", id="bad slug"),
    pytest.param({"name": " ", "price": "1"}, "name", "INVALID_INPUT", id="blank name"),
    pytest.param({"name": "Bad", "price": "1", "stock": -1}, "stock", "INVALID_INPUT", id="negative stock"),
    pytest.param({"name": "Bad", "price": "1", "categoryId": "cat_nope"}, "categoryId", "NOT_FOUND", id="category"),
    pytest.param(
        {"name": "Bad", "price": "1", "variants": [{"name": "A", "sku": "TEE-CLASSIC-M"}]},
        "variants.0.sku",
        "SKU_TAKEN",
        id="duplicate SKU",
    ),
    pytest.param(
        {"name": "Bad", "price": "1", "variants": [{"name": "A", "sku": "X-1"}, {"name": "B", "sku": "X-1"}]},
        "variants.1.sku",
        "SKU_TAKEN",
        id="SKU given twice",
    ),
    pytest.param(
        {"name": "Bad", "price": "1", "variants": [{"name": "A", "sku": "X-2", "price": "-3"}]},
        "variants.0.price",
        "INVALID_AMOUNT",
        id="negative variant price",
    ),
    pytest.param(
        {"name": "Bad", "price": "1", "attributes": {"bad name": 1}}, "attributes", "INVALID_INPUT", id="attribute"
    ),
]


@pytest.mark.parametrize(("fields", "field", "code"), BAD_PRODUCT_INPUT)
async def test_bad_product_input_is_a_user_error_and_changes_nothing(
    client: httpx.AsyncClient, demo: Store, fields: dict[str, Any], field: str, code: str
) -> None:
    # given
    before = await catalog_of(client, demo)

    # when
    payload = (await admin(client, demo, CREATE_PRODUCT, input=fields))["productCreate"]

    # then
    assert payload["product"] is None
    error = refused(payload)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"].startswith(field)
    assert await catalog_of(client, demo) == before


async def test_bad_updates_are_user_errors_and_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    catalog = await product_ids(client, demo)
    tee, mug = catalog["classic-tee"], catalog["ceramic-mug"]
    other = await make_store(runtime, "other")
    other_product = await make_product(runtime, other, "Elsewhere", variants=[{"name": "One", "sku": "ELSE-1"}])
    other_category = await make_category(runtime, other, "Elsewhere")
    apparel = next(c for c in (await admin(client, demo, CATEGORIES))["categories"] if c["slug"] == "apparel")
    t_shirts = next(c for c in (await admin(client, demo, CATEGORIES))["categories"] if c["slug"] == "t-shirts")
    before = await catalog_of(client, demo)
    before_other = await catalog_of(client, other)

    # when
    attempts = {
        "negative price": (
            UPDATE_PRODUCT,
            {"id": mug["id"], "input": {"name": "Mug 2", "price": "-0.01"}},
            "productUpdate",
        ),
        "slug taken": (UPDATE_PRODUCT, {"id": mug["id"], "input": {"slug": "classic-tee"}}, "productUpdate"),
        "null name": (UPDATE_PRODUCT, {"id": mug["id"], "input": {"name": None}}, "productUpdate"),
        "unknown product": (UPDATE_PRODUCT, {"id": "prod_nope", "input": {"name": "X"}}, "productUpdate"),
        "another store's product": (UPDATE_PRODUCT, {"id": other_product, "input": {"name": "Mine"}}, "productUpdate"),
        "another store's category": (
            UPDATE_PRODUCT,
            {"id": mug["id"], "input": {"categoryId": other_category}},
            "productUpdate",
        ),
        "delete another store's product": (DELETE_PRODUCT, {"id": other_product}, "productDelete"),
        "SKU taken": (
            UPDATE_VARIANT,
            {"id": tee["variants"][0]["id"], "input": {"sku": "TEE-GRAPHIC-M"}},
            "variantUpdate",
        ),
        "variant on another store's product": (
            CREATE_VARIANT,
            {"productId": other_product, "input": {"name": "Two", "sku": "ELSE-2"}},
            "variantCreate",
        ),
        "category cycle": (
            UPDATE_CATEGORY,
            {"id": apparel["id"], "input": {"parentId": t_shirts["id"]}},
            "categoryUpdate",
        ),
        "own parent": (UPDATE_CATEGORY, {"id": apparel["id"], "input": {"parentId": apparel["id"]}}, "categoryUpdate"),
        "category slug taken": (UPDATE_CATEGORY, {"id": apparel["id"], "input": {"slug": "home"}}, "categoryUpdate"),
        "delete another store's category": (DELETE_CATEGORY, {"id": other_category}, "categoryDelete"),
        "stock of another store": (SET_STOCK, {"productId": other_product, "stock": 1}, "inventorySet"),
        "negative stock": (SET_STOCK, {"productId": mug["id"], "stock": -2}, "inventorySet"),
    }
    errors = {}
    for name, (document, variables, operation) in attempts.items():
        errors[name] = refused((await admin(client, demo, document, **variables))[operation])

    # then
    assert {name: (error["field"], error["code"]) for name, error in errors.items()} == {
        "negative price": ("price", "INVALID_AMOUNT"),
        "slug taken": ("slug", "SLUG_TAKEN"),
        "null name": ("name", "INVALID_INPUT"),
        "unknown product": ("id", "NOT_FOUND"),
        "another store's product": ("id", "NOT_FOUND"),
        "another store's category": ("categoryId", "NOT_FOUND"),
        "delete another store's product": ("id", "NOT_FOUND"),
        "SKU taken": ("sku", "SKU_TAKEN"),
        "variant on another store's product": ("productId", "NOT_FOUND"),
        "category cycle": ("parentId", "CATEGORY_CYCLE"),
        "own parent": ("parentId", "CATEGORY_CYCLE"),
        "category slug taken": ("slug", "SLUG_TAKEN"),
        "delete another store's category": ("id", "NOT_FOUND"),
        "stock of another store": ("productId", "NOT_FOUND"),
        "negative stock": ("stock", "INVALID_INPUT"),
    }
    assert await catalog_of(client, demo) == before
    assert await catalog_of(client, other) == before_other


async def test_the_same_slug_and_sku_may_be_used_by_two_stores(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    other = await make_store(runtime, "other")

    # when
    product = await create_product(client, other, name="Classic Tee", variants=[{"name": "M", "sku": "TEE-CLASSIC-M"}])

    # then
    assert product["slug"] == "classic-tee" and product["variants"][0]["sku"] == "TEE-CLASSIC-M"
