"""What a catalog snapshot holds per product stays small: a regression to one object (or dict, or row) too many per
product fails here. A 5,000-product snapshot of the benchmark's catalog holds about 2,000 bytes per product and
peaks at about 2,700 while it loads (`bench/snapshot_memory.py`); before the views were slotted and shared their
repeated values, and before rows were turned into views as they streamed in, it held 4,000 and peaked at 4,900.
The bounds sit between the two, with room for other Python versions' object sizes."""

from __future__ import annotations

import gc
import tracemalloc

from bench.catalog import SeededCatalog
from bench.seeding import _insert_catalog
from shopgraph.domain.catalog.snapshot import load_snapshot
from shopgraph.runtime import Runtime
from tests.support.factories import make_store

PRODUCTS = 5000
HELD_PER_PRODUCT = 3500
PEAK_PER_PRODUCT = 4200


async def test_a_snapshot_holds_a_few_kilobytes_per_product_and_loads_without_holding_every_row(
    runtime: Runtime,
) -> None:
    # given
    store = await make_store(runtime, "memory")
    async with runtime.database.engine.begin() as connection:
        await _insert_catalog(connection, store.id, PRODUCTS, SeededCatalog(store.slug, "", "", PRODUCTS))
    async with runtime.database.read() as session:
        await load_snapshot(session, store.id)  # statements prepared, modules imported: not counted below
    gc.collect()

    # when
    tracemalloc.start()
    try:
        async with runtime.database.read() as session:
            snapshot = await load_snapshot(session, store.id)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then
    assert len(snapshot.products_by_id) == PRODUCTS
    assert all(len(product.variants) == 3 for product in snapshot.products_by_id.values())
    assert held / PRODUCTS <= HELD_PER_PRODUCT, f"{held / PRODUCTS:.0f} bytes held per product"
    assert peak / PRODUCTS <= PEAK_PER_PRODUCT, f"{peak / PRODUCTS:.0f} bytes at the peak per product"
