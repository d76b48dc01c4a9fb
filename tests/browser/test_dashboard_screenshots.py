"""Screenshots of four dashboard pages for the README, taken by the tests' Chromium.

Every run takes them (and checks the pages fit a phone's width); `SHOPGRAPH_WRITE_SCREENSHOTS=1` also writes them to
docs/screenshots/, as the README's were made.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.dashboard_steps import place_order, sign_in
from tests.support.factories import Store

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def _shot(page: Page, name: str, tmp_path: Path) -> None:
    target = DOCS if os.environ.get("SHOPGRAPH_WRITE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"dashboard-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(PNG_SIGNATURE)


async def test_screenshots_of_orders_products_keys_and_an_order(
    page: Page, live_server: LiveServer, demo: Store, tmp_path: Path, database_url: str
) -> None:
    await place_order(live_server, demo, email="ann@example.com")
    order = await place_order(live_server, demo, email="bob@example.com")
    await page.set_viewport_size({"width": 1100, "height": 700})
    await sign_in(page, demo)
    await _shot(page, "orders", tmp_path)

    await page.get_by_role("link", name="Products", exact=True).click()
    await expect(page.get_by_text("low stock").first).to_be_visible()
    await _shot(page, "products", tmp_path)

    await page.get_by_role("link", name="API keys", exact=True).click()
    await expect(page.get_by_role("button", name="Create secret key")).to_be_visible()
    await _shot(page, "keys", tmp_path)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"/dashboard/orders/{order['id']}")
    await expect(page.get_by_role("button", name="Mark as shipped")).to_be_visible()
    # Readable on a phone: nothing wider than the screen but the tables, which scroll in their own box.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, "order-phone", tmp_path)
