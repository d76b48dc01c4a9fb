"""A database that cannot write or cannot be reached: 503 with Retry-After, /readyz says so, and both recover."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.settings import Settings
from tests.fakes.server import free_port
from tests.support.factories import make_product, make_store
from tests.support.graphql import STOREFRONT


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's own read-only mode: every write fails with SQLITE_READONLY, as on a read-only file or mount.
    dbapi_connection.execute("PRAGMA query_only=ON")


@pytest.fixture
async def sqlite_app(database_url: str) -> AsyncIterator[Starlette]:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's read-only mode")
    app = create_app(Settings(database_url=database_url, run_worker=False))
    yield app
    await app.state.runtime.close()


async def test_a_read_only_sqlite_database_is_a_503_until_it_writes_again(sqlite_app: Starlette) -> None:
    # given
    runtime = sqlite_app.state.runtime
    store = await make_store(runtime, "ro")
    product = await make_product(runtime, store, "Mug", price_minor=1200, stock=5)
    engine = runtime.database.engine.sync_engine
    add = {"productId": product, "quantity": 1}
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        event.listen(engine, "connect", _read_only)
        await runtime.database.engine.dispose()

        # when
        refused = await client.post(store.aerocall("/cart/c/items"), json=add, headers=store.auth)
        mutation = await client.post(
            STOREFRONT,
            json={"query": f'mutation {{ cartAddItem(cartId: "g", productId: "{product}") {{ __typename }} }}'},
            headers=store.auth,
        )
        not_ready = await client.get("/readyz")
        reads = await client.get(store.aerocall("/products"), headers=store.auth)

        event.remove(engine, "connect", _read_only)
        await runtime.database.engine.dispose()
        accepted = await client.post(store.aerocall("/cart/c/items"), json=add, headers=store.auth)
        ready = await client.get("/readyz")

    # then
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "STORAGE_UNAVAILABLE"
    assert int(refused.headers["retry-after"]) > 0
    assert mutation.status_code == 503, mutation.text
    assert (not_ready.status_code, reads.status_code) == (503, 200)
    assert "retry-after" in not_ready.headers
    assert (accepted.status_code, ready.status_code) == (200, 200), accepted.text


async def test_an_unreachable_postgresql_is_a_503_and_not_ready() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/postgres"
    app = create_app(Settings(database_url=url, run_worker=False))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answer = await client.get("/api/v1/public/projects/demo/ecommerce/config")
            not_ready = await client.get("/readyz")
    finally:
        await app.state.runtime.close()

    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "STORAGE_UNAVAILABLE"
    assert "retry-after" in answer.headers
    assert not_ready.status_code == 503
