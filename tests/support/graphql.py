"""Calling the GraphQL doors in tests: the storefront with the public key, the admin API with the secret key."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.factories import Store

STOREFRONT = "/graphql"
ADMIN = "/admin/graphql"


def data_of(response: httpx.Response) -> dict[str, Any]:
    """The `data` of an answer that must not fail at the GraphQL level."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def execute(
    client: httpx.AsyncClient, store: Store, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    """A storefront operation, answered as it is."""
    return await client.post(STOREFRONT, json={"query": query, "variables": variables or {}}, headers=store.auth)


async def gql(client: httpx.AsyncClient, store: Store, query: str, **variables: Any) -> dict[str, Any]:
    """The `data` of a storefront operation that must not fail at the GraphQL level."""
    return data_of(await execute(client, store, query, variables))


def secret(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {store.secret_key}"}


async def admin(client: httpx.AsyncClient, store: Store, query: str, **variables: Any) -> dict[str, Any]:
    """The `data` of an admin operation that must not fail at the GraphQL level."""
    return data_of(await client.post(ADMIN, json={"query": query, "variables": variables}, headers=secret(store)))


def succeeded(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload
    return payload


def refused(payload: dict[str, Any]) -> dict[str, Any]:
    """The one user error of a refused mutation."""
    assert len(payload["userErrors"]) == 1, payload
    return payload["userErrors"][0]  # type: ignore[no-any-return]
