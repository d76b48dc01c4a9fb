from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from shopgraph.db.engine import create_engine
from shopgraph.db.models import Base

config = context.config
target_metadata = Base.metadata
# Any constant: every shopgraph process that migrates a PostgreSQL database takes this advisory lock first.
MIGRATION_LOCK_KEY = 7_350_182_764_001


def _take_migration_lock(connection: Connection) -> None:
    """Two servers started together migrate one after the other: the second waits for the first to commit, then
    finds the database at head and does nothing. On SQLite, `BEGIN IMMEDIATE` (the engine's write transactions) has
    the same effect; on PostgreSQL a transaction-level advisory lock, released at commit or rollback."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        _take_migration_lock(connection)
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        async with engine.connect() as base_connection:
            connection = await base_connection.execution_options(sqlite_immediate=True)
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
