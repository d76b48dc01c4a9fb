"""Running the store from the dashboard in a real browser: a product and its stock, a coupon, a webhook retried."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from shopgraph.db.models import Coupon, Product, Variant
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.browser.conftest import PageWatch
from tests.browser.dashboard_steps import own_runtime, sign_in
from tests.fakes.receiver import Receiver
from tests.support.factories import Store
from tests.support.webhooks import deliveries, emit_events


async def test_edit_a_product_and_its_stock(page: Page, settings: Settings, demo: Store) -> None:
    await sign_in(page, demo)
    await page.get_by_role("link", name="Products", exact=True).click()
    await page.get_by_label("Search").fill("mug")
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name="Ceramic Mug").click()
    await page.get_by_label("Name", exact=True).fill("Stoneware Mug")
    await page.get_by_label("Price (USD)").fill("14.00")
    await page.get_by_role("button", name="Save product").click()
    await expect(page.get_by_role("status")).to_have_text("Done: saved.")
    await page.get_by_label("Stock", exact=True).fill("75")
    await page.get_by_role("button", name="Save stock").click()
    await expect(page.get_by_role("status")).to_have_text("Done: stock saved.")
    async with own_runtime(settings) as runtime, runtime.database.read() as session:
        mug = await session.scalar(select(Product).where(Product.project_id == demo.id, Product.slug == "ceramic-mug"))
    assert mug is not None and (mug.name, mug.price_minor, mug.stock) == ("Stoneware Mug", 1400, 75)


async def test_create_a_coupon(page: Page, settings: Settings, demo: Store) -> None:
    await sign_in(page, demo)
    await page.get_by_role("link", name="Coupons", exact=True).click()
    await page.get_by_label("Code").fill("SPRING20")
    await page.get_by_label("Type").select_option("percentage")
    await page.get_by_label("Value").fill("20")
    await page.get_by_label("Usage limit").fill("50")
    await page.get_by_role("button", name="Create coupon").click()
    await expect(page.get_by_role("status")).to_have_text("Done: created.")
    await expect(page.get_by_role("link", name="SPRING20")).to_be_visible()
    async with own_runtime(settings) as runtime, runtime.database.read() as session:
        coupon = await session.scalar(select(Coupon).where(Coupon.project_id == demo.id, Coupon.code == "SPRING20"))
    assert coupon is not None and (coupon.percent_basis_points, coupon.usage_limit) == (2000, 50)


@pytest.mark.webhook_receiver
async def test_register_a_webhook_and_retry_a_failed_delivery(
    page: Page, settings: Settings, demo: Store, receiver: Receiver
) -> None:
    await sign_in(page, demo)
    await page.get_by_role("link", name="Webhooks", exact=True).click()
    await page.get_by_label("Endpoint URL").fill(receiver.url)
    await page.get_by_label("inventory.low").check()
    await page.get_by_role("button", name="Add endpoint").click()
    await expect(page.locator("#signing_secret")).to_contain_text("whsec_")
    await page.get_by_role("link", name="All endpoints").click()
    await page.get_by_role("link", name=receiver.url).click()
    endpoint_url = page.url
    await expect(page.locator("#signing_secret")).to_have_count(0)

    receiver.fail_next(100)
    async with own_runtime(settings) as runtime:
        await _fail_then_retry(page, runtime, demo, receiver, endpoint_url)


async def _fail_then_retry(page: Page, runtime: Runtime, demo: Store, receiver: Receiver, endpoint_url: str) -> None:
    await emit_events(runtime, demo, 1)
    for _ in range(100):  # the live server's worker makes every attempt, then gives up
        found = await deliveries(runtime, demo)
        if found and found[0].delivery.status == "failed":
            break
        await asyncio.sleep(0.1)
    receiver.reset()
    await page.goto(endpoint_url)
    await expect(page.get_by_text("500").first).to_be_visible()
    await page.get_by_role("button", name="Retry").click()
    await expect(page.get_by_role("status")).to_have_text("Done: retry queued.")
    for _ in range(100):
        found = await deliveries(runtime, demo)
        if found[0].delivery.status == "delivered":
            break
        await asyncio.sleep(0.1)
    assert found[0].delivery.status == "delivered"
    await page.reload()
    await expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    assert receiver.event_ids


async def test_edit_and_delete_a_variant(page: Page, page_watch: PageWatch, settings: Settings, demo: Store) -> None:
    page_watch.allow_console_error("status of 40[49]")  # the refused edit and the refused second delete
    await sign_in(page, demo)
    await page.get_by_role("link", name="Products", exact=True).click()
    await page.get_by_role("link", name="Classic Tee").click()
    await page.get_by_role("link", name="Edit L", exact=True).click()
    await page.get_by_label("SKU").fill("TEE-CLASSIC-M")
    await page.get_by_role("button", name="Save variant").click()
    await expect(page.locator("#variant_sku_error")).to_be_visible()
    await page.get_by_label("SKU").fill("TEE-CLASSIC-LG")
    await page.get_by_label("Variant name").fill("Large")
    await page.get_by_role("button", name="Save variant").click()
    await expect(page.get_by_role("status")).to_have_text("Done: variant saved.")
    stale = await page.context.new_page()  # the same page open in a second tab
    await stale.goto(page.url)

    await page.get_by_role("button", name="Delete variant").click()
    await expect(page.get_by_role("status")).to_have_text("Done: variant deleted.")
    await expect(page.get_by_role("link", name="Edit Large")).to_have_count(0)
    async with own_runtime(settings) as runtime, runtime.database.read() as session:
        left = (await session.scalars(select(Variant.sku).where(Variant.project_id == demo.id))).all()
    assert "TEE-CLASSIC-LG" not in left and "TEE-CLASSIC-L" not in left and "TEE-CLASSIC-M" in left

    await stale.get_by_role("button", name="Delete variant").click()
    await expect(stale.locator("#delete_error")).to_contain_text("no such variant")
