"""The demo store exactly as a newcomer meets it: `shopgraph serve --demo` in its own process, the storefront
URL it prints opened in Chromium, and a purchase with cash on delivery that the admin API then sees."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.async_api import Browser, expect

from tests.browser.conftest import PageWatch, watched_page
from tests.browser.storefront_steps import fill_cart, fill_checkout
from tests.support.cli import database_environment
from tests.test_serve_operations import serving


def _printed(stdout: str, label: str) -> str:
    found = re.search(rf"^\s*{label}\s+(\S+)", stdout, re.MULTILINE)
    assert found, stdout
    return found.group(1)


async def test_a_customer_buys_from_the_store_serve_demo_prints(
    browser: Browser, page_watch: PageWatch, database_url: str, tmp_path: Path
) -> None:
    with serving(tmp_path, environment=database_environment(database_url)) as (base_url, _stderr):
        stdout = (tmp_path / "stdout.txt").read_text()
        storefront, secret_key = _printed(stdout, "storefront"), _printed(stdout, "secret key")
        assert storefront == f"{base_url}/store/demo/"

        async with watched_page(browser, base_url, page_watch) as page:
            # when
            await page.goto(storefront)
            await expect(page.get_by_role("link", name="Classic Tee")).to_be_visible()
            await fill_cart(page)
            await page.get_by_role("link", name="Checkout").click()
            await fill_checkout(page, Email="newcomer@example.com")

            # then
            heading = page.get_by_role("heading", name=re.compile(r"^Order ORD-"))
            await expect(heading).to_be_visible()
            await expect(page.get_by_text("Classic Tee (M)")).to_be_visible()
            number = (await heading.inner_text()).removeprefix("Order ").strip()

        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            orders = await client.post(
                "/admin/graphql",
                headers={"Authorization": f"Bearer {secret_key}"},
                json={"query": "{ orders { total items { orderNumber email } } }"},
            )
    assert orders.status_code == 200, orders.text
    assert orders.json()["data"]["orders"]["items"] == [{"orderNumber": number, "email": "newcomer@example.com"}]
