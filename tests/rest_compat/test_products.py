from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_category, make_product, make_store

ACTIVE_DEMO_PRODUCTS = 13


def slugs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [product["slug"] for product in response.json()["products"]]


async def list_products(client: httpx.AsyncClient, store: Store, **params: object) -> httpx.Response:
    return await client.get(store.aerocall("/products"), params=params, headers=store.auth)


@pytest.mark.parametrize("family", ["aerostack", "aerocall"])
async def test_products_lists_active_products_on_both_families(
    client: httpx.AsyncClient, demo: Store, family: str
) -> None:
    # given
    url = demo.aerostack("/products") if family == "aerostack" else demo.aerocall("/products")

    # when
    response = await client.get(url, headers=demo.auth)

    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["total"], body["page"], body["limit"]) == (ACTIVE_DEMO_PRODUCTS, 1, 20)
    assert len(body["products"]) == ACTIVE_DEMO_PRODUCTS
    assert "prototype-sneaker" not in [product["slug"] for product in body["products"]]


async def test_a_product_has_the_contract_fields(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.get(demo.aerocall("/products/classic-tee"), headers=demo.auth)

    # then
    product = response.json()
    assert set(product) >= {
        "id", "slug", "name", "description", "price", "compare_at_price", "currency", "images", "category_id",
        "attributes", "stock", "in_stock", "variants", "created_at", "updated_at",
    }  # fmt: skip
    assert product["price"] == 25
    assert product["currency"] == "USD"
    assert product["attributes"] == {"color": "white", "material": "cotton"}
    assert product["stock"] == 120
    assert product["in_stock"] is True
    assert [variant["sku"] for variant in product["variants"]] == ["TEE-CLASSIC-S", "TEE-CLASSIC-M", "TEE-CLASSIC-L"]
    assert product["variants"][0] == {
        "id": product["variants"][0]["id"], "name": "S", "sku": "TEE-CLASSIC-S", "price": 25, "stock": 40,
        "in_stock": True, "options": {"size": "S"},
    }  # fmt: skip
    assert isinstance(product["created_at"], int) and product["created_at"] > 1_700_000_000_000


async def test_compare_at_price_and_untracked_stock(client: httpx.AsyncClient, demo: Store) -> None:
    graphic = (await client.get(demo.aerocall("/products/graphic-tee"), headers=demo.auth)).json()
    wall_print = (await client.get(demo.aerocall("/products/wall-print"), headers=demo.auth)).json()

    assert (graphic["price"], graphic["compare_at_price"]) == (29.99, 34.99)
    assert (wall_print["stock"], wall_print["in_stock"]) == (None, True)


async def test_pagination_splits_the_list_without_overlap(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    pages = [slugs(await list_products(client, demo, page=page, limit=5)) for page in (1, 2, 3, 4)]

    # then
    assert [len(page) for page in pages] == [5, 5, 3, 0]
    everything = [slug for page in pages for slug in page]
    assert len(set(everything)) == ACTIVE_DEMO_PRODUCTS


async def test_sorts(client: httpx.AsyncClient, demo: Store) -> None:
    by_price = (await list_products(client, demo, sort="price_asc", limit=100)).json()["products"]
    by_price_desc = (await list_products(client, demo, sort="price_desc", limit=100)).json()["products"]
    by_name = slugs(await list_products(client, demo, sort="name_asc", limit=100))
    newest = slugs(await list_products(client, demo, sort="created_at", limit=100))

    prices = [product["price"] for product in by_price]
    assert prices == sorted(prices)
    assert [product["price"] for product in by_price_desc] == sorted(prices, reverse=True)
    assert by_name == sorted(by_name)
    assert newest[0] == "classic-tee" and newest[-1] == "wool-beanie"


async def test_newest_first_puts_a_new_product_on_top(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    await make_product(runtime, demo, "Brand New Thing")

    # when
    newest = slugs(await list_products(client, demo, sort="created_at"))

    # then
    assert newest[0] == "brand-new-thing"


async def test_category_includes_its_descendants(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    tree = (await client.get(demo.aerocall("/categories"), headers=demo.auth)).json()["categories"]
    home = next(category for category in tree if category["slug"] == "home")
    kitchen = next(child for child in home["children"] if child["slug"] == "kitchen")

    # when
    in_home = slugs(await list_products(client, demo, category_id=home["id"]))
    in_kitchen = slugs(await list_products(client, demo, category_id=kitchen["id"]))

    # then
    assert sorted(in_kitchen) == ["ceramic-mug", "chef-knife", "cutting-board"]
    assert sorted(in_home) == sorted([*in_kitchen, "linen-pillow", "scented-candle", "wall-print"])


async def test_search_is_case_insensitive_over_name_and_description(client: httpx.AsyncClient, demo: Store) -> None:
    assert sorted(slugs(await list_products(client, demo, q="HOODIE"))) == ["pullover-hoodie", "zip-hoodie"]
    assert slugs(await list_products(client, demo, q="walnut")) == ["cutting-board"]
    assert slugs(await list_products(client, demo, q="no such thing")) == []


async def test_price_range_is_inclusive(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await list_products(client, demo, min_price="22", max_price="29.99", sort="price_asc")

    # then
    assert slugs(response) == ["canvas-tote", "classic-tee", "graphic-tee"]


async def test_in_stock_hides_sold_out_products(client: httpx.AsyncClient, demo: Store) -> None:
    in_stock = slugs(await list_products(client, demo, in_stock="true", limit=100))

    assert "cutting-board" not in in_stock
    assert len(in_stock) == ACTIVE_DEMO_PRODUCTS - 1


async def test_attribute_filters_all_must_match(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    cotton = slugs(await list_products(client, demo, **{"attr.material": "cotton"}))
    white_cotton = slugs(
        await client.get(demo.aerocall("/products?attr.material=cotton&attr.color=White"), headers=demo.auth)
    )

    # then
    assert sorted(cotton) == ["classic-tee", "graphic-tee"]
    assert white_cotton == ["classic-tee"]


@pytest.mark.parametrize(
    "query",
    [
        "attr[material]=cotton&attr[color]=White",
        "attr%5Bmaterial%5D=cotton&attr%5Bcolor%5D=White",
        "attr[material]=cotton&attr.color=White",
    ],
    ids=["deep-object", "deep-object-encoded", "mixed"],
)
async def test_the_deep_object_form_the_openapi_document_describes_filters_too(
    client: httpx.AsyncClient, demo: Store, query: str
) -> None:
    # when
    filtered = await client.get(demo.aerocall(f"/products?{query}"), headers=demo.auth)
    document = (await client.get("/api/v1/openapi.json")).json()

    # then
    assert slugs(filtered) == ["classic-tee"]
    [attr] = [p for p in document["paths"]["/api/v1/ecommerce/products"]["get"]["parameters"] if p["name"] == "attr"]
    assert (attr["in"], attr["style"], attr["explode"]) == ("query", "deepObject", True)


@pytest.mark.parametrize("query", ["attr[]=x", "attr[a][b]=x", "attr[color=x"])
async def test_a_malformed_deep_object_key_is_a_400(client: httpx.AsyncClient, demo: Store, query: str) -> None:
    response = await client.get(demo.aerocall(f"/products?{query}"), headers=demo.auth)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_PARAMETER"


async def test_product_by_slug_hides_drafts_and_unknowns(client: httpx.AsyncClient, demo: Store) -> None:
    draft = await client.get(demo.aerostack("/products/prototype-sneaker"), headers=demo.auth)
    unknown = await client.get(demo.aerostack("/products/no-such-product"), headers=demo.auth)

    assert draft.status_code == 404 and unknown.status_code == 404
    assert draft.json() == unknown.json() | {"message": draft.json()["message"]}
    assert draft.json()["code"] == "PRODUCT_NOT_FOUND"


async def test_a_write_is_visible_on_the_next_read(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    before = (await list_products(client, demo)).json()["total"]

    # when
    await make_product(runtime, demo, "Fresh Arrival", price_minor=999)
    after = await list_products(client, demo)

    # then
    assert after.json()["total"] == before + 1
    assert (await client.get(demo.aerocall("/products/fresh-arrival"), headers=demo.auth)).status_code == 200


async def test_one_project_never_sees_another_projects_products(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    first = await make_store(runtime, "first")
    second = await make_store(runtime, "second")
    await make_product(runtime, first, "Only In First")
    category = await make_category(runtime, second, "Second Category")
    await make_product(runtime, second, "Only In Second", category_id=category)

    # when
    seen_by_first = slugs(await list_products(client, first))
    seen_by_second = slugs(await list_products(client, second))
    cross = await client.get(first.aerocall("/products/only-in-second"), headers=first.auth)

    # then
    assert seen_by_first == ["only-in-first"]
    assert seen_by_second == ["only-in-second"]
    assert cross.status_code == 404
