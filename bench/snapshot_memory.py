"""What one catalog snapshot costs in memory: seeds N products of 3 variants each into a temporary SQLite
database, loads the snapshot in this process, and reports the bytes it holds (tracemalloc) and the growth of the
resident set, in all and per product. The resident set grows by the snapshot and by what loading it left
behind (freed memory the allocator keeps); tracemalloc counts the Python objects a second snapshot holds, and the
peak while it is built.

    .venv/bin/python -m bench.snapshot_memory 20000 100000

Memory figures stay valid on a loaded machine; the seconds printed beside them do not.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bench.catalog import SeededCatalog
from bench.seeding import _seed, create_project
from shopgraph.db.models import Project
from shopgraph.domain.catalog.snapshot import CatalogSnapshot, load_snapshot

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


async def _load(database_url: str, slug: str) -> tuple[CatalogSnapshot, dict[str, Any]]:
    engine = create_async_engine(database_url)
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            project_id = await session.scalar(select(Project.id).where(Project.slug == slug))
            assert project_id is not None
        # The resident set first, untraced (tracemalloc's own bookkeeping would count); then a second snapshot
        # of the same catalog under tracemalloc, while the first is still held, as during a rebuild.
        gc.collect()
        rss_before = resident_bytes()
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            snapshot = await load_snapshot(session, project_id)
        seconds = time.perf_counter() - started
        gc.collect()
        rss_delta = resident_bytes() - rss_before
        tracemalloc.start()
        async with sessions() as session, session.begin():
            traced = await load_snapshot(session, project_id)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del traced
        return snapshot, {
            "held_bytes": held,
            "peak_bytes": peak,
            "rss_delta_bytes": rss_delta,
            "seconds": round(seconds, 2),
        }
    finally:
        await engine.dispose()


def measure(count: int) -> dict[str, Any]:
    """Seeds a fresh store of `count` products and measures loading its snapshot."""
    with tempfile.TemporaryDirectory(prefix="snapshot-memory-") as workdir:
        database_url = f"sqlite+aiosqlite:///{Path(workdir) / 'store.db'}"
        keys = create_project(database_url, "memory")
        catalog = SeededCatalog("memory", keys["public_key"], keys["secret_key"], count)
        asyncio.run(_seed(database_url, "memory", count, catalog))
        del catalog
        gc.collect()
        snapshot, figures = asyncio.run(_load(database_url, "memory"))
        assert len(snapshot.products_by_id) == count
    per = {f"{name}_per_product": round(value / count) for name, value in figures.items() if name.endswith("bytes")}
    return {"products": count, **figures, **per}


def _mb(value: int) -> str:
    return f"{value / 1e6:7.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("products", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--json", action="store_true", help="print one JSON object per size")
    args = parser.parse_args()
    for count in args.products:
        if count < 1:
            parser.error("a catalog size is at least 1")
        result = measure(count)
        if args.json:
            print(json.dumps(result))
            continue
        print(
            f"{count:>7} products: held {_mb(result['held_bytes'])} ({result['held_bytes_per_product']} B/product),"
            f" peak {_mb(result['peak_bytes'])} ({result['peak_bytes_per_product']} B/product),"
            f" RSS +{_mb(result['rss_delta_bytes'])} ({result['rss_delta_bytes_per_product']} B/product),"
            f" {result['seconds']} s"
        )


if __name__ == "__main__":
    main()
