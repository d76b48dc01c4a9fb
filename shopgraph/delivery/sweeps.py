"""Periodic sweeps: online-payment orders left unpaid past their time are cancelled, carts left alone are removed,
the catalog change log is trimmed."""

from __future__ import annotations

from shopgraph.db.engine import Database
from shopgraph.domain.carts.changes import purge_stale_carts
from shopgraph.domain.catalog.snapshot import trim_catalog_changes
from shopgraph.domain.orders.transitions import expire_unpaid_orders
from shopgraph.ids import now_ms
from shopgraph.settings import Settings

DAY_MS = 24 * 60 * 60 * 1000
# A process whose catalog is older than this rebuilds it whole instead of reading the changes since.
CATALOG_CHANGES_KEPT_MS = 10 * 60 * 1000


async def expire_orders(database: Database) -> int:
    async with database.write() as session:
        return await expire_unpaid_orders(session, now=now_ms())


async def purge_carts(database: Database, settings: Settings) -> int:
    async with database.write() as session:
        return await purge_stale_carts(session, older_than_ms=now_ms() - settings.cart_ttl_days * DAY_MS)


async def trim_catalog_log(database: Database) -> int:
    async with database.write() as session:
        return await trim_catalog_changes(session, older_than_ms=now_ms() - CATALOG_CHANGES_KEPT_MS)
