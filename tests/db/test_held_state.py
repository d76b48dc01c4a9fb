"""Project states held in memory on PostgreSQL: no round trip while held, forgotten when anything they are read from
changes, whoever changed it, and never held past a second or while nobody listens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from sqlalchemy import text, update

from shopgraph.db import notify
from shopgraph.db.held_state import HeldStateReader
from shopgraph.db.models import Project
from shopgraph.db.state import BY_KEY, BY_SLUG, ProjectState
from shopgraph.db.state_changes import STATE_CHANNEL, writes_state_table
from shopgraph.domain.stores.keys import create_key, hash_key, revoke_key
from shopgraph.runtime import Runtime
from tests.support.factories import make_product, make_store

PRODUCTS = "/api/v1/ecommerce/products"


def postgresql_only(runtime: Runtime) -> None:
    if runtime.database.is_sqlite:
        pytest.skip("states are held on PostgreSQL only: on SQLite each read takes microseconds")


@asynccontextmanager
async def listening(reader: HeldStateReader) -> AsyncIterator[HeldStateReader]:
    task = asyncio.create_task(reader.listen())
    try:
        await asyncio.wait_for(reader.listening.wait(), 10)
        yield reader
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        reader.close()


async def statements_of(runtime: Runtime, read: Callable[[], Awaitable[object]]) -> int:
    before = runtime.database.statements
    await read()
    return runtime.database.statements - before


async def shown_within(seconds: float, fetch: Callable[[], Awaitable[ProjectState | None]], version: int) -> float:
    started = time.monotonic()
    while True:
        state = await fetch()
        if state is not None and state.settings_version == version:
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, state
        await asyncio.sleep(0.01)


async def outside_write(database_url: str, statement: str, *, triggers: bool = True) -> None:
    """A write by a connection of its own, as another process makes it; `triggers=False` sends no notice."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if not triggers:
            await connection.execute("SET session_replication_role = replica")
        await connection.execute(statement)
    finally:
        await connection.close()


async def test_a_held_state_costs_no_statement_and_this_process_sees_its_own_change_at_once(runtime: Runtime) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "held")
    async with listening(HeldStateReader(runtime.database, held_seconds=60)) as reader:
        # given
        first = await reader.fetch(BY_KEY, hash_key(store.public_key))
        assert first is not None and first.key_revoked_at is None
        assert await statements_of(runtime, lambda: reader.fetch(BY_KEY, hash_key(store.public_key))) == 0

        # when
        async with runtime.database.write() as session:
            await revoke_key(session, store.id, first.key_id or "")

        # then: the very next read, with no wait
        again = await reader.fetch(BY_KEY, hash_key(store.public_key))
        assert again is not None and again.key_revoked_at is not None


async def test_a_change_another_process_makes_is_seen_through_its_notice(runtime: Runtime, database_url: str) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "elsewhere")
    async with listening(HeldStateReader(runtime.database, held_seconds=60)) as reader:
        before = await reader.fetch(BY_SLUG, store.slug)
        assert before is not None

        await outside_write(database_url, f"UPDATE projects SET settings_version = 41 WHERE id = '{store.id}'")

        # then: long before the 60 s a state may be held
        assert await shown_within(1.0, lambda: reader.fetch(BY_SLUG, store.slug), 41) < 1.0


async def test_a_change_whose_notice_is_lost_is_seen_once_the_state_has_been_held_its_time(
    runtime: Runtime, database_url: str
) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "quiet")
    # Long enough that the outside write's own connection cannot use up the time on a loaded machine.
    async with listening(HeldStateReader(runtime.database, held_seconds=2.0)) as reader:
        before = await reader.fetch(BY_SLUG, store.slug)
        assert before is not None

        # when: a change with the triggers off, so no notice is sent
        await outside_write(
            database_url, f"UPDATE projects SET settings_version = 7 WHERE id = '{store.id}'", triggers=False
        )

        # then: held until its time is up, read again after
        still = await reader.fetch(BY_SLUG, store.slug)
        assert still is not None and still.settings_version == before.settings_version
        await shown_within(2.5, lambda: reader.fetch(BY_SLUG, store.slug), 7)


async def test_nothing_is_held_while_nobody_listens(runtime: Runtime) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "unheard")
    reader = HeldStateReader(runtime.database, held_seconds=60)
    try:
        for _ in range(3):
            assert await statements_of(runtime, lambda: reader.fetch(BY_SLUG, store.slug)) == 1
    finally:
        reader.close()


async def test_a_read_a_change_overtook_is_not_held(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "overtaken")
    async with listening(HeldStateReader(runtime.database, held_seconds=60)) as reader:
        inner = reader._reader
        original = inner.fetch

        async def read_then_change(query: str, value: str) -> ProjectState | None:
            state = await original(query, value)
            reader.forget()  # a commit landing after the read, before its answer is held
            return state

        monkeypatch.setattr(inner, "fetch", read_then_change)
        await reader.fetch(BY_SLUG, store.slug)
        monkeypatch.setattr(inner, "fetch", original)

        assert await statements_of(runtime, lambda: reader.fetch(BY_SLUG, store.slug)) == 1
        assert await statements_of(runtime, lambda: reader.fetch(BY_SLUG, store.slug)) == 0


async def test_a_served_catalog_page_costs_no_statement_once_its_state_is_held(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    postgresql_only(runtime)
    store = await make_store(runtime, "served")
    await make_product(runtime, store, "Mug")
    auth = {"Authorization": f"Bearer {store.public_key}"}
    assert isinstance(runtime.state, HeldStateReader)
    async with listening(runtime.state):

        async def page() -> httpx.Response:
            response = await client.get(PRODUCTS, headers=auth)
            assert response.status_code == 200, response.text
            return response

        await page()
        assert [await statements_of(runtime, page) for _ in range(5)] == [0] * 5

        # when: a product edit in this process
        await make_product(runtime, store, "Bowl")

        # then: the next page has it
        assert {product["name"] for product in (await page()).json()["products"]} == {"Mug", "Bowl"}


@pytest.mark.parametrize(
    ("sql", "changes_state"),
    [
        ("UPDATE projects SET catalog_version = catalog_version + 1", True),
        ("INSERT INTO api_keys (id) VALUES (1)", True),
        ('delete from "project_domains" where 1', True),
        ("TRUNCATE TABLE projects", True),
        ("UPDATE api_keys_archive SET x = 1", False),
        ("SELECT * FROM projects", False),
        ("UPDATE products SET project_id = 1", False),
    ],
)
def test_sql_that_writes_a_state_table_is_told_apart(sql: str, changes_state: bool) -> None:
    assert writes_state_table(sql) is changes_state


@asynccontextmanager
async def announcements() -> AsyncIterator[list[str]]:
    heard: list[str] = []
    unsubscribe = notify.subscribe(STATE_CHANNEL, heard.append)
    try:
        yield heard
    finally:
        unsubscribe()


async def test_every_way_of_writing_a_state_table_announces_on_commit_only(runtime: Runtime) -> None:
    store = await make_store(runtime, "announced")
    writes: list[Callable[..., Awaitable[object]]] = [
        lambda session: session.execute(
            update(Project).where(Project.id == store.id).values(settings_version=Project.settings_version + 1)
        ),
        lambda session: session.execute(
            text("UPDATE projects SET settings_version = settings_version + 1 WHERE id = :id"), {"id": store.id}
        ),
        lambda session: create_key(session, store.id, "public", "more", None),
    ]
    for write in writes:
        async with announcements() as heard:
            async with runtime.database.write() as session:
                await write(session)
                assert heard == []
            assert heard == [""]

        async with announcements() as heard:
            with pytest.raises(RuntimeError):
                async with runtime.database.write() as session:
                    await write(session)
                    raise RuntimeError("rolled back")
            assert heard == []

    async with announcements() as heard:
        await make_product(runtime, store, "Plate")
    assert heard == [""]  # the catalog's version is kept on projects

    async with announcements() as heard, runtime.database.write() as session:
        await session.execute(text("UPDATE products SET name = name WHERE project_id = :id"), {"id": store.id})
    assert heard == []


async def test_the_triggers_exist_on_postgresql(runtime: Runtime) -> None:
    postgresql_only(runtime)
    async with runtime.database.read() as session:
        names = set(
            (await session.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%_state_changed'"))).scalars()
        )
    assert names == {"projects_state_changed", "api_keys_state_changed", "project_domains_state_changed"}
