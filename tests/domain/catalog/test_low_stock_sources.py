"""`inventory.low` follows stock and thresholds whichever door changes them: import, or the admin API."""

from __future__ import annotations

import json

import httpx

from shopgraph.domain.catalog.import_files import records_from_json
from shopgraph.domain.catalog.imports import import_products
from shopgraph.runtime import Runtime
from tests.support.factories import make_product, make_store
from tests.support.graphql import admin, succeeded
from tests.support.outbox import merchant_event_types

SET_THRESHOLD = """
mutation Threshold($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { product { id } userErrors { code message } }
}
"""


async def test_an_import_that_leaves_stock_under_its_threshold_says_so_once(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "imported")
    lamp = [{"slug": "lamp", "name": "Lamp", "price": "40", "stock": 2, "low_stock_threshold": 5}]

    # when
    await import_products(runtime.database, store.id, records_from_json(json.dumps(lamp), "USD"))
    await import_products(runtime.database, store.id, records_from_json(json.dumps([{**lamp[0], "stock": 1}]), "USD"))

    # then
    assert await merchant_event_types(runtime, store) == ["inventory.low"]


async def test_raising_a_threshold_above_the_stock_says_so(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "thresholds")
    product = await make_product(runtime, store, "Vase", stock=8)

    # when
    succeeded((await admin(client, store, SET_THRESHOLD, id=product, input={"lowStockThreshold": 10}))["productUpdate"])

    # then
    assert await merchant_event_types(runtime, store) == ["inventory.low"]
