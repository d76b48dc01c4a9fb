"""A consistent copy of a SQLite database while the server writes to it, through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from shopgraph.db.engine import SQLITE_BUSY_TIMEOUT_MS, is_sqlite

PG_DUMP_HINT = (
    "shopgraph backup copies SQLite databases; for PostgreSQL use pg_dump, which takes a consistent snapshot while "
    "the server runs: pg_dump --format=custom --file=shop.dump '<database URL without +asyncpg>'"
)


class BackupRefused(Exception):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int


def backup_sqlite(url: str, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copies the database in one step of the backup API: one read transaction, so one state, even in WAL mode with
    writers going on. The copy is written beside the target and renamed into place once it checks out."""
    if not is_sqlite(url):
        raise BackupRefused(PG_DUMP_HINT)
    source_path = make_url(url).database or ""
    if not source_path or source_path == ":memory:" or not Path(source_path).is_file():
        raise BackupRefused(f"there is no SQLite database at {source_path or url}")
    target = target.expanduser()
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder; give the file to write, such as {target / 'shop-backup.db'}")
    if target.exists() and not overwrite:
        raise BackupRefused(f"{target} exists; give another path, or --overwrite")
    if not target.parent.is_dir():
        raise BackupRefused(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupRefused(f"the backup failed: {error}") from None
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupRefused(f"the copy did not pass SQLite's integrity check: {verdict}")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size)
