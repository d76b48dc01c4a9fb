"""Rotating the store's secret key from the dashboard in a real browser: a new key, the old one revoked."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer, PageWatch
from tests.browser.dashboard_steps import sign_in
from tests.support.factories import Store
from tests.support.graphql import ADMIN


async def _admin_status(live_server: LiveServer, key: str) -> int:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post(
            ADMIN, json={"query": "{ apiKeys { id } }"}, headers={"Authorization": f"Bearer {key}"}
        )
    return response.status_code


async def test_rotate_keys(page: Page, page_watch: PageWatch, live_server: LiveServer, demo: Store) -> None:
    page_watch.allow_console_error("status of 401")  # signing in again with the revoked key is refused
    await sign_in(page, demo)
    await page.get_by_role("link", name="API keys", exact=True).click()
    await expect(page.get_by_role("heading", name="API keys")).to_be_visible()

    await page.get_by_label("Label (optional)").fill("rotated")
    await page.get_by_role("button", name="Create secret key").click()
    new_key = (await page.locator("#new_key").inner_text()).strip()
    assert new_key.startswith("sk_") and new_key not in page.url
    assert await _admin_status(live_server, new_key) == 200

    old_row = page.get_by_role("row").filter(has_text=demo.secret_key[:10])
    await old_row.get_by_label("Grace period").select_option(label="none: at once")
    await old_row.get_by_role("button", name="Revoke").click()
    # That was this session's key: the session ends with it.
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("revoked")

    assert await _admin_status(live_server, demo.secret_key) == 401
    assert await _admin_status(live_server, new_key) == 200

    await page.get_by_label("Secret key").fill(demo.secret_key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("not valid")

    await sign_in(page, Store(demo.id, demo.slug, demo.public_key, new_key))
    await page.get_by_role("link", name="API keys", exact=True).click()
    await expect(page.get_by_role("row").filter(has_text=demo.secret_key[:10])).to_contain_text("revoked")
    await expect(page.get_by_role("row").filter(has_text="rotated")).to_contain_text("this session")
