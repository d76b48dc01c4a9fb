"""A catalog write costs the read path what it changed: the next read reloads only the products the write touched."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select, update
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.db.models import CatalogChange, ProductStatus
from shopgraph.db.state import BY_SLUG
from shopgraph.delivery.sweeps import CATALOG_CHANGES_KEPT_MS
from shopgraph.delivery.worker import Worker
from shopgraph.domain import cache as cache_module
from shopgraph.domain.catalog import snapshot as snapshot_module
from shopgraph.domain.catalog.admin_products import set_inventory, update_product
from shopgraph.domain.catalog.snapshot import load_snapshot
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.factories import Store, checkout_body, fill_cart, make_category, make_products, product_ids


@dataclass
class Reads:
    statements: list[str] = field(default_factory=list)
    through_aiosqlite: int = 0
    products: int = 0
    variants: int = 0


@contextmanager
def catalog_reads(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """The SQL statements run, and the product and variant rows turned into the snapshot, inside the block."""
    reads = Reads()
    products_of, variants_of = snapshot_module._product_views, snapshot_module._variant_views

    def counted_products(currency: str, product_rows: Any, shared: Any) -> Any:
        product_rows = list(product_rows)
        reads.products += len(product_rows)
        return products_of(currency, product_rows, shared)

    def counted_variants(variant_rows: Any, shared: Any, into: Any) -> None:
        variant_rows = list(variant_rows)
        reads.variants += len(variant_rows)
        variants_of(variant_rows, shared, into)

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        reads.statements.append(" ".join(statement.split()))

    def note_aiosqlite(*_args: Any) -> None:
        reads.through_aiosqlite += 1

    engines = [runtime.database.engine.sync_engine]
    if runtime.database.is_sqlite:
        engines.append(runtime.database.here_engine())
    monkeypatch.setattr(snapshot_module, "_product_views", counted_products)
    monkeypatch.setattr(snapshot_module, "_variant_views", counted_variants)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    event.listen(engines[0], "before_cursor_execute", note_aiosqlite)
    try:
        yield reads
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)
        event.remove(engines[0], "before_cursor_execute", note_aiosqlite)
        monkeypatch.setattr(snapshot_module, "_product_views", products_of)
        monkeypatch.setattr(snapshot_module, "_variant_views", variants_of)


def product_loads(reads: Reads) -> list[str]:
    return [s for s in reads.statements if s.startswith("SELECT products.id, products.slug")]


async def page(client: httpx.AsyncClient, store: Store, **params: Any) -> dict[str, Any]:
    response = await client.get(store.aerocall("/products"), params={"limit": 100, **params}, headers=store.auth)
    assert response.status_code == 200, response.text
    return {product["slug"]: product for product in response.json()["products"]}


async def test_after_an_order_the_next_read_loads_only_the_ordered_product(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    await make_products(runtime, demo, 40)
    catalog = await product_ids(client, demo)
    mug = catalog["ceramic-mug"]
    await fill_cart(client, demo, "c1", [(mug["id"], 3)])
    ordered = await client.post(demo.aerocall("/checkout"), json=checkout_body("c1"), headers=demo.auth)
    assert ordered.status_code == 201, ordered.text

    # when
    with catalog_reads(runtime, monkeypatch) as reads:
        after = await page(client, demo)

    # then
    assert after["ceramic-mug"]["stock"] == mug["stock"] - 3
    assert (reads.products, reads.variants) == (1, 0)
    loads = product_loads(reads)
    assert len(loads) == 1 and "products.id IN" in loads[0]
    assert all("FROM categories" not in statement for statement in reads.statements)
    assert len(reads.statements) <= 5
    if runtime.database.is_sqlite:
        # read on the event loop's thread: no statement makes the trip to aiosqlite's thread and back
        assert reads.through_aiosqlite == 0


@pytest.mark.parametrize("most_on_the_loop", [cache_module.HERE_TOUCHED, 0], ids=["on-the-loop", "through-the-driver"])
async def test_a_stock_change_reloads_the_product_with_its_variants_only(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch, most_on_the_loop: int
) -> None:
    # given: SQLite applies a change of at most HERE_TOUCHED products on the event loop's thread
    monkeypatch.setattr(cache_module, "HERE_TOUCHED", most_on_the_loop)
    backpack = (await product_ids(client, demo))["leather-backpack"]
    brown = next(variant for variant in backpack["variants"] if variant["name"] == "Brown")
    async with runtime.database.write() as session:
        await set_inventory(session, demo.id, variant_id=brown["id"], stock=0)

    # when
    with catalog_reads(runtime, monkeypatch) as reads:
        after = (await page(client, demo))["leather-backpack"]

    # then
    assert [(variant["name"], variant["stock"]) for variant in after["variants"]] == [("Brown", 0), ("Black", 4)]
    assert after["stock"] == 4 and after["in_stock"] is True
    assert (reads.products, reads.variants) == (1, 2)
    if runtime.database.is_sqlite:
        # through the driver, all but the two statements that found the change too large for the loop (BEGIN, version)
        assert reads.through_aiosqlite == (0 if most_on_the_loop else len(reads.statements) - 2)


async def test_sold_out_price_edited_and_withdrawn_products_show_on_the_next_read(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    catalog = await product_ids(client, demo)
    assert "linen-pillow" in (await page(client, demo, in_stock="true"))

    # when
    async with runtime.database.write() as session:
        await set_inventory(session, demo.id, product_id=catalog["linen-pillow"]["id"], stock=0)
        await update_product(session, demo.id, catalog["ceramic-mug"]["id"], {"price": "9.99"})
        await update_product(session, demo.id, catalog["scented-candle"]["id"], {"status": ProductStatus.ARCHIVED})

    # then
    after = await page(client, demo)
    assert after["linen-pillow"]["in_stock"] is False and after["linen-pillow"]["stock"] == 0
    assert "linen-pillow" not in await page(client, demo, in_stock="true")
    assert after["ceramic-mug"]["price"] == 9.99
    assert "scented-candle" not in after
    gone = await client.get(demo.aerocall("/products/scented-candle"), headers=demo.auth)
    assert gone.status_code == 404
    cheap = await page(client, demo, sort="price_asc", max_price="10")
    assert "ceramic-mug" in cheap


async def test_a_change_to_the_category_tree_rebuilds_the_snapshot(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    before = await page(client, demo)

    # when
    await make_category(runtime, demo, "Garden")
    with catalog_reads(runtime, monkeypatch) as reads:
        after = await page(client, demo)
    categories = (await client.get(demo.aerocall("/categories"), headers=demo.auth)).json()["categories"]

    # then
    assert after == before
    assert "Garden" in [category["name"] for category in categories]
    assert reads.products == len(before)
    assert any("FROM categories" in statement for statement in reads.statements)


async def test_a_log_trimmed_past_the_snapshot_falls_back_to_a_rebuild(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    catalog = await page(client, demo)
    async with runtime.database.write() as session:
        await set_inventory(session, demo.id, product_id=catalog["linen-pillow"]["id"], stock=7)
        await session.execute(update(CatalogChange).values(created_at=now_ms() - CATALOG_CHANGES_KEPT_MS - 1))

    # when
    done = await Worker(settings, runtime.database).run_once()
    with catalog_reads(runtime, monkeypatch) as reads:
        after = await page(client, demo)

    # then
    assert done["catalog changes trimmed"] >= 1
    async with runtime.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(CatalogChange)) == 0
    assert after["linen-pillow"]["stock"] == 7
    assert reads.products == len(catalog)


async def test_changes_applied_one_by_one_give_the_snapshot_a_rebuild_gives(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    await make_products(runtime, demo, 30, variants_each=2)
    catalog = await product_ids(client, demo)
    ids = [product["id"] for product in catalog.values()]

    # when
    for round, product_id in enumerate(ids[:12]):
        async with runtime.database.write() as session:
            if round % 4 == 0:
                await update_product(session, demo.id, product_id, {"price": f"{round + 1}.5", "name": f"Z {round}"})
            elif round % 4 == 1:
                await update_product(session, demo.id, product_id, {"status": ProductStatus.DRAFT})
            elif round % 4 == 2:
                await update_product(session, demo.id, product_id, {"attributes": {"color": "green"}})
            else:
                await update_product(session, demo.id, product_id, {"description": "now with handles"})
        await page(client, demo)
    async with runtime.database.write() as session:
        await update_product(session, demo.id, ids[1], {"status": ProductStatus.ACTIVE})
    await page(client, demo)

    # then
    state = await runtime.state.fetch(BY_SLUG, demo.slug)
    assert state is not None
    applied = await runtime.cache.catalog(state)
    async with runtime.database.read() as session:
        rebuilt = await load_snapshot(session, demo.id)
    assert applied.version == rebuilt.version
    assert applied.products_by_id == rebuilt.products_by_id
    assert set(applied.products_by_slug) == set(rebuilt.products_by_slug)
    for sort, ordering in rebuilt.index.orderings.items():
        assert [p.id for p in applied.index.orderings[sort]] == [p.id for p in ordering]
    assert applied.index.by_attribute == rebuilt.index.by_attribute
    assert applied.index.by_category == rebuilt.index.by_category
    assert applied.index.in_stock == rebuilt.index.in_stock
    for needle in ("handles", "z 1", "item 00", "\n"):
        assert applied.index.text.find(needle, applied.products_by_id) == rebuilt.index.text.find(
            needle, rebuilt.products_by_id
        )


async def _fetch_until(other: httpx.AsyncClient, store: Store, slug: str, expected: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        product = (await page(other, store)).get(slug)
        if product is not None and all(product[key] == value for key, value in expected.items()):
            return
        assert loop.time() - started < 1.0, product
        await asyncio.sleep(0.05)


async def test_another_process_sees_an_order_and_an_edit_within_a_second(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store
) -> None:
    second: Starlette = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://testserver") as other:
            # given
            catalog = await page(other, demo)
            mug = catalog["ceramic-mug"]

            # when
            await fill_cart(client, demo, "c1", [(mug["id"], 2)])
            ordered = await client.post(demo.aerocall("/checkout"), json=checkout_body("c1"), headers=demo.auth)
            assert ordered.status_code == 201, ordered.text
            async with runtime.database.write() as session:
                await update_product(session, demo.id, mug["id"], {"price": "11.25"})

            # then
            await _fetch_until(other, demo, "ceramic-mug", {"stock": mug["stock"] - 2, "price": 11.25})

            # and the other way round
            async with second.state.runtime.database.write() as session:
                await update_product(session, demo.id, mug["id"], {"status": ProductStatus.DRAFT})
            assert "ceramic-mug" not in await page(other, demo)
            assert "ceramic-mug" not in await page(client, demo)
    finally:
        await second.state.runtime.close()


async def test_concurrent_orders_and_reads_on_two_processes_end_on_the_catalog_a_rebuild_gives(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store
) -> None:
    second: Starlette = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://testserver") as other:
            # given
            catalog = await page(client, demo)
            buyable = [catalog[slug]["id"] for slug in ("ceramic-mug", "canvas-tote", "wool-beanie", "linen-pillow")]
            carts = [f"c{index}" for index in range(16)]
            for index, cart_id in enumerate(carts):
                await fill_cart(client, demo, cart_id, [(buyable[index % 4], 1), (buyable[(index + 1) % 4], 2)])

            # when: orders placed through both processes while both keep reading the catalog
            async def order(index: int, cart_id: str) -> int:
                door = client if index % 2 else other
                response = await door.post(demo.aerocall("/checkout"), json=checkout_body(cart_id), headers=demo.auth)
                return response.status_code

            async def read(door: httpx.AsyncClient) -> None:
                for _ in range(6):
                    await page(door, demo, in_stock="true", sort="price_asc")
                    await asyncio.sleep(0)

            outcomes = await asyncio.gather(
                *(order(index, cart_id) for index, cart_id in enumerate(carts)), read(client), read(other)
            )

            # then
            assert outcomes[: len(carts)] == [201] * len(carts)
            async with runtime.database.read() as session:
                rebuilt = await load_snapshot(session, demo.id)
            for door in (client, other):
                shown = await page(door, demo)
                assert {slug: (p["stock"], p["in_stock"]) for slug, p in shown.items()} == {
                    p.slug: (p.stock, p.in_stock) for p in rebuilt.products_by_id.values()
                }
            for process in (app, second):
                state = await process.state.runtime.state.fetch(BY_SLUG, demo.slug)
                assert state is not None
                applied = await process.state.runtime.cache.catalog(state)
                assert applied.version == rebuilt.version
                assert applied.products_by_id == rebuilt.products_by_id
    finally:
        await second.state.runtime.close()


async def test_a_new_currency_rebuilds_the_snapshot_though_it_logs_no_change(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    before = await page(client, demo)

    # when
    async with runtime.database.write() as session:
        await update_store_settings(session, demo.id, {"default_currency": "EUR"})
    with catalog_reads(runtime, monkeypatch) as reads:
        after = await page(client, demo)

    # then
    assert {product["currency"] for product in before.values()} == {"USD"}
    assert {product["currency"] for product in after.values()} == {"EUR"}
    assert reads.products == len(before)
