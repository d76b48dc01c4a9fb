from __future__ import annotations

import httpx
from sqlalchemy import update

from shopgraph.db.models import Cart
from shopgraph.delivery.sweeps import DAY_MS
from shopgraph.delivery.worker import Worker
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.factories import Store, make_product


async def test_carts_untouched_for_thirty_days_are_removed(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store
) -> None:
    # given
    product = await make_product(runtime, demo, "Anything", stock=10)
    for cart_id in ("old", "recent"):
        await client.post(demo.aerocall(f"/cart/{cart_id}/items"), json={"productId": product}, headers=demo.auth)
    async with runtime.database.write() as session:
        await session.execute(update(Cart).where(Cart.id == "old").values(updated_at=now_ms() - 31 * DAY_MS))

    # when
    done = await Worker(settings, runtime.database).run_once()

    # then
    assert done["stale carts removed"] == 1
    old = (await client.get(demo.aerocall("/cart/old"), headers=demo.auth)).json()
    recent = (await client.get(demo.aerocall("/cart/recent"), headers=demo.auth)).json()
    assert old["items"] == [] and old["updated_at"] is None
    assert recent["item_count"] == 1
