"""Unpaid online orders expire: the worker cancels them and gives their stock and coupon use back."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from shopgraph.db.models import Order
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.stripe_fake import StripeFake
from tests.support.databases import encryption_keys_for
from tests.support.outbox import run_worker
from tests.support.payments import checkout_one_mug, order_state, stock_of, store_paying_with


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake) -> Settings:
    return Settings(
        database_url=database_url, encryption_keys=encryption_keys_for(database_url), stripe_api_base=stripe_fake.url
    )


async def test_an_unpaid_order_past_its_time_is_cancelled_by_the_worker(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    # given
    store = await store_paying_with(runtime, "stripe", pending_order_ttl_minutes="30")
    stale = (await checkout_one_mug(client, store, cart_id="stale")).json()["orderId"]
    fresh = (await checkout_one_mug(client, store, cart_id="fresh")).json()["orderId"]
    assert await stock_of(runtime, "ceramic-mug") == 116
    async with runtime.database.write() as session:
        await session.execute(update(Order).where(Order.id == stale).values(expires_at=now_ms() - 1))

    # when
    done = await run_worker(settings, runtime)

    # then
    assert done["unpaid orders expired"] == 1
    assert await order_state(runtime, stale) == ("cancelled", "pending")
    assert await order_state(runtime, fresh) == ("pending", "pending")
    assert await stock_of(runtime, "ceramic-mug") == 118


async def test_the_stripe_session_expires_with_the_order(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    # given
    store = await store_paying_with(runtime, "stripe", pending_order_ttl_minutes="60")

    # when
    before = now_ms() // 1000
    await checkout_one_mug(client, store)

    # then
    expires_at = int(stripe_fake.requests[-1].params["expires_at"])
    assert before + 59 * 60 <= expires_at <= before + 61 * 60
