"""Steps the dashboard's browser tests share: an order placed over HTTP, and signing in through the form."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store


async def place_order(live_server: LiveServer, store: Store, email: str = "ann@example.com") -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        return await cash_on_delivery_order(client, store, email=email)


async def sign_in(page: Page, store: Store) -> None:
    await page.goto("/dashboard/login")
    await page.get_by_label("Secret key").fill(store.secret_key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    assert store.secret_key not in page.url
