"""SQLite for the async engine without a thread: the standard library's driver run on the event loop's thread.

Through aiosqlite every statement and every fetch is a trip to its thread and back through the event loop. A
statement against a local WAL file takes microseconds, the trips far longer: twice a thread switch under the GIL,
and a wait in the loop's queue behind whatever requests are ready. A checkout's fifteen statements each paid that,
inside the write lock. This dialect is `pysqlite` declared async, so SQLAlchemy's async engine and sessions run it
as they run aiosqlite, only the driver's calls return at once instead of awaiting a thread.

What could block the loop is waiting for a lock, which a statement on this thread must never do. In WAL mode readers
never wait and a writer waits only to begin: the connections have no busy timeout, and `BEGIN IMMEDIATE` that finds
another process writing is tried again, the wait spent in `asyncio.sleep` (see `begin_immediate`)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Generator
from typing import Any, Self

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only

DRIVER = "shopgraph_inline"

# Waits between attempts to begin a write transaction while another process writes: short at first (most
# transactions take a millisecond or two), then at most this long.
RETRY_FIRST_SECONDS = 0.0005
RETRY_LONGEST_SECONDS = 0.05


class _Ready(Awaitable[None]):
    """An awaitable that is done already: awaiting it passes through the greenlet bridge and never the loop."""

    def __await__(self) -> Generator[None, None, None]:
        yield from ()


READY = _Ready()


class InlineCursor(sqlite3.Cursor):
    """The standard cursor, with what SQLAlchemy's async layer asks of an async driver's.

    `AsyncConnection.execute` insists that a statement awaited something (it refuses a sync driver that way), so
    each statement awaits `READY`: two greenlet switches, no trip through the loop."""

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        await_only(READY)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Self:
        await_only(READY)
        return super().executemany(sql, seq_of_parameters)

    async def _async_soft_close(self) -> None:
        """What SQLAlchemy's async results await of an async driver's cursor when they are done with it."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")


def is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and error.sqlite_errorcode in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


def begin_immediate(dbapi_connection: sqlite3.Connection, timeout_seconds: float) -> bool:
    """`BEGIN IMMEDIATE`, waiting on the event loop (not on its thread) while another process holds the write lock.

    Runs inside SQLAlchemy's greenlet, so `await_only` hands the loop back between attempts. False when it did not
    begin: another error, or still locked after `timeout_seconds`, the caller's statement then raises it as
    SQLAlchemy reports driver errors."""
    deadline = time.monotonic() + timeout_seconds
    wait = RETRY_FIRST_SECONDS
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() >= deadline:
                return False
        await_only(asyncio.sleep(wait))
        wait = min(wait * 2, RETRY_LONGEST_SECONDS)


def inline_url(url: str | URL) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername=f"sqlite+{DRIVER}")


CONNECT_ARGS = {"check_same_thread": False, "factory": InlineConnection}
