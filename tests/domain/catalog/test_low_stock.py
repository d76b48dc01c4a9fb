"""`inventory.low`: once per dip below the threshold, whichever way the stock changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import Product, Project, Variant
from shopgraph.domain.catalog.inventory import StockLine, return_stock, set_stock, take_stock
from shopgraph.domain.events.merchant_events import EventType
from shopgraph.errors import DomainError
from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, fill_cart, make_product, make_store
from tests.support.outbox import merchant_events

pytestmark = pytest.mark.webhook_receiver


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


async def _set(runtime: Runtime, store: Store, stock: int | None, **target: str) -> None:
    async with runtime.database.write() as session:
        await set_stock(session, store.id, stock=stock, **target)


async def _low_stock_events(runtime: Runtime) -> list[dict[str, Any]]:
    return [event["data"] for event in await merchant_events(runtime, EventType.INVENTORY_LOW)]


async def _checkout(client: httpx.AsyncClient, store: Store, product_id: str, quantity: int, cart_id: str) -> None:
    await fill_cart(client, store, cart_id, [(product_id, quantity)])
    response = await client.post(store.aerocall("/checkout"), json=checkout_body(cart_id), headers=store.auth)
    assert response.status_code == 201, response.text


async def test_falling_below_the_threshold_is_reported_once_and_again_only_after_a_recovery(
    runtime: Runtime, store: Store
) -> None:
    # given
    lamp = await make_product(runtime, store, "Lamp", stock=10, low_stock_threshold=5)

    # when: 6 (fine), 4 (low), 2 (still low), 5 (back at the threshold), 7, 3 (low again)
    for stock in (6, 4, 2, 5, 7, 3):
        await _set(runtime, store, stock, product_id=lamp)

    # then
    assert [(data["product_id"], data["stock"]) for data in await _low_stock_events(runtime)] == [(lamp, 4), (lamp, 3)]


async def test_a_checkout_that_takes_stock_below_the_threshold_reports_it_and_returned_stock_rearms_it(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    # given
    lamp = await make_product(runtime, store, "Lamp", stock=7, low_stock_threshold=5)

    # when / then: 7 -> 5 is not low
    await _checkout(client, store, lamp, 2, "first")
    assert await _low_stock_events(runtime) == []

    # when / then: 5 -> 4 is
    await _checkout(client, store, lamp, 1, "second")
    assert [data["stock"] for data in await _low_stock_events(runtime)] == [4]

    # when / then: given back up to 6, then taken down to 3
    async with runtime.database.write() as session:
        await return_stock(session, store.id, [StockLine(lamp, None, 2)])
    await _checkout(client, store, lamp, 3, "third")
    assert [data["stock"] for data in await _low_stock_events(runtime)] == [4, 3]


async def test_a_variant_reports_its_sku_and_its_products_name(runtime: Runtime, store: Store) -> None:
    # given
    await make_product(
        runtime,
        store,
        "T-Shirt",
        variants=[{"name": "Large", "sku": "TEE-L", "stock": 9, "low_stock_threshold": 3}],
    )
    async with runtime.database.read() as session:
        variant = (await session.scalars(select(Variant))).one()

    # when
    await _set(runtime, store, 2, variant_id=variant.id)

    # then
    assert await _low_stock_events(runtime) == [
        {
            "product_id": variant.product_id,
            "variant_id": variant.id,
            "sku": "TEE-L",
            "name": "T-Shirt",
            "variant_name": "Large",
            "stock": 2,
            "low_stock_threshold": 3,
        }
    ]


async def test_without_a_threshold_or_without_tracked_stock_nothing_is_ever_low(runtime: Runtime, store: Store) -> None:
    # given
    no_threshold = await make_product(runtime, store, "Plain", stock=10)
    untracked = await make_product(runtime, store, "Service", low_stock_threshold=5)

    # when
    await _set(runtime, store, 0, product_id=no_threshold)
    await _set(runtime, store, None, product_id=untracked)

    # then
    assert await _low_stock_events(runtime) == []


async def test_taking_stock_costs_one_statement_per_line_and_the_flags_one_more_only_when_one_changes(
    runtime: Runtime, store: Store
) -> None:
    # given
    products = [await make_product(runtime, store, f"Item {n}", stock=50, low_stock_threshold=5) for n in range(6)]
    lines = [StockLine(product, None, 1) for product in products]

    # when
    async with runtime.database.write() as session:
        await session.execute(select(1))  # the transaction has begun
        before = runtime.database.statements
        await take_stock(session, store.id, lines)
        spent = runtime.database.statements - before

    # then: one conditional UPDATE ... RETURNING per line, and no flag to change
    assert spent == len(lines)

    # when: every line goes below its threshold
    async with runtime.database.write() as session:
        await session.execute(select(1))
        before = runtime.database.statements
        await take_stock(session, store.id, [StockLine(product, None, 45) for product in products])
        spent = runtime.database.statements - before

    # then: one more UPDATE ... RETURNING for the products' flags, then the events (a slug and an insert each,
    # and on PostgreSQL one NOTIFY for the workers)
    wake = 0 if runtime.database.is_sqlite else 1
    assert spent == len(lines) + 1 + len(lines) * 2 + wake
    assert len(await _low_stock_events(runtime)) == len(lines)


async def test_set_stock_bumps_the_catalog_version(runtime: Runtime, store: Store) -> None:
    # given
    lamp = await make_product(runtime, store, "Lamp", stock=10)
    async with runtime.database.read() as session:
        before = await session.scalar(select(Project.catalog_version).where(Project.id == store.id))

    # when
    await _set(runtime, store, 8, product_id=lamp)

    # then
    async with runtime.database.read() as session:
        assert await session.scalar(select(Project.catalog_version).where(Project.id == store.id)) == (before or 0) + 1
        assert await session.scalar(select(Product.stock).where(Product.id == lamp)) == 8


@pytest.mark.parametrize(
    ("stock", "target", "code"),
    [
        (-1, "lamp", "INVALID_INPUT"),
        (True, "lamp", "INVALID_INPUT"),
        (3, "none", "INVALID_INPUT"),
        (3, "tee", "HAS_VARIANTS"),
        (3, "other store's lamp", "PRODUCT_NOT_FOUND"),
        (3, "other store's variant", "VARIANT_NOT_FOUND"),
        (3, "variant of another product", "VARIANT_NOT_FOUND"),
    ],
)
async def test_bad_input_to_set_stock_is_refused_and_changes_nothing(
    runtime: Runtime, store: Store, stock: Any, target: str, code: str
) -> None:
    # given
    other = await make_store(runtime, "other")
    lamp = await make_product(runtime, store, "Lamp", stock=10)
    tee = await make_product(runtime, store, "Tee", variants=[{"name": "S", "sku": "TEE-S", "stock": 4}])
    await make_product(runtime, other, "Lamp", stock=10)
    await make_product(runtime, other, "Tee", variants=[{"name": "S", "sku": "TEE-S", "stock": 4}])
    async with runtime.database.read() as session:
        variant_of = {row.project_id: row.id for row in (await session.scalars(select(Variant))).all()}
        others_lamp = await session.scalar(
            select(Product.id).where(Product.project_id == other.id, Product.name == "Lamp")
        )
    targets: dict[str, dict[str, Any]] = {
        "lamp": {"product_id": lamp},
        "none": {},
        "tee": {"product_id": tee},
        "other store's lamp": {"product_id": others_lamp},
        "other store's variant": {"variant_id": variant_of[other.id]},
        "variant of another product": {"product_id": lamp, "variant_id": variant_of[store.id]},
    }

    # when
    with pytest.raises(DomainError) as refused:
        await _set(runtime, store, stock, **targets[target])

    # then
    assert refused.value.code == code
    async with runtime.database.read() as session:
        assert sorted((await session.scalars(select(Product.stock))).all(), key=str) == [10, 10, None, None]
        assert (await session.scalars(select(Variant.stock))).all() == [4, 4]
