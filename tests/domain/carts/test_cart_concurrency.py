"""Concurrent writes to one cart lose nothing, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product

CONCURRENT_ADDS = 50


async def test_fifty_concurrent_adds_of_one_item_make_a_quantity_of_fifty(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    product = await make_product(runtime, demo, "Popular", stock=500)
    url = demo.aerocall("/cart/busy-cart")

    # when
    responses = await asyncio.gather(
        *(
            client.post(f"{url}/items", json={"productId": product, "quantity": 1}, headers=demo.auth)
            for _ in range(CONCURRENT_ADDS)
        )
    )

    # then
    assert [response.status_code for response in responses] == [200] * CONCURRENT_ADDS
    cart = (await client.get(url, headers=demo.auth)).json()
    assert [line["quantity"] for line in cart["items"]] == [CONCURRENT_ADDS]


async def test_concurrent_adds_never_put_more_than_the_stock_in_one_line(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    product = await make_product(runtime, demo, "Scarce", stock=10)
    url = demo.aerocall("/cart/scarce-cart")

    # when
    responses = await asyncio.gather(
        *(client.post(f"{url}/items", json={"productId": product, "quantity": 1}, headers=demo.auth) for _ in range(25))
    )

    # then
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 10 + [409] * 15
    cart = (await client.get(url, headers=demo.auth)).json()
    assert cart["item_count"] == 10
