"""A GraphQL request that is not one well-formed operation is a client error, never a 500 or a masked one."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import Store
from tests.support.graphql import ADMIN, STOREFRONT, secret


def _headers(store: Store, door: str) -> dict[str, str]:
    return {**(secret(store) if door == ADMIN else store.auth), "content-type": "application/json"}


@pytest.mark.parametrize("door", [STOREFRONT, ADMIN])
@pytest.mark.parametrize("body", ["null", "[1,2,3]", '"query"', "42", "true", "[]"])
async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, demo: Store, door: str, body: str
) -> None:
    response = await client.post(door, content=body, headers=_headers(demo, door))

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("door", [STOREFRONT, ADMIN])
@pytest.mark.parametrize("variables", [{"l": "ten"}, {"l": 1.5}, {"l": [1]}, {"l": {"a": 1}}])
async def test_a_variable_of_the_wrong_type_keeps_graphqls_coercion_message(
    client: httpx.AsyncClient, demo: Store, door: str, variables: dict[str, object]
) -> None:
    query = "query Q($l: Int!) { products(limit: $l) { total } }"

    response = await client.post(door, json={"query": query, "variables": variables}, headers=_headers(demo, door))

    body = response.json()
    assert response.status_code in {200, 400}, response.text
    assert "data" not in body or body["data"] is None
    [error] = body["errors"]
    assert error["message"].startswith("Variable '$l' has invalid value: Int cannot represent"), error
    assert error.get("extensions", {}).get("code") != "INTERNAL_ERROR"


@pytest.mark.parametrize("door", [STOREFRONT, ADMIN])
async def test_several_operations_without_an_operation_name_are_refused(
    client: httpx.AsyncClient, demo: Store, door: str
) -> None:
    query = "query A { __typename } query B { __typename }"

    response = await client.post(door, json={"query": query}, headers=_headers(demo, door))

    assert response.status_code in {200, 400}, response.text
    body = response.json()
    assert body.get("data") is None
    [error] = body["errors"]
    assert "operation name" in error["message"].lower()


@pytest.mark.parametrize("door", [STOREFRONT, ADMIN])
async def test_an_operation_name_picks_one_of_several(client: httpx.AsyncClient, demo: Store, door: str) -> None:
    query = "query A { __typename } query B { __typename }"

    response = await client.post(door, json={"query": query, "operationName": "B"}, headers=_headers(demo, door))

    assert response.status_code == 200, response.text
    assert response.json()["data"]["__typename"] in {"Query", "StorefrontQuery", "AdminQuery"}
