"""Guessing keys or order emails meets its own, stricter limit per address; honest traffic never does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.settings import Settings
from tests.support.databases import encryption_keys_for
from tests.support.factories import checkout_body, fill_cart, make_product, make_store
from tests.test_rate_limits import client_for

WRONG_KEY = {"Authorization": "Bearer pk_test_not_a_key_of_anyone"}


@pytest.fixture
async def braked_app(database_url: str) -> AsyncIterator[Starlette]:
    app = create_app(
        Settings(
            database_url=database_url,
            encryption_keys=encryption_keys_for(database_url),
            rate_limit="off",
            failed_lookup_limit="3/minute",
        )
    )
    yield app
    await app.state.runtime.close()


async def test_failed_key_checks_lock_the_address_out_but_not_others(braked_app: Starlette) -> None:
    # given
    store = await make_store(braked_app.state.runtime, "guarded")
    async with client_for(braked_app, "203.0.113.20") as guesser, client_for(braked_app, "203.0.113.21") as shopper:
        # when
        guesses = [await guesser.get(store.aerostack("/config"), headers=WRONG_KEY) for _ in range(3)]
        graphql = await guesser.post("/graphql", json={"query": "{ __typename }"}, headers=WRONG_KEY)
        with_the_key = await guesser.get(store.aerostack("/config"), headers=store.auth)
        elsewhere = await shopper.get(store.aerostack("/config"), headers=store.auth)

    # then
    assert [guess.status_code for guess in guesses] == [401] * 3
    assert (graphql.status_code, with_the_key.status_code, elsewhere.status_code) == (429, 429, 200)
    assert graphql.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(graphql.headers["retry-after"]) <= 60


async def test_wrong_order_emails_lock_the_address_out(braked_app: Starlette) -> None:
    # given
    runtime = braked_app.state.runtime
    store = await make_store(runtime, "orders")
    product = await make_product(runtime, store, "Mug", price_minor=1200, stock=5)
    async with client_for(braked_app, "203.0.113.22") as guesser:
        await fill_cart(guesser, store, "c", [(product, 1)])
        placed = await guesser.post(store.aerostack("/checkout"), json=checkout_body("c"), headers=store.auth)
        order_url = store.aerocall(f"/orders/{placed.json()['orderId']}")

        # when
        wrong = [
            await guesser.get(order_url, params={"email": f"x{n}@example.com"}, headers=store.auth) for n in range(3)
        ]
        right_but_locked = await guesser.get(order_url, params={"email": "ann@example.com"}, headers=store.auth)

    # then
    assert [answer.status_code for answer in wrong] == [404] * 3
    assert right_but_locked.status_code == 429
    assert "retry-after" in right_but_locked.headers


async def test_successful_requests_are_not_counted(braked_app: Starlette) -> None:
    store = await make_store(braked_app.state.runtime, "honest")
    async with client_for(braked_app, "203.0.113.23") as client:
        answers = [await client.get(store.aerostack("/config"), headers=store.auth) for _ in range(10)]

    assert {answer.status_code for answer in answers} == {200}
