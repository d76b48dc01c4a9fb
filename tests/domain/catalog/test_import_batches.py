"""`shopgraph import` writes records in batches: a refused record leaves the rest of its batch to load, each batch
costs the same statements whatever its size and logs the products it touched."""

from __future__ import annotations

import asyncio
import io

import httpx
from sqlalchemy import select, text

from shopgraph.db.models import CatalogChange, Product, Variant
from shopgraph.domain.catalog.import_files import CsvRecords, records_from_csv
from shopgraph.domain.catalog.import_records import ProductRecord, RejectedRecord
from shopgraph.domain.catalog.imports import BATCH_SIZE, ImportSummary, import_products
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product, make_store, product_ids

HEADER = "slug,name,price,stock,variant_sku,variant_name,variant_stock\n"


def catalog_csv(products: int, *, price: str = "10.00", first: int = 0) -> str:
    rows = []
    for index in range(first, first + products):
        for size in ("S", "M", "L"):
            product_cells = f"item-{index},Item {index},{price},5" if size == "S" else f"item-{index},,,"
            rows.append(f"{product_cells},ITEM-{index}-{size},{size},3\n")
    return HEADER + "".join(rows)


async def import_csv(runtime: Runtime, store: Store, text: str) -> ImportSummary:
    return await import_products(runtime.database, store.id, records_from_csv(text, "USD"))


async def logged_changes(runtime: Runtime, store: Store, after: int = 0) -> list[list[str] | None]:
    async with runtime.database.read() as session:
        rows = await session.scalars(
            select(CatalogChange.product_ids)
            .where(CatalogChange.project_id == store.id, CatalogChange.version > after)
            .order_by(CatalogChange.version)
        )
        return list(rows)


async def latest_version(runtime: Runtime, store: Store) -> int:
    async with runtime.database.read() as session:
        version = await session.scalar(
            select(CatalogChange.version)
            .where(CatalogChange.project_id == store.id)
            .order_by(CatalogChange.version.desc())
        )
    return version or 0


async def test_a_refused_record_inside_a_batch_leaves_the_rest_of_it_written(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # given
    store = await make_store(runtime, "shop")
    taken = {"name": "Red", "sku": "ITEM-40-M", "price_minor": 1000, "stock": 4}
    await make_product(runtime, store, "Old Scarf", slug="old-scarf", variants=[taken])
    text = catalog_csv(60)

    # when
    summary = await import_csv(runtime, store, text)

    # then
    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (59, 0, 0, 1)
    line = 2 + 40 * 3 + 1
    assert [str(rejection) for rejection in summary.rejections] == [
        f"line {line}: variant_sku: ITEM-40-M belongs to product old-scarf"
    ]
    products = await product_ids(client, store)
    assert set(products) == {"old-scarf"} | {f"item-{index}" for index in range(60) if index != 40}
    assert [variant["sku"] for variant in products["item-39"]["variants"]] == ["ITEM-39-S", "ITEM-39-M", "ITEM-39-L"]
    assert [variant["sku"] for variant in products["old-scarf"]["variants"]] == ["ITEM-40-M"]


async def test_an_update_refused_inside_a_batch_leaves_the_other_updates_written(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # given
    store = await make_store(runtime, "shop")
    taken = {"name": "Red", "sku": "OLD-RED", "price_minor": 1000, "stock": 4}
    await make_product(runtime, store, "Old Scarf", slug="old-scarf", variants=[taken])
    await import_csv(runtime, store, catalog_csv(30))
    text = catalog_csv(30, price="12.00").replace(",ITEM-7-M,", ",OLD-RED,")

    # when
    summary = await import_csv(runtime, store, text)

    # then
    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (0, 29, 0, 1)
    assert [str(rejection) for rejection in summary.rejections] == [
        "line 24: variant_sku: OLD-RED belongs to product old-scarf"
    ]
    products = await product_ids(client, store)
    assert products["item-7"]["price"] == 10.0
    assert {products[f"item-{index}"]["price"] for index in range(30) if index != 7} == {12.0}


async def test_each_batch_costs_the_same_statements_whatever_its_size(runtime: Runtime) -> None:
    # given
    small = await make_store(runtime, "small")
    large = await make_store(runtime, "large")

    async def statements(store: Store, text: str) -> int:
        before = runtime.database.statements
        await import_csv(runtime, store, text)
        return runtime.database.statements - before

    # when
    created_small = await statements(small, catalog_csv(5))
    created_large = await statements(large, catalog_csv(BATCH_SIZE))
    updated_small = await statements(small, catalog_csv(5, price="11.00"))
    updated_large = await statements(large, catalog_csv(BATCH_SIZE, price="11.00"))
    unchanged_small = await statements(small, catalog_csv(5, price="11.00"))
    unchanged_large = await statements(large, catalog_csv(BATCH_SIZE, price="11.00"))

    # then
    assert created_small == created_large
    assert created_large <= 16
    assert unchanged_small == unchanged_large
    assert unchanged_large <= 8
    assert updated_large <= updated_small + 2 * BATCH_SIZE


async def test_each_batch_logs_the_products_it_wrote(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_csv(runtime, store, "slug,name,price,category\nfirst,First,1.00,Hats\n")
    version = await latest_version(runtime, store)

    # when
    await import_csv(runtime, store, catalog_csv(BATCH_SIZE + 20))
    await import_csv(runtime, store, catalog_csv(BATCH_SIZE + 20))

    # then
    async with runtime.database.read() as session:
        ids = dict(
            (await session.execute(select(Product.slug, Product.id).where(Product.project_id == store.id))).all()
        )
    changes = await logged_changes(runtime, store, after=version)
    assert changes == [
        sorted(ids[f"item-{index}"] for index in range(BATCH_SIZE)),
        sorted(ids[f"item-{index}"] for index in range(BATCH_SIZE, BATCH_SIZE + 20)),
    ]


def test_a_csv_is_read_as_it_is_imported() -> None:
    # given
    text = catalog_csv(1000)
    opened: list[io.StringIO] = []

    def open_text() -> io.StringIO:
        opened.append(io.StringIO(text, newline=""))
        return opened[-1]

    records = CsvRecords(open_text, "USD")

    # when
    reading = iter(records)
    first = next(reading)

    # then
    assert len(records) == 1000
    assert isinstance(first, ProductRecord)
    assert [variant.sku for variant in first.variants] == ["ITEM-0-S", "ITEM-0-M", "ITEM-0-L"]
    assert opened[-1].tell() < len(text) // 10


def test_rows_of_a_product_apart_in_the_file_still_make_one_product_in_first_seen_order() -> None:
    # given
    text = (
        "slug,name,price,variant_sku\n"
        "cap,Cap,5.00,CAP-S\n"
        ",Nameless,1.00,\n"
        "mug,Mug,9.00,MUG-1\n"
        "cap,,,CAP-M\n"
        "tee,Tee,3.00,TEE-1\n"
    )

    # when
    records = records_from_csv(text, "USD")

    # then
    assert [record.location for record in records] == ["line 2", "line 3", "line 4", "line 6"]
    cap = records[0]
    assert isinstance(cap, ProductRecord)
    assert [variant.sku for variant in cap.variants] == ["CAP-S", "CAP-M"]
    assert isinstance(records[1], RejectedRecord)
    assert [str(rejection) for rejection in records[1].rejections] == ["line 3: slug: required"]


async def test_two_imports_of_one_file_at_once_create_each_product_once(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "shop")
    text = catalog_csv(BATCH_SIZE + 50)

    # when
    summaries = await asyncio.gather(import_csv(runtime, store, text), import_csv(runtime, store, text))

    # then
    for summary in summaries:
        assert summary.created + summary.updated + summary.unchanged == BATCH_SIZE + 50
        assert summary.rejected == 0
    assert sum(summary.created for summary in summaries) == BATCH_SIZE + 50
    async with runtime.database.read() as session:
        slugs = (await session.scalars(select(Product.slug).where(Product.project_id == store.id))).all()
        skus = (await session.scalars(select(Variant.sku).where(Variant.project_id == store.id))).all()
    assert sorted(slugs) == sorted(f"item-{index}" for index in range(BATCH_SIZE + 50))
    assert len(skus) == len(set(skus)) == 3 * (BATCH_SIZE + 50)


def test_a_csv_changed_between_its_two_readings_still_yields_what_it_holds() -> None:
    # given
    texts = [
        catalog_csv(3),
        catalog_csv(3).replace(",ITEM-2-L,", ",ITEM-2-XL,") + "item-1,Item 1,10.00,5,ITEM-1-XL,XL,1\n",
    ]

    def open_text() -> io.StringIO:
        return io.StringIO(texts.pop(0), newline="")

    # when
    records = list(CsvRecords(open_text, "USD"))

    # then
    assert [record.location for record in records] == ["line 2", "line 5", "line 8", "line 11"]
    *products, late = records
    assert all(isinstance(record, ProductRecord) for record in products)
    assert [variant.sku for variant in products[2].variants] == ["ITEM-2-S", "ITEM-2-M", "ITEM-2-XL"]  # type: ignore[union-attr]
    assert isinstance(late, RejectedRecord)
    assert [str(rejection) for rejection in late.rejections] == ["line 11: slug: repeats line 5"]


async def test_an_import_that_created_products_leaves_postgresql_with_their_statistics(runtime: Runtime) -> None:
    if runtime.database.is_sqlite:
        return

    async def analysed_at() -> object:
        async with runtime.database.read() as session:
            return await session.scalar(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'variants'"))

    store = await make_store(runtime, "analysed")
    before = await analysed_at()

    summary = await import_csv(runtime, store, catalog_csv(3))

    assert summary.created == 3
    after = await analysed_at()
    assert after is not None and (before is None or after > before)  # type: ignore[operator]
