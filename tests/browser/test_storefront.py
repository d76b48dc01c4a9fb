"""A customer buys on the hosted storefront in Chromium: cash on delivery, Stripe Checkout, the Razorpay modal,
field errors, a forged order link; and screenshots of its pages for the README (`SHOPGRAPH_WRITE_SCREENSHOTS=1`
writes them to docs/)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from shopgraph.settings import Settings
from tests.browser.conftest import LiveServer, PageWatch
from tests.browser.dashboard_steps import own_runtime
from tests.browser.storefront_steps import fill_cart, fill_checkout
from tests.fakes.razorpay_fake import FAKE_KEY_ID, RazorpayFake, razorpay_modal_answer
from tests.fakes.stripe_fake import StripeFake, stripe_checkout_session, stripe_event
from tests.support.factories import Store, make_store
from tests.support.payments import hosted_settings, post_stripe_event, settings_with_fakes

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake, razorpay_fake: RazorpayFake) -> Settings:
    return settings_with_fakes(database_url, stripe=stripe_fake, razorpay=razorpay_fake)


async def _shot(page: Page, name: str, tmp_path: Path) -> None:
    target = DOCS if os.environ.get("SHOPGRAPH_WRITE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(target / f"storefront-{name}.png"), full_page=True)


async def test_a_customer_buys_with_cash_on_delivery(page: Page, demo: Store, tmp_path: Path) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/store/demo/")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, "catalog-phone", tmp_path)

    await fill_cart(page)
    await page.get_by_label("Coupon code").fill("FLAT5")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.locator('[data-field="discount"]')).to_have_text("-$5.00")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, "cart-phone", tmp_path)

    await page.get_by_role("link", name="Checkout").click()
    await fill_checkout(page)

    await expect(page.get_by_role("heading", name=re.compile(r"^Order ORD-"))).to_be_visible()
    await expect(page.get_by_text("Classic Tee (M)")).to_be_visible()
    assert "?t=" in page.url


async def test_field_errors_show_next_to_their_fields_with_the_input_kept(
    page: Page, page_watch: PageWatch, demo: Store
) -> None:
    page_watch.allow_console_error("status of 400")  # the refused form comes back as a 400 page
    await fill_cart(page)
    await page.get_by_role("link", name="Checkout").click()

    await fill_checkout(page, Email="ann-at-example", Country="ZZ")

    email = page.get_by_label("Email", exact=True)
    await expect(email).to_have_value("ann-at-example")
    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#email-error")).to_contain_text("not an email address")
    await expect(page.locator("#country-error")).to_contain_text("not an ISO 3166 country code")
    await expect(page.get_by_label("City", exact=True)).to_have_value("Springfield")

    await fill_checkout(page)
    await expect(page.get_by_role("heading", name=re.compile(r"^Order ORD-"))).to_be_visible()


async def test_a_customer_pays_with_stripe_checkout_and_sees_the_order_paid(
    page: Page,
    page_watch: PageWatch,
    settings: Settings,
    live_server: LiveServer,
    stripe_fake: StripeFake,
    tmp_path: Path,
) -> None:
    page_watch.allow_console_error("status of 401")  # the fake's API answers the browser's visit to the session URL
    # given: a store paying through Stripe Checkout, with no storefront of its own
    async with own_runtime(settings) as runtime:
        store = await make_store(
            runtime, "demo", demo=True, settings=hosted_settings("stripe", stripe_mode="checkout_session")
        )

    # when: the customer checks out, is sent to Stripe, and Stripe reports the session paid
    await fill_cart(page)
    await page.get_by_role("link", name="Checkout").click()
    await fill_checkout(page)
    # The fake's session URL stands for Stripe's payment page (it answers the browser with an API error).
    await expect(page).to_have_url(re.compile(r"/c/pay/cs_\w+$"))
    session_id = page.url.rsplit("/", 1)[1]
    success_url = next(r.params["success_url"] for r in reversed(stripe_fake.requests) if "success_url" in r.params)
    order_id = re.search(r"/orders/([^?]+)\?t=", success_url).group(1)  # type: ignore[union-attr]
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        webhook = await post_stripe_event(
            client,
            store,
            stripe_event("checkout.session.completed", stripe_checkout_session(order_id, session_id=session_id)),
        )
    assert webhook.status_code == 200, webhook.text
    await page.goto(success_url)

    # then
    await expect(page.locator('[data-field="payment"]')).to_have_text("paid")
    await _shot(page, "order-paid", tmp_path)


# Stands in for Razorpay's checkout.js: `open()` keeps the options, and the test answers as the modal does.
RAZORPAY_MODAL = (
    "window.Razorpay = function (options) { this.open = function () { window.razorpayModal = options; }; };"
)


async def test_a_customer_pays_in_the_razorpay_modal_and_sees_the_order_paid(
    page: Page, settings: Settings, razorpay_fake: RazorpayFake
) -> None:
    # given: a store paying through Razorpay, with no storefront of its own
    async with own_runtime(settings) as runtime:
        await make_store(runtime, "demo", demo=True, settings=hosted_settings("razorpay", default_currency="INR"))

    async def modal_script(route: Route) -> None:
        await route.fulfill(content_type="text/javascript", body=RAZORPAY_MODAL)

    await page.route("https://checkout.razorpay.com/v1/checkout.js", modal_script)

    # when: the customer checks out, opens the modal and pays
    await fill_cart(page, variant="M, ₹25.00")
    await page.get_by_role("link", name="Checkout").click()
    await fill_checkout(page)
    await expect(page.get_by_role("heading", name=re.compile(r"^Pay for order ORD-"))).to_be_visible()
    await page.get_by_role("button", name="Pay now").click()
    options = await page.wait_for_function("window.razorpayModal")
    provider_order = await options.evaluate("modal => modal.order_id")
    assert await options.evaluate("modal => modal.key") == FAKE_KEY_ID
    answer = razorpay_modal_answer(provider_order, "pay_browser1")
    await page.evaluate("answer => window.razorpayModal.handler(answer)", answer)

    # then: the signature went back to the store, which marked the order paid before any webhook
    await expect(page.get_by_role("heading", name=re.compile(r"^Order ORD-"))).to_be_visible()
    await expect(page.locator('[data-field="payment"]')).to_have_text("paid")
    assert "?t=" in page.url


async def test_a_forged_order_link_asks_for_the_email(page: Page, page_watch: PageWatch, demo: Store) -> None:
    page_watch.allow_console_error("status of 404")  # a forged token is answered with a 404 email form
    await fill_cart(page)
    await page.get_by_role("link", name="Checkout").click()
    await fill_checkout(page)
    await expect(page.get_by_role("heading", name=re.compile(r"^Order ORD-"))).to_be_visible()
    forged = re.sub(r"\?t=.*$", "?t=forged", page.url)

    await page.goto(forged)

    await expect(page.get_by_role("heading", name="Find your order")).to_be_visible()
    await expect(page.get_by_text("Classic Tee")).to_have_count(0)
    await page.get_by_label("Email").fill("ann@example.com")
    await page.get_by_role("button", name="Show order").click()
    await expect(page.get_by_text("Classic Tee (M)")).to_be_visible()
