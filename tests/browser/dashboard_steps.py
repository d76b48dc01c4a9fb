"""Steps the dashboard's browser tests share: an order placed over HTTP, and signing in through the form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from playwright.async_api import Page, expect

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.browser.conftest import LiveServer
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store
from tests.support.payments import order_state


async def place_order(live_server: LiveServer, store: Store, email: str = "ann@example.com") -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        return await cash_on_delivery_order(client, store, email=email)


async def sign_in(page: Page, store: Store) -> None:
    await page.goto("/dashboard/login")
    await page.get_by_label("Secret key").fill(store.secret_key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    assert store.secret_key not in page.url


@asynccontextmanager
async def own_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime on the browser tests' event loop, for reading and writing the database from a test's body (the
    `runtime` fixture's connections belong to the loop of the fixture that made them)."""
    runtime = Runtime.start(settings)
    try:
        yield runtime
    finally:
        await runtime.close()


async def order_state_now(settings: Settings, order_id: str) -> tuple[str, str]:
    async with own_runtime(settings) as runtime:
        return await order_state(runtime, order_id)
