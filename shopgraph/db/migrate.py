"""Applies the Alembic migrations that ship inside the package."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"

# Any constant: every shopgraph process that migrates a PostgreSQL database takes this advisory lock first.
MIGRATION_LOCK_KEY = 7_350_182_764_001


def take_migration_lock(connection: Connection) -> None:
    """The second migration waits for the first to commit, then finds the database at head and does nothing.

    On PostgreSQL a transaction-level advisory lock, released at commit or rollback. On SQLite the migration's
    transaction begins with `BEGIN IMMEDIATE` (env.py), which has the same effect.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def alembic_config(url: str, encryption_keys: Sequence[str] = ()) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    # The migration that encrypts the stored secrets reads them here (or uses a SQLite database's key file).
    config.attributes["encryption_keys"] = tuple(encryption_keys)
    return config


def upgrade_database(url: str, revision: str = "head", encryption_keys: Sequence[str] = ()) -> None:
    """Brings the database at `url` up to `revision`; safe to call from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(alembic_config(url, encryption_keys), revision)
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            command.upgrade(alembic_config(url, encryption_keys), revision)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
