"""Per-process caches of each project's config and catalog, checked against the versions in the database.

A catalog snapshot behind the current version is brought up to it from the change log (`refresh_snapshot`).
"""

from __future__ import annotations

import asyncio
import gc

from sqlalchemy import select

from shopgraph.db.engine import Database
from shopgraph.db.models import StoreSettings
from shopgraph.db.state import ProjectState
from shopgraph.domain.catalog.snapshot import CatalogSnapshot, advance_snapshot, refresh_snapshot
from shopgraph.domain.stores.config import StoreConfig

# On SQLite a snapshot is advanced on the event loop's thread (`Database.read_here`) when the change log since it
# touches at most this many products (a few milliseconds of reads at most); more go through aiosqlite's thread.
HERE_TOUCHED = 100
# Catalogs of this many products and more are kept out of the cycle collector's full collections.
FROZEN_FROM_PRODUCTS = 10_000


def _keep_out_of_collections(snapshot: CatalogSnapshot) -> None:
    """After a large snapshot is built, every object alive is left out of the cycle collector's full collections
    from now on (`gc.freeze`).

    A full collection walks every tracked object: at 100,000 products that stalls the event loop for about half a
    second, every request waiting on it. Frozen objects are still freed as soon as nothing refers to them (a
    replaced snapshot goes); garbage in reference cycles among them would stay, so the objects frozen at the last
    build are put back and collected first, which costs one such stall per rebuild of a large catalog (a rebuild
    costs seconds anyway), never per request."""
    if len(snapshot.index) < FROZEN_FROM_PRODUCTS:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class StoreCache:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._configs: dict[str, tuple[int, StoreConfig]] = {}
        self._catalogs: dict[str, CatalogSnapshot] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def config(self, state: ProjectState) -> StoreConfig:
        cached = self._configs.get(state.project_id)
        if cached is not None and cached[0] >= state.settings_version:
            return cached[1]
        async with self._database.read() as session:
            row = await session.scalar(select(StoreSettings).where(StoreSettings.project_id == state.project_id))
        config = StoreConfig.from_row(row)
        self._configs[state.project_id] = (state.settings_version, config)
        return config

    async def catalog(self, state: ProjectState) -> CatalogSnapshot:
        snapshot = self._catalogs.get(state.project_id)
        if snapshot is not None and snapshot.version >= state.catalog_version:
            return snapshot
        lock = self._locks.setdefault(state.project_id, asyncio.Lock())
        async with lock:
            snapshot = self._catalogs.get(state.project_id)
            if snapshot is not None and snapshot.version >= state.catalog_version:
                return snapshot
            previous = snapshot
            try:
                advanced = None
                if snapshot is not None and self._database.is_sqlite:
                    with self._database.read_here() as connection:
                        advanced = advance_snapshot(connection.execute, snapshot, state.project_id, HERE_TOUCHED)
                if advanced is not None:
                    snapshot = advanced
                else:
                    async with self._database.read() as session:
                        if not self._database.is_sqlite:
                            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                        snapshot = await refresh_snapshot(session, snapshot, state.project_id)
            except BaseException:
                # A refresh that failed halfway may have left the index half changed: the next read rebuilds it.
                self._catalogs.pop(state.project_id, None)
                raise
            if previous is None or snapshot.index is not previous.index:
                _keep_out_of_collections(snapshot)
            self._catalogs[state.project_id] = snapshot
            return snapshot
