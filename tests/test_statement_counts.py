"""A page of products costs the same number of SQL statements whatever its size."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from tests.factories import Store, make_products, make_store

PAGE_QUERY = """
query Page($limit: Int!) {
  products(limit: $limit) { total items { id name price { amount } category { name }
    variants { id sku price { amount } stock } } }
}
"""


async def statements_for(runtime: Runtime, request: object) -> int:
    before = runtime.database.statements
    response = await request  # type: ignore[misc]
    assert response.status_code == 200, response.text
    return runtime.database.statements - before


async def store_with(runtime: Runtime, slug: str, products: int) -> Store:
    store = await make_store(runtime, slug)
    await make_products(runtime, store, products, variants_each=3)
    return store


@pytest.mark.parametrize("door", ["rest", "graphql"])
async def test_statement_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient, runtime: Runtime, door: str
) -> None:
    # given
    small = await store_with(runtime, "small", 20)
    large = await store_with(runtime, "large", 100)

    def fetch(store: Store, limit: int) -> object:
        if door == "rest":
            return client.get(store.aerocall("/products"), params={"limit": limit}, headers=store.auth)
        return client.post("/graphql", json={"query": PAGE_QUERY, "variables": {"limit": limit}}, headers=store.auth)

    # when
    cold_small = await statements_for(runtime, fetch(small, 20))
    cold_large = await statements_for(runtime, fetch(large, 100))
    warm_small = await statements_for(runtime, fetch(small, 20))
    warm_large = await statements_for(runtime, fetch(large, 100))

    # then
    assert cold_small == cold_large
    assert warm_small == warm_large
    assert warm_large <= 1
    assert cold_large <= 8
