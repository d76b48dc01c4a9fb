"""Reads of a project's identity and versions, made on every request and so made as cheaply as possible.

On SQLite the read goes through a plain `sqlite3` connection: an indexed lookup in a local WAL database takes
microseconds, a fraction of a trip through the async driver's thread. On PostgreSQL it is one small query.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shopgraph.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database

_COLUMNS = "p.id, p.slug, p.catalog_version, p.settings_version"
BY_KEY = (
    f"SELECT {_COLUMNS}, k.kind FROM api_keys k JOIN projects p ON p.id = k.project_id "
    "WHERE k.key_hash = :value AND k.revoked_at IS NULL"
)
BY_SLUG = f"SELECT {_COLUMNS}, NULL FROM projects p WHERE p.slug = :value"
BY_DOMAIN = (
    f"SELECT {_COLUMNS}, NULL FROM project_domains d JOIN projects p ON p.id = d.project_id WHERE d.domain = :value"
)


@dataclass(frozen=True)
class ProjectState:
    project_id: str
    slug: str
    catalog_version: int
    settings_version: int
    key_kind: str | None = None


class StateReader(Protocol):
    async def fetch(self, query: str, value: str) -> ProjectState | None: ...

    def close(self) -> None: ...


class SqliteStateReader:
    def __init__(self, database: Database) -> None:
        self._database = database
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

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class SqlStateReader:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def fetch(self, query: str, value: str) -> ProjectState | None:
        async with self._database.engine.connect() as connection:
            row = (await connection.execute(text(query), {"value": value})).first()
        return ProjectState(*row) if row else None

    def close(self) -> None:
        pass


def state_reader_for(database: Database) -> StateReader:
    path = make_url(database.url).database
    if database.is_sqlite and path and path != ":memory:":
        return SqliteStateReader(database)
    return SqlStateReader(database)
