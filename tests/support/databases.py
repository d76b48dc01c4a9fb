"""The databases the suite runs on: SQLite always, PostgreSQL where it is reachable (and required in CI)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from shopgraph.db.migrate import upgrade_database
from shopgraph.db.models import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "SHOPGRAPH_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
TABLES = [table.name for table in Base.metadata.sorted_tables]
# PostgreSQL needs SHOPGRAPH_ENCRYPTION_KEY; a SQLite file uses the key file made beside it, as in development.
TEST_ENCRYPTION_KEY = "p1rW6Ho2cZ9F0b3D8Ek4X5sQ7yT0aLmNvBuCiJgHfKc="


def encryption_keys_for(database_url: str) -> tuple[str, ...]:
    return () if database_url.startswith("sqlite") else (TEST_ENCRYPTION_KEY,)


def _postgres_reachable() -> bool:
    parts = urlsplit(POSTGRES_ADMIN_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def selected_backends() -> list[str]:
    """`SHOPGRAPH_TEST_DATABASES=sqlite,postgresql` insists on both; unset, PostgreSQL runs when reachable."""
    wanted = os.environ.get("SHOPGRAPH_TEST_DATABASES")
    if wanted:
        backends = [name.strip() for name in wanted.split(",") if name.strip()]
        if "postgresql" in backends and not _postgres_reachable():
            raise RuntimeError(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
        return backends
    if os.environ.get("CI") and not _postgres_reachable():
        raise RuntimeError(f"CI runs every test on PostgreSQL too, but {POSTGRES_ADMIN_URL} is not reachable")
    return ["sqlite", "postgresql"] if _postgres_reachable() else ["sqlite"]


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


class SqliteTemplate:
    """One migrated database file, copied for every test."""

    def __init__(self, directory: Path) -> None:
        self.template = directory / "template.db"
        upgrade_database(f"sqlite+aiosqlite:///{self.template}")

    def fresh(self, directory: Path) -> str:
        target = directory / "shopgraph.db"
        shutil.copyfile(self.template, target)
        return f"sqlite+aiosqlite:///{target}"

    def close(self) -> None:
        pass


class PostgresDatabase:
    """One database created for the run and migrated once; every test starts from emptied tables."""

    def __init__(self) -> None:
        self.name = f"shopgraph_test_{os.getpid()}_{secrets.token_hex(3)}"
        admin = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{admin}/{self.name}"
        asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        upgrade_database(self.url, encryption_keys=(TEST_ENCRYPTION_KEY,))

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def empty(self) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(self.url))
        try:
            await connection.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        finally:
            await connection.close()

    def fresh(self, _directory: Path) -> str:
        return self.url

    def close(self) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
