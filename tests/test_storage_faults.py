"""A database that cannot write or cannot be reached: 503 with Retry-After, /readyz says so, and both recover."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.db.migrate import upgrade_database
from shopgraph.settings import Settings
from tests.fakes.server import free_port
from tests.support.databases import encryption_keys_for
from tests.support.factories import make_product, make_store
from tests.support.graphql import STOREFRONT


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's own read-only mode: every write fails with SQLITE_READONLY, as on a read-only file or mount.
    dbapi_connection.execute("PRAGMA query_only=ON")


@pytest.fixture
async def sqlite_app(database_url: str) -> AsyncIterator[Starlette]:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's read-only mode")
    app = create_app(
        Settings(database_url=database_url, encryption_keys=encryption_keys_for(database_url), run_worker=False)
    )
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
    app = create_app(Settings(database_url=url, encryption_keys=encryption_keys_for(url), run_worker=False))
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


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, Callable[[str], None]]]:
    """A PostgreSQL cluster of this test's own, on its own port, which the test may stop and start."""
    if shutil.which("pg_ctl") is None or shutil.which("initdb") is None:
        pytest.skip("PostgreSQL's server binaries are not installed")
    # Outside pytest's private temporary tree, which the cluster's owner could not enter.
    directory = Path(tempfile.mkdtemp(prefix="shopgraph-cluster-"))
    port = free_port()
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(directory, "postgres")
    data = directory / "data"
    subprocess.run(
        [*as_owner, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"

    def pg_ctl(action: str) -> None:
        extra = ["-o", options, "-l", str(directory / "log")] if action == "start" else ["-m", "fast"]
        subprocess.run([*as_owner, "pg_ctl", action, "-D", str(data), "-w", *extra], check=True, capture_output=True)

    pg_ctl("start")
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    upgrade_database(url)
    try:
        yield url, pg_ctl
    finally:
        subprocess.run([*as_owner, "pg_ctl", "stop", "-D", str(data), "-m", "immediate"], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


async def _until(request: Callable[[], Awaitable[httpx.Response]], status: int, seconds: float = 15) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = await request()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.25)


async def test_a_restarting_postgresql_is_a_503_and_the_service_recovers_by_itself(
    private_postgres: tuple[str, Callable[[str], None]],
) -> None:
    # given
    url, pg_ctl = private_postgres
    app = create_app(Settings(database_url=url, encryption_keys=encryption_keys_for(url), run_worker=False))
    runtime = app.state.runtime
    store = await make_store(runtime, "restart")
    product = await make_product(runtime, store, "Mug", price_minor=1200, stock=5)
    add = {"productId": product, "quantity": 1}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:

            def add_item() -> Awaitable[httpx.Response]:
                return client.post(store.aerocall("/cart/c/items"), json=add, headers=store.auth)

            assert (await add_item()).status_code == 200

            # when
            await asyncio.to_thread(pg_ctl, "stop")
            while_down = await add_item()
            not_ready = await client.get("/readyz")
            await asyncio.to_thread(pg_ctl, "start")
            ready = await _until(lambda: client.get("/readyz"), 200)
            after = await _until(add_item, 200)
    finally:
        await runtime.close()

    # then
    assert while_down.status_code == 503, while_down.text
    assert while_down.json()["code"] == "STORAGE_UNAVAILABLE"
    assert "retry-after" in while_down.headers
    assert not_ready.status_code == 503
    assert (ready.status_code, after.status_code) == (200, 200), after.text
