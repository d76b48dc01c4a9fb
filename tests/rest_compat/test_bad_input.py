"""Every bad request gets a 4xx with `{"message", "code"}`, never a 500."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_category, make_store

BAD_PRODUCT_QUERIES = {
    "page=0": "page",
    "limit=0": "limit",
    "limit=101": "limit",
    "page=abc": "page",
    "page=1.5": "page",
    "sort=bogus": "sort",
    "min_price=-1": "min_price",
    "min_price=abc": "min_price",
    "min_price=1.001": "min_price",
    "min_price=1e999999": "min_price",
    "max_price=9e99999999999": "max_price",
    "min_price=1e-9999999999": "min_price",
    "min_price=50&max_price=10": "min_price",
    "in_stock=maybe": "in_stock",
    "category_id=cat_unknown": "category_id",
    "attr.color=": "attr.color",
}


def assert_error(response: httpx.Response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"message", "code"}
    assert body["code"] == body["code"].upper()
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("query", list(BAD_PRODUCT_QUERIES))
async def test_bad_product_query_is_a_400_naming_the_parameter(
    client: httpx.AsyncClient, demo: Store, query: str
) -> None:
    for url in demo.both(f"/products?{query}"):
        body = assert_error(await client.get(url, headers=demo.auth), 400)

        assert body["code"] == "INVALID_PARAMETER"
        assert body["message"].startswith(BAD_PRODUCT_QUERIES[query])


async def test_a_category_of_another_project_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    other = await make_store(runtime, "other")
    foreign_category = await make_category(runtime, other, "Foreign")

    # when
    response = await client.get(demo.aerocall(f"/products?category_id={foreign_category}"), headers=demo.auth)

    # then
    assert assert_error(response, 400)["message"].startswith("category_id")


@pytest.mark.parametrize("slug", ["bad$slug", "a%20b", "..%2F..%2Fetc", "x" * 300, "%00"])
async def test_a_slug_with_odd_characters_is_refused(client: httpx.AsyncClient, demo: Store, slug: str) -> None:
    response = await client.get(demo.aerocall(f"/products/{slug}"), headers=demo.auth)

    assert response.status_code in {400, 404}
    assert_error(response, response.status_code)


async def test_a_10_kb_query_string_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.get(demo.aerocall("/products?q=" + "a" * 10_000), headers=demo.auth)

    assert assert_error(response, 414)["code"] == "QUERY_TOO_LONG"


async def test_a_body_over_one_mebibyte_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.post("/graphql", content=b"x" * (1024 * 1024 + 1), headers=demo.auth)

    assert assert_error(response, 413)["code"] == "PAYLOAD_TOO_LARGE"


async def test_unknown_paths_and_methods_answer_in_json(client: httpx.AsyncClient, demo: Store) -> None:
    missing = await client.get("/api/v1/ecommerce/nothing-here", headers=demo.auth)
    wrong_method = await client.delete(demo.aerocall("/products"), headers=demo.auth)

    assert assert_error(missing, 404)["code"] == "NOT_FOUND"
    assert assert_error(wrong_method, 405)["code"] == "METHOD_NOT_ALLOWED"


async def test_the_openapi_document_describes_both_families(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    assert document["openapi"].startswith("3.1")
    assert "/api/v1/public/projects/{projectSlug}/ecommerce/products" in document["paths"]
    assert "/api/v1/ecommerce/products/{slug}" in document["paths"]
    names = {parameter["name"] for parameter in document["paths"]["/api/v1/ecommerce/products"]["get"]["parameters"]}
    assert {"page", "limit", "category_id", "sort", "q", "min_price", "max_price", "in_stock"} <= names


@pytest.mark.parametrize(
    ("method", "endpoint", "allowed"),
    [
        ("PATCH", "/cart/x", "DELETE, GET, HEAD"),
        ("PUT", "/cart/x/items/i", "DELETE, PATCH"),
        ("GET", "/cart/x/coupon", "DELETE, POST"),
        ("DELETE", "/products", "GET, HEAD"),
    ],
)
async def test_a_405_allows_every_method_the_path_takes(
    client: httpx.AsyncClient, demo: Store, method: str, endpoint: str, allowed: str
) -> None:
    for url in demo.both(endpoint):
        response = await client.request(method, url, headers=demo.auth)

        assert response.status_code == 405, response.text
        assert response.headers["allow"] == allowed
        assert response.json()["code"] == "METHOD_NOT_ALLOWED"
