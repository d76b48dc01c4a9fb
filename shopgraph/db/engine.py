"""Engine and sessions: SQLite in WAL mode with `BEGIN IMMEDIATE` for writes; PostgreSQL through asyncpg."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shopgraph.db.encryption import Keyring, install_keyring, keyring_for
from shopgraph.db.inline_sqlite import CONNECT_ARGS, begin_immediate, inline_url

SQLITE_BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine, *, inline: bool = False) -> None:
    """`inline`: the engine runs on the event loop's thread (`db/inline_sqlite.py`), so no statement may wait in
    SQLite's busy handler; a write transaction waits to begin on the loop instead."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is switched off so that "begin" below decides the kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        if inline:
            cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        if immediate and inline:
            if not begin_immediate(connection.connection.dbapi_connection, SQLITE_BUSY_TIMEOUT_MS / 1000):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    # Statement parameters carry provider secrets; no log line or error message may show them.
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        engine = create_async_engine(inline_url(url), connect_args=dict(CONNECT_ARGS), **kwargs)
        _configure_sqlite(engine.sync_engine, inline=True)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", False)
    return create_async_engine(url, **kwargs)


class Database:
    """The engine plus two session factories: reads, and writes that lock the database up front on SQLite.

    `encryption_keys` (`SHOPGRAPH_ENCRYPTION_KEY`) encrypt the secret columns; none given, a SQLite file's key file
    does (`db/encryption.py`), and PostgreSQL is an `EncryptionKeyError`."""

    def __init__(self, url: str, encryption_keys: Sequence[str] = (), **engine_kwargs: Any) -> None:
        self.url = url
        self.keyring: Keyring = keyring_for(url, encryption_keys)
        self.engine = create_engine(url, **engine_kwargs)
        install_keyring(self.engine.dialect, self.keyring)
        self.is_sqlite = is_sqlite(url)
        write_engine = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(write_engine, expire_on_commit=False)
        self.statements = 0
        self._write_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count_statement)
        self._here: Engine | None = None

    def _count_statement(self, *_args: Any) -> None:
        self.statements += 1

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session:
            yield session

    @contextmanager
    def read_here(self) -> Iterator[Connection]:
        """SQLite only: a read transaction run on the calling thread, through the plain `sqlite3` driver.

        For a few indexed reads of a local WAL file, which take microseconds each: through aiosqlite each statement
        is two trips to its thread and back through the event loop, which cost more than the reads."""
        with self.here_engine().connect() as connection, connection.begin():
            yield connection

    def here_engine(self) -> Engine:
        """SQLite only: the engine of `read_here`."""
        if not self.is_sqlite:
            raise RuntimeError("reads on the calling thread are for SQLite only")
        if self._here is None:
            url = make_url(self.url).set(drivername="sqlite+pysqlite")
            here = sqlalchemy.create_engine(
                url,
                hide_parameters=True,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            )
            _configure_sqlite(here)
            install_keyring(here.dialect, self.keyring)
            event.listen(here, "before_cursor_execute", self._count_statement)
            self._here = here
        return self._here

    def _sqlite_write_lock(self) -> asyncio.Lock:
        # SQLite has one writer at a time anyway: the process's writers queue here, without a time limit,
        # instead of in SQLite's busy handler, which gives up after its timeout with "database is locked".
        loop = asyncio.get_running_loop()
        if self._write_lock is None or self._write_lock[0] is not loop:
            self._write_lock = (loop, asyncio.Lock())
        return self._write_lock[1]

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends, rolls back if it raises.

        On SQLite one unit of work at a time per process (units of work never nest)."""
        async with AsyncExitStack() as stack:
            if self.is_sqlite:
                await stack.enter_async_context(self._sqlite_write_lock())
            session = await stack.enter_async_context(self._writer())
            await stack.enter_async_context(session.begin())
            yield session

    async def analyze(self, tables: Sequence[str]) -> None:
        """PostgreSQL's statistics of `tables` brought up to date now, after a bulk write, rather than when autovacuum
        next gets to them: until then it plans queries as if the rows were not there. SQLite: nothing to do."""
        if self.is_sqlite:
            return
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")

    async def dispose(self) -> None:
        if self._here is not None:
            self._here.dispose()
        await self.engine.dispose()
