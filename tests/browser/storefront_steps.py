"""Steps the storefront's browser tests share: a demo tee into the cart, and the checkout form filled in."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def fill_cart(page: Page, variant: str = "M, $25.00") -> None:
    await page.goto("/store/demo/")
    await page.get_by_label("Search").fill("tee")
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name="Classic Tee").click()
    await page.get_by_label("Variant").select_option(label=variant)
    await page.get_by_label("Quantity").fill("2")
    await page.get_by_role("button", name="Add to cart").click()
    await expect(page.get_by_role("heading", name="Cart")).to_be_visible()


async def fill_checkout(page: Page, **changed: str) -> None:
    values = {
        "Email": "ann@example.com",
        "Name": "Ann Lee",
        "Address line 1": "1 Main St",
        "City": "Springfield",
        "Postal code": "12345",
        "Country": "US",
        **changed,
    }
    for label, value in values.items():
        await page.get_by_label(label, exact=True).fill(value)
    await page.get_by_role("button", name="Place order").click()
