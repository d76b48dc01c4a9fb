"""`shopgraph import`: a file of products loaded into a project, with progress on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from shopgraph.db.engine import Database
from shopgraph.domain.catalog.import_files import read_records
from shopgraph.domain.catalog.imports import ImportSummary, import_products, import_target
from shopgraph.settings import Settings

PROGRESS_WIDTH = 30
PROGRESS_LINE_EVERY = 100


def _progress_reporter(stream: TextIO) -> Callable[[int, int], None]:
    """A bar redrawn in place on a terminal; otherwise a line every PROGRESS_LINE_EVERY records."""

    def redraw(done: int, total: int) -> None:
        filled = PROGRESS_WIDTH * done // total
        bar = "#" * filled + "." * (PROGRESS_WIDTH - filled)
        stream.write(f"\r[{bar}] {done}/{total}" + ("\n" if done == total else ""))
        stream.flush()

    def print_line(done: int, total: int) -> None:
        if done % PROGRESS_LINE_EVERY == 0 or done == total:
            print(f"{done}/{total} records", file=stream, flush=True)

    return redraw if stream.isatty() else print_line


async def import_file(settings: Settings, slug: str, path: Path, dry_run: bool) -> ImportSummary:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        async with database.read() as session:
            target = await import_target(session, slug)
        records = read_records(path, target.currency)
        progress = _progress_reporter(sys.stderr)
        return await import_products(database, target.project_id, records, progress=progress, dry_run=dry_run)
    finally:
        await database.dispose()


def print_import_summary(summary: ImportSummary) -> None:
    written = "dry run, nothing written: " if summary.dry_run else ""
    print(
        f"{written}{summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected"
    )
    for rejection in summary.rejections:
        print(rejection)
