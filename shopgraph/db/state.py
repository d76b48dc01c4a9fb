"""Reads of a project's identity and versions, made on every request and so made as cheaply as possible.

On SQLite the read goes through a plain `sqlite3` connection: an indexed lookup in a local WAL database takes
microseconds, a fraction of a trip through the async driver's thread. On PostgreSQL it is one small query, made
only when `held_state.HeldStateReader` does not hold the answer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shopgraph.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from shopgraph.ids import now_ms

KEY_USE_INTERVAL_MS = 60_000
KEY_USE_FLUSH_SECONDS = 5.0
_KEY_USED = (
    "UPDATE api_keys SET last_used_at = :now WHERE id = :id AND (last_used_at IS NULL OR last_used_at <= :since)"
)
_MAX_NOTED_KEYS = 10_000

_COLUMNS = "p.id, p.slug, p.catalog_version, p.settings_version"
_NO_KEY = "NULL, NULL, NULL, NULL, NULL"
# Revoked keys are found too: a revocation with a grace period lies in the future, and the caller compares.
BY_KEY = (
    f"SELECT {_COLUMNS}, k.kind, k.id, k.revoked_at, k.expires_at, k.last_used_at "
    "FROM api_keys k JOIN projects p ON p.id = k.project_id WHERE k.key_hash = :value"
)
BY_SLUG = f"SELECT {_COLUMNS}, {_NO_KEY} FROM projects p WHERE p.slug = :value"
BY_DOMAIN = (
    f"SELECT {_COLUMNS}, {_NO_KEY} FROM project_domains d JOIN projects p ON p.id = d.project_id "
    "WHERE d.domain = :value"
)


@dataclass(frozen=True)
class ProjectState:
    project_id: str
    slug: str
    catalog_version: int
    settings_version: int
    key_kind: str | None = None
    key_id: str | None = None
    key_revoked_at: int | None = None
    key_expires_at: int | None = None
    key_last_used_at: int | None = None


class KeyUse:
    """`last_used_at`, refreshed at most once a minute per key and process: uses are noted in memory and written in
    one background transaction a few seconds later, so no request writes and none waits for a write."""

    def __init__(self, database: Database, delay_seconds: float = KEY_USE_FLUSH_SECONDS) -> None:
        self._database = database
        self._delay = delay_seconds
        self._written: dict[str, int] = {}
        self._due: dict[str, int] = {}
        self._flusher: asyncio.Task[None] | None = None

    def note(self, state: ProjectState) -> None:
        if state.key_id is None:
            return
        now = now_ms()
        last = max(state.key_last_used_at or 0, self._written.get(state.key_id, 0))
        if now - last < KEY_USE_INTERVAL_MS:
            return
        if len(self._written) >= _MAX_NOTED_KEYS:
            self._written.clear()
        self._written[state.key_id] = now
        self._due[state.key_id] = now
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._delay)
        self._flusher = None
        await self._write()

    async def _write(self) -> None:
        due, self._due = self._due, {}
        if not due:
            return
        rows = [{"now": at, "id": key_id, "since": at - KEY_USE_INTERVAL_MS} for key_id, at in due.items()]
        try:
            async with self._database.write() as session:
                await session.execute(text(_KEY_USED), rows)
        except Exception:
            logging.getLogger("shopgraph").warning(
                "could not record when %d keys were last used", len(rows), exc_info=True
            )

    async def settle(self) -> None:
        """Writes what is noted now, instead of a few seconds later (tests, and an orderly stop)."""
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        await self._write()


class StateReader(Protocol):
    key_use: KeyUse

    async def fetch(self, query: str, value: str) -> ProjectState | None: ...

    async def listen(self) -> None:
        """Runs for as long as the app does, keeping what the reader holds current; returns at once if it holds
        nothing."""

    def close(self) -> None: ...


class SqliteStateReader:
    def __init__(self, database: Database) -> None:
        self._database = database
        self.key_use = KeyUse(database)
        self._path = make_url(database.url).database or ""
        self._connection: sqlite3.Connection | None = None
        self._queries: dict[str, str] = {}

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._path,
                timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        return self._connection

    async def fetch(self, query: str, value: str) -> ProjectState | None:
        sql = self._queries.get(query)
        if sql is None:
            sql = self._queries[query] = query.replace(":value", "?")
        self._database.statements += 1
        row = self._connect().execute(sql, (value,)).fetchone()
        return ProjectState(*row) if row else None

    async def listen(self) -> None:
        pass

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class SqlStateReader:
    def __init__(self, database: Database) -> None:
        self._database = database
        self.key_use = KeyUse(database)

    async def fetch(self, query: str, value: str) -> ProjectState | None:
        async with self._database.engine.connect() as connection:
            row = (await connection.execute(text(query), {"value": value})).first()
        return ProjectState(*row) if row else None

    async def listen(self) -> None:
        pass

    def close(self) -> None:
        pass
