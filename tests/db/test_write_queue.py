"""Writes in one process queue for SQLite's one writer instead of failing when the write lock is taken."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shopgraph.db import engine
from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, fill_cart, make_product

CARTS = 30


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Waiting to begin a write gives up at once: a write that reached SQLite while another was open would fail
    # with "database is locked".
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 1)


async def test_concurrent_cart_adds_and_checkouts_get_no_server_error(
    short_busy_timeout: None, client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given: carts to check out, and a product to add to fresh carts meanwhile
    product = await make_product(runtime, demo, "Busy", stock=1_000)
    carts = [f"queued-{index}" for index in range(CARTS)]
    for cart_id in carts:
        await fill_cart(client, demo, cart_id, [(product, 1)])

    # when: adds and checkouts at once
    adds = (
        client.post(
            demo.aerocall(f"/cart/fresh-{index}/items"), json={"productId": product, "quantity": 1}, headers=demo.auth
        )
        for index in range(CARTS)
    )
    checkouts = (
        client.post(demo.aerocall("/checkout"), json=checkout_body(cart_id, f"b{index}@example.com"), headers=demo.auth)
        for index, cart_id in enumerate(carts)
    )
    responses = await asyncio.gather(*adds, *checkouts)

    # then
    statuses = [response.status_code for response in responses]
    assert [status for status in statuses if status >= 500] == []
    assert all(status < 300 for status in statuses), statuses
