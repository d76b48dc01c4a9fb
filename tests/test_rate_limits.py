"""Too many requests from one client get a 429 with `Retry-After`; the counters can live in Redis for every process."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.settings import Settings
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, make_store

REDIS_URL = "redis://127.0.0.1:6379"


def client_for(app: Starlette, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def limited_app(database_url: str) -> AsyncIterator[Starlette]:
    app = create_app(
        Settings(database_url=database_url, encryption_keys=encryption_keys_for(database_url), rate_limit="5/minute")
    )
    yield app
    await app.state.runtime.close()


async def test_the_request_over_the_limit_is_a_429_with_retry_after(limited_app: Starlette) -> None:
    # given
    store = await make_store(limited_app.state.runtime, "busy")
    async with client_for(limited_app, "203.0.113.7") as client:
        # when
        answers = [await client.get(store.aerostack("/config")) for _ in range(6)]

    # then
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert refused.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_each_client_has_its_own_allowance(limited_app: Starlette) -> None:
    # given
    store = await make_store(limited_app.state.runtime, "shared")
    async with client_for(limited_app, "203.0.113.8") as first, client_for(limited_app, "203.0.113.9") as second:
        for _ in range(5):
            await first.get(store.aerostack("/config"))

        # when
        refused = await first.get(store.aerostack("/config"))
        other = await second.get(store.aerostack("/config"))

    # then
    assert (refused.status_code, other.status_code) == (429, 200)


async def test_provider_webhooks_and_health_checks_are_never_limited(limited_app: Starlette) -> None:
    async with client_for(limited_app, "203.0.113.10") as client:
        health = [await client.get("/healthz") for _ in range(8)]
        webhooks = [await client.post("/api/v1/webhooks/stripe/nope", content=b"{}") for _ in range(8)]

    assert {answer.status_code for answer in health} == {200}
    assert 429 not in {answer.status_code for answer in webhooks}


async def test_no_limit_when_it_is_off(database_url: str, demo: Store) -> None:
    app = create_app(
        Settings(database_url=database_url, encryption_keys=encryption_keys_for(database_url), rate_limit="off")
    )
    try:
        async with client_for(app, "203.0.113.11") as client:
            answers = [await client.get(demo.aerostack("/config")) for _ in range(30)]
    finally:
        await app.state.runtime.close()

    assert {answer.status_code for answer in answers} == {200}


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
async def test_processes_sharing_redis_share_the_allowance(database_url: str) -> None:
    # given: two app processes' worth of state, one Redis
    apps = [
        create_app(
            Settings(
                database_url=database_url,
                encryption_keys=encryption_keys_for(database_url),
                rate_limit="3/minute",
                redis_url=REDIS_URL,
            )
        )
        for _ in range(2)
    ]
    address = f"198.51.100.{secrets.randbelow(250) + 1}-{secrets.token_hex(4)}"
    try:
        store = await make_store(apps[0].state.runtime, "redis-shared")
        async with client_for(apps[0], address) as first, client_for(apps[1], address) as second:
            # when
            answers = [await client.get(store.aerostack("/config")) for client in (first, second, first, second)]
    finally:
        for app in apps:
            await app.state.runtime.close()

    # then
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
