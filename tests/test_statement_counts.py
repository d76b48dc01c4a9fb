"""A page of products costs the same number of SQL statements whatever its size."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product, make_products, make_store

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


async def add_lines(client: httpx.AsyncClient, store: Store, cart_id: str, product_ids: list[str]) -> None:
    for product_id in product_ids:
        response = await client.post(
            store.aerocall(f"/cart/{cart_id}/items"), json={"productId": product_id, "quantity": 1}, headers=store.auth
        )
        assert response.status_code == 200, response.text


async def test_cart_reads_and_writes_cost_the_same_whatever_the_number_of_lines(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # given
    store = await make_store(runtime, "carts")
    products = [await make_product(runtime, store, f"Thing {index}", stock=100) for index in range(21)]
    await add_lines(client, store, "small", products[:2])
    await add_lines(client, store, "large", products[:20])
    await client.get(store.aerocall("/cart/small"), headers=store.auth)

    def read(cart_id: str) -> object:
        return client.get(store.aerocall(f"/cart/{cart_id}"), headers=store.auth)

    def write(cart_id: str) -> object:
        return client.post(
            store.aerocall(f"/cart/{cart_id}/items"),
            json={"productId": products[20], "quantity": 1},
            headers=store.auth,
        )

    # when
    read_small = await statements_for(runtime, read("small"))
    read_large = await statements_for(runtime, read("large"))
    write_small = await statements_for(runtime, write("small"))
    write_large = await statements_for(runtime, write("large"))

    # then
    assert read_small == read_large
    assert write_small == write_large
