"""Guessing keys or order emails meets its own, stricter limit per address; honest traffic never does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.settings import Settings
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, checkout_body, fill_cart, make_product, make_store
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


ORDER_QUERY = "query Order($id: ID!, $email: String!) { order(id: $id, email: $email) { orderNumber } }"


async def _placed_order(app: Starlette, slug: str, email: str) -> tuple[Store, str]:
    runtime = app.state.runtime
    store = await make_store(runtime, slug)
    product = await make_product(runtime, store, "Mug", price_minor=1200, stock=5)
    async with client_for(app, "198.51.100.1") as buyer:
        await fill_cart(buyer, store, "c", [(product, 1)])
        placed = await buyer.post(
            store.aerostack("/checkout"), json=checkout_body("c", email=email), headers=store.auth
        )
    assert placed.status_code == 201, placed.text
    return store, placed.json()["orderId"]


async def _graphql_order(client: httpx.AsyncClient, store: Store, order_id: str, email: str) -> httpx.Response:
    variables = {"id": order_id, "email": email}
    return await client.post("/graphql", json={"query": ORDER_QUERY, "variables": variables}, headers=store.auth)


async def test_misses_for_one_email_lock_that_email_from_every_address_over_both_doors(braked_app: Starlette) -> None:
    # given: an order of ann's, and three addresses that each guess once (none of them reaches its own limit)
    store, order_id = await _placed_order(braked_app, "emails", "ann@example.com")
    misses = []
    for n, door in enumerate(["rest", "graphql", "rest"]):
        async with client_for(braked_app, f"203.0.113.{40 + n}") as guesser:
            if door == "rest":
                answer = await guesser.get(
                    store.aerocall(f"/orders/ord_unknown{n}"), params={"email": "Ann@Example.com"}, headers=store.auth
                )
                misses.append(answer.status_code)
            else:
                answer = await _graphql_order(guesser, store, f"ord_unknown{n}", "ann@example.com")
                misses.append(404 if answer.json()["data"]["order"] is None else answer.status_code)

    # when: ann's own lookups, from a fourth address, on both doors; bob's from the same address
    async with client_for(braked_app, "203.0.113.50") as ann:
        rest = await ann.get(
            store.aerocall(f"/orders/{order_id}"), params={"email": "ann@example.com"}, headers=store.auth
        )
        graphql = await _graphql_order(ann, store, order_id, "ann@example.com")
        bob = await ann.get(
            store.aerocall(f"/orders/{order_id}"), params={"email": "bob@example.com"}, headers=store.auth
        )
        config = await ann.get(store.aerostack("/config"), headers=store.auth)

    # then
    assert misses == [404, 404, 404]
    assert rest.status_code == 429 and rest.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(rest.headers["retry-after"]) <= 60
    assert graphql.status_code == 429 and graphql.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(graphql.headers["retry-after"]) <= 60
    assert bob.status_code == 404  # another email is not locked
    assert config.status_code == 200  # nor is the address


async def test_graphql_order_misses_count_against_the_address(braked_app: Starlette) -> None:
    # given
    store, order_id = await _placed_order(braked_app, "gql", "ann@example.com")
    async with client_for(braked_app, "203.0.113.60") as guesser:
        # when: three wrong emails through GraphQL
        answers = [await _graphql_order(guesser, store, order_id, f"x{n}@example.com") for n in range(3)]
        after = await guesser.get(store.aerostack("/config"), headers=store.auth)

    # then
    assert [answer.json()["data"]["order"] for answer in answers] == [None] * 3
    assert after.status_code == 429 and "retry-after" in after.headers


async def test_dashboard_sign_in_failures_get_pages_and_do_not_lock_the_api(braked_app: Starlette) -> None:
    # given
    store = await make_store(braked_app.state.runtime, "shop")
    async with client_for(braked_app, "203.0.113.70") as client:
        # when: more failed sign-ins than the API's brake allows (3), then more than the dashboard's own (10)
        failed = [await client.post("/dashboard/login", data={"secret_key": "sk_" + "y" * 40}) for _ in range(10)]
        api = await client.get(store.aerostack("/config"), headers=store.auth)
        limited = await client.post("/dashboard/login", data={"secret_key": store.secret_key})

    # then
    assert {answer.status_code for answer in failed} == {401}
    assert all(answer.headers["content-type"].startswith("text/html") for answer in failed)
    assert api.status_code == 200
    assert limited.status_code == 429 and limited.headers["content-type"].startswith("text/html")
    assert int(limited.headers["retry-after"]) >= 1


async def test_concurrent_misses_for_one_email_all_count(braked_app: Starlette) -> None:
    # given
    store, order_id = await _placed_order(braked_app, "burst", "ann@example.com")
    clients = [client_for(braked_app, f"203.0.113.{80 + n}") for n in range(8)]
    try:
        # when: eight addresses miss at once, over both doors
        answers = await asyncio.gather(
            *(
                client.get(store.aerocall(f"/orders/ord_x{n}"), params={"email": "ann@example.com"}, headers=store.auth)
                if n % 2
                else _graphql_order(client, store, f"ord_x{n}", "ann@example.com")
                for n, client in enumerate(clients)
            )
        )
        after = await _graphql_order(clients[0], store, order_id, "ann@example.com")
    finally:
        for client in clients:
            await client.aclose()

    # then: every answer is a miss or already the lock, never an error, and the email stays locked
    assert {answer.status_code for answer in answers} <= {200, 404, 429}
    assert all(answer.json()["data"]["order"] is None for answer in answers if answer.status_code == 200)
    assert after.status_code == 429
