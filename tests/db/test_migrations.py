from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from shopgraph.db.models import Base
from shopgraph.runtime import Runtime


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrations_build_exactly_the_models(runtime: Runtime) -> None:
    async with runtime.database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_sqlite_runs_in_wal_mode(runtime: Runtime) -> None:
    if not runtime.database.is_sqlite:
        return
    async with runtime.database.engine.connect() as connection:
        mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
        timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()

    assert mode == "wal"
    # Statements run on the event loop's thread (db/inline_sqlite.py): none may wait in SQLite's busy handler.
    assert timeout == 0
