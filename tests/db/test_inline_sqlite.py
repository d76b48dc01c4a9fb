"""SQLite runs on the event loop's thread: a write that finds another process writing waits on the loop, not in it."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from shopgraph.db import engine
from shopgraph.db.faults import is_storage_fault
from shopgraph.runtime import Runtime

HELD_SECONDS = 0.3


@pytest.fixture
def other_process(runtime: Runtime) -> Iterator[sqlite3.Connection]:
    """A connection of its own, as another server process on the same file would have."""
    if not runtime.database.is_sqlite:
        pytest.skip("SQLite's one writer: PostgreSQL's writers do not wait to begin")
    path = make_url(runtime.database.url).database or ""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield connection
    connection.close()


async def _ticks_while(work: asyncio.Future[object]) -> int:
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks


async def _count_projects(runtime: Runtime) -> int:
    async with runtime.database.read() as session:
        return int((await session.execute(text("SELECT count(*) FROM projects"))).scalar_one())


async def test_a_write_waits_for_another_process_on_the_loop(
    runtime: Runtime, other_process: sqlite3.Connection
) -> None:
    # given: another process holds the write lock
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("UPDATE projects SET name = name")
    loop = asyncio.get_running_loop()
    loop.call_later(HELD_SECONDS, other_process.execute, "COMMIT")

    # when: this process writes
    async def write() -> None:
        async with runtime.database.write() as session:
            await session.execute(text("UPDATE projects SET name = name"))

    started = time.monotonic()
    writing = asyncio.ensure_future(write())
    ticks = asyncio.ensure_future(_ticks_while(writing))
    projects = await _count_projects(runtime)
    read_while_writing = not writing.done()
    await writing

    # then: the write waited for the other one, and meanwhile the loop ran and a read did not wait at all
    assert time.monotonic() - started >= HELD_SECONDS
    assert await ticks >= 10
    assert read_while_writing and projects >= 0


async def test_a_write_gives_up_as_the_busy_handler_would(
    runtime: Runtime, other_process: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: another process holds the write lock longer than a write waits
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    other_process.execute("BEGIN IMMEDIATE")

    # when / then
    try:
        with pytest.raises(OperationalError, match="database is locked") as raised:
            async with runtime.database.write() as session:
                await session.execute(text("UPDATE projects SET name = name"))
    finally:
        other_process.execute("ROLLBACK")
    assert is_storage_fault(raised.value)

    # and the process writes again once the lock is free
    async with runtime.database.write() as session:
        await session.execute(text("UPDATE projects SET name = name"))
