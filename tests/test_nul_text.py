"""Text holding a NUL is a 400 naming where it was, at every door, and changes nothing (PostgreSQL cannot store it)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopgraph.db.models import Category, Product
from shopgraph.middleware import RequestGuard
from shopgraph.runtime import Runtime
from shopgraph.unstorable_text import is_unstorable_text
from tests.dashboard.support import sign_in
from tests.support.factories import Store, product_ids
from tests.support.graphql import ADMIN, STOREFRONT, secret

NUL = "\x00"


async def _counts(runtime: Runtime) -> tuple[int, int]:
    async with runtime.database.read() as session:
        products = await session.scalar(select(func.count()).select_from(Product))
        categories = await session.scalar(select(func.count()).select_from(Category))
    return products or 0, categories or 0


def _refused(response: httpx.Response, field: str | None = None) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "INVALID_INPUT", body
    assert "NUL" in body["message"], body
    if field is not None:
        assert body["message"].startswith(f"{field}:"), body


@pytest.mark.parametrize(
    "path",
    ["/products/tee%00", "/orders/ORD-001%00?email=ann@example.com", "/cart/cart%001", "/products?q=tee%00"],
)
async def test_a_nul_in_the_path_or_query_is_a_400(client: httpx.AsyncClient, demo: Store, path: str) -> None:
    response = await client.get(demo.aerocall(path), headers=demo.auth)

    _refused(response)
    assert response.json()["message"].startswith("path and query:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "SAVE" + NUL + "10"}, "code"),
        ({"code": "SAVE10", "note": {"deep": ["ok", "bad" + NUL]}}, "note.deep[1]"),
    ],
)
async def test_a_nul_in_a_json_body_is_a_400_naming_the_field(
    client: httpx.AsyncClient, demo: Store, body: dict[str, Any], field: str
) -> None:
    applied = await client.post(demo.aerocall("/cart/cart-1/coupon"), json=body, headers=demo.auth)
    validated = await client.post(demo.aerocall("/coupons/validate"), json=body, headers=demo.auth)

    _refused(applied, field)
    _refused(validated, field)


async def test_a_nul_in_a_cart_line_changes_nothing(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    tee = (await product_ids(client, demo))["classic-tee"]
    url = demo.aerocall("/cart/cart-nul")

    # when
    response = await client.post(f"{url}/items", json={"productId": tee["id"] + NUL, "quantity": 1}, headers=demo.auth)

    # then
    _refused(response, "productId")
    assert (await client.get(url, headers=demo.auth)).json()["items"] == []


def _graphql_refusal(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body.get("data") is None, body
    errors = body["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["INVALID_INPUT"], errors
    assert "NUL" in errors[0]["message"], errors
    return dict(errors[0])


async def test_a_nul_in_a_storefront_literal_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    query = '{ product(slug: "tee\\u0000") { id } }'

    error = _graphql_refusal(await client.post(STOREFRONT, json={"query": query}, headers=demo.auth))

    assert error["locations"], error


async def test_a_nul_in_a_storefront_variable_is_refused_naming_it(client: httpx.AsyncClient, demo: Store) -> None:
    query = "mutation($c: ID!, $k: String!) { cartApplyCoupon(cartId: $c, code: $k) { userErrors { code } } }"
    variables = {"c": "cart-1", "k": "SAVE" + NUL}

    response = await client.post(STOREFRONT, json={"query": query, "variables": variables}, headers=demo.auth)

    error = _graphql_refusal(response)
    assert error["extensions"]["field"] == "k", error
    assert error["message"].startswith("variables.k:"), error


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("mutation($id: ID!) { variantDelete(id: $id) { userErrors { code } } }", {"id": "v" + NUL}),
        (
            "mutation($i: ProductCreateInput!) { productCreate(input: $i) { userErrors { code } } }",
            {"i": {"name": "Mug" + NUL, "price": "5.00"}},
        ),
        (
            "mutation($i: CategoryCreateInput!) { categoryCreate(input: $i) { userErrors { code } } }",
            {"i": {"name": "Candles", "slug": "candles" + NUL}},
        ),
    ],
    ids=["variantDelete", "productCreate", "categoryCreate"],
)
async def test_a_nul_at_the_admin_door_is_refused_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, query: str, variables: dict[str, Any]
) -> None:
    # given
    before = await _counts(runtime)

    # when
    response = await client.post(ADMIN, json={"query": query, "variables": variables}, headers=secret(demo))

    # then
    _graphql_refusal(response)
    assert await _counts(runtime) == before


async def test_a_nul_in_a_dashboard_form_is_refused_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    csrf = await sign_in(client, demo)
    before = await _counts(runtime)

    # when
    response = await client.post("/dashboard/categories", data={"csrf_token": csrf, "name": "Cand" + NUL + "les"})

    # then
    _refused(response, "name")
    assert await _counts(runtime) == before


class _DriverError(Exception):
    sqlstate = "22021"  # PostgreSQL's "character not in repertoire", as asyncpg reports a NUL


async def test_text_the_database_refuses_anyway_is_a_400_not_a_500() -> None:
    # given: a route whose database refuses a text value (wrapped, as SQLAlchemy wraps the driver's error)
    async def storing(request: Request) -> Response:
        try:
            raise _DriverError("invalid byte sequence for encoding UTF8: 0x00")
        except _DriverError as error:
            raise RuntimeError("statement failed") from error

    guard = Middleware(RequestGuard, max_body_bytes=1024, max_query_string_bytes=1024)
    guarded = Starlette(routes=[Route("/", storing)], middleware=[guard])

    # when
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://test") as plain:
        response = await plain.get("/")

    # then
    _refused(response)
    assert is_unstorable_text(RuntimeError("other")) is False
