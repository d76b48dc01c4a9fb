"""Storage faults: the database cannot be reached or cannot write. The client did nothing wrong; it may retry."""

from __future__ import annotations

import errno

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from shopgraph.db.engine import Database

RETRY_AFTER_SECONDS = 5
# Full disk, read-only file system, no space: the storage is at fault, whichever driver passed it on.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO})


def is_storage_fault(error: BaseException) -> bool:
    """True when `error`, or anything it was raised from, says the database is unreachable, full or read-only."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (OperationalError, InterfaceError)):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, ConnectionError) or (isinstance(seen, OSError) and seen.errno in _STORAGE_ERRNOS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def can_write(database: Database) -> bool:
    """A write the database must accept, rolled back: it fails on a read-only or full database, or none at all."""
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            immediate = await connection.execution_options(sqlite_immediate=True)
            transaction = await immediate.begin()
            await immediate.execute(text("CREATE TABLE shopgraph_ready_probe (x INTEGER)"))
            await transaction.rollback()
            return True
        read_only = await connection.scalar(text("SHOW transaction_read_only"))
        return bool(read_only == "off")
