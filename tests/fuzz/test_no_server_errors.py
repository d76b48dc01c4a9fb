"""Seeded, bounded fuzzing of the doors: whatever a client sends, the answer is never a 5xx.

Hypothesis runs derandomized (the seed comes from each test's name) with a fixed number of examples, so a run is
repeatable and takes seconds.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.factories import Store
from tests.support.graphql import ADMIN, STOREFRONT, secret

FUZZ = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NUMBERISH = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?\d{0,20}(\.\d{0,20})?([eE][-+]?\d{1,15})?", fullmatch=True),
    st.sampled_from(["NaN", "Infinity", "-inf", "1e999999", "9e99999999999", "0x10", "1_000", " 1 ", "", "-0"]),
)
PARAMETERS = ["page", "limit", "sort", "q", "min_price", "max_price", "in_stock", "category_id", "attr.color"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(query=st.dictionaries(st.sampled_from([*PARAMETERS, "attr[color]", "attr[", "attr[]"]), NUMBERISH, max_size=5))
async def test_product_listing_never_fails_on_its_side(
    client: httpx.AsyncClient, demo: Store, query: dict[str, str]
) -> None:
    encoded = "&".join(f"{quote(key, safe='[]')}={quote(value)}" for key, value in query.items())

    response = await client.get(demo.aerocall(f"/products?{encoded}"), headers=demo.auth)

    assert response.status_code < 500, (encoded, response.text)


@FUZZ
@given(body=JSON_VALUES, admin=st.booleans())
async def test_a_graphql_body_of_any_json_is_never_a_server_error(
    client: httpx.AsyncClient, demo: Store, body: Any, admin: bool
) -> None:
    headers = {**(secret(demo) if admin else demo.auth), "content-type": "application/json"}

    response = await client.post(ADMIN if admin else STOREFRONT, content=json.dumps(body), headers=headers)

    assert response.status_code < 500, (body, response.text)


@FUZZ
@given(
    variables=st.dictionaries(st.sampled_from(["page", "limit", "minPrice", "maxPrice", "search"]), JSON_VALUES),
    operation_name=st.none() | st.text(max_size=5),
)
async def test_storefront_variables_of_any_shape_are_never_a_server_error(
    client: httpx.AsyncClient, demo: Store, variables: dict[str, Any], operation_name: str | None
) -> None:
    query = """
    query Products($page: Int, $limit: Int, $minPrice: Decimal, $maxPrice: Decimal, $search: String) {
      products(page: $page, limit: $limit, minPrice: $minPrice, maxPrice: $maxPrice, search: $search) { total }
    }
    """
    payload = {"query": query, "variables": variables, "operationName": operation_name}

    response = await client.post(STOREFRONT, json=payload, headers=demo.auth)

    assert response.status_code < 500, (payload, response.text)
    errors = response.json().get("errors", [])
    assert not [error for error in errors if error.get("extensions", {}).get("code") == "INTERNAL_ERROR"], errors
