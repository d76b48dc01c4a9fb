"""The merchant runs orders from the dashboard in a real browser: sign in, ship, refund, refusals."""

from __future__ import annotations

from playwright.async_api import Page, expect

from shopgraph.settings import Settings
from tests.browser.conftest import LiveServer, PageWatch
from tests.browser.dashboard_steps import order_state_now, place_order, sign_in
from tests.support.factories import Store


async def test_a_wrong_key_is_refused_and_the_secret_key_signs_in(
    page: Page, page_watch: PageWatch, demo: Store
) -> None:
    page_watch.allow_console_error("401")
    await page.goto("/dashboard/login")
    await page.get_by_label("Secret key").fill(demo.public_key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("this secret key is not valid")

    await sign_in(page, demo)
    for name in ("Orders", "Products", "Coupons", "Webhooks", "API keys", "Settings", "Emails"):
        await expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_label("Secret key")).to_be_visible()
    await page.goto("/dashboard/orders")
    await expect(page.get_by_label("Secret key")).to_be_visible()


async def test_ship_an_order_with_a_tracking_number(
    page: Page, live_server: LiveServer, settings: Settings, demo: Store
) -> None:
    order = await place_order(live_server, demo)
    await sign_in(page, demo)
    await page.get_by_role("link", name=order["order_number"]).click()
    await page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    await page.get_by_label("Carrier").fill("UPS")
    await page.get_by_role("button", name="Mark as shipped").click()

    await expect(page.get_by_role("status")).to_have_text("Done: ship.")
    await expect(page.get_by_text("1Z999AA10123456784 (UPS)")).to_be_visible()
    await expect(page.get_by_role("button", name="Mark as shipped")).to_have_count(0)
    assert (await order_state_now(settings, order["id"]))[0] == "shipped"


async def test_mark_paid_then_refund(page: Page, live_server: LiveServer, settings: Settings, demo: Store) -> None:
    order = await place_order(live_server, demo)
    await sign_in(page, demo)
    await page.goto(f"/dashboard/orders/{order['id']}")
    await expect(page.get_by_role("button", name="Refund")).to_have_count(0)
    await page.get_by_role("button", name="Mark as paid").click()
    await page.get_by_role("button", name="Refund").click()
    await expect(page.locator(".facts .state")).to_have_text("refunded")
    assert await order_state_now(settings, order["id"]) == ("refunded", "refunded")


async def test_a_refused_action_shows_its_error_next_to_the_field(
    page: Page, page_watch: PageWatch, live_server: LiveServer, settings: Settings, demo: Store
) -> None:
    page_watch.allow_console_error("400")
    order = await place_order(live_server, demo)
    await sign_in(page, demo)
    await page.goto(f"/dashboard/orders/{order['id']}")
    await page.get_by_label("Tracking number").evaluate("field => field.removeAttribute('maxlength')")
    await page.get_by_label("Tracking number").fill("9" * 150)
    await page.get_by_role("button", name="Mark as shipped").click()
    await expect(page.locator("#ship_error")).to_contain_text("trackingNumber: at most 100 characters")
    assert (await order_state_now(settings, order["id"]))[0] == "processing"


async def test_a_form_with_a_forged_csrf_token_is_refused(
    page: Page, page_watch: PageWatch, live_server: LiveServer, settings: Settings, demo: Store
) -> None:
    page_watch.allow_console_error("403")
    order = await place_order(live_server, demo)
    await sign_in(page, demo)
    await page.goto(f"/dashboard/orders/{order['id']}")
    await page.locator("form[action$='/ship'] input[name=csrf_token]").evaluate("field => field.value = 'forged'")
    await page.get_by_role("button", name="Mark as shipped").click()
    await expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    assert (await order_state_now(settings, order["id"]))[0] == "processing"
