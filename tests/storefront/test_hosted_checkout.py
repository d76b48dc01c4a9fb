"""The hosted checkout over HTTP: field errors keep what was typed, then each provider's payment step."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from shopgraph.db.models import Order
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.razorpay_fake import FAKE_KEY_ID, RazorpayFake, razorpay_modal_answer
from tests.fakes.stripe_fake import StripeFake, stripe_checkout_session, stripe_event
from tests.support.factories import Store, make_store, product_ids
from tests.support.payments import hosted_settings, order_state, post_stripe_event, settings_with_fakes, stock_of

CUSTOMER = {
    "email": "Ann@Example.com",
    "name": "Ann Lee",
    "line1": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
}
ORDER_LINK = re.compile(r"^http://testserver/store/(\w+)/orders/([^?]+)\?t=[\w-]+$")


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake, razorpay_fake: RazorpayFake) -> Settings:
    return settings_with_fakes(database_url, stripe=stripe_fake, razorpay=razorpay_fake)


async def _hosted_store(runtime: Runtime, provider: str, **extra: str) -> Store:
    """The demo store paying with `provider` and no storefront of its own, so its pages are the hosted ones."""
    return await make_store(runtime, "demo", demo=True, settings=hosted_settings(provider, **extra))


async def _cart_with_mugs(client: httpx.AsyncClient, store: Store, quantity: int = 2) -> None:
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]
    added = await client.post(f"/store/{store.slug}/cart/items", data={"product_id": mug, "quantity": str(quantity)})
    assert added.status_code == 303, added.text


async def test_cash_on_delivery_goes_to_the_signed_order_page(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    await _cart_with_mugs(client, demo)
    cart = await client.get("/store/demo/cart")
    assert '<a href="/store/demo/checkout">Checkout</a>' in cart.text
    form = await client.get("/store/demo/checkout")
    for label in ("Email", "Name", "Address line 1", "City", "Postal code", "Country"):
        assert f">{label}</label>" in form.text

    # when
    placed = await client.post("/store/demo/checkout", data=CUSTOMER)

    # then
    assert placed.status_code == 303, placed.text
    assert ORDER_LINK.match(placed.headers["location"]), placed.headers["location"]
    order = await client.get(placed.headers["location"])
    assert order.status_code == 200 and "Order ORD-" in order.text and "Ceramic Mug" in order.text
    assert "Your cart is empty" in (await client.get("/store/demo/cart")).text


async def test_field_errors_are_shown_next_to_their_field_and_keep_what_was_typed(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    await _cart_with_mugs(client, demo)

    # when
    bad_email = await client.post("/store/demo/checkout", data={**CUSTOMER, "email": "ann-at-example"})
    bad_country = await client.post("/store/demo/checkout", data={**CUSTOMER, "country": "ZZ"})
    no_city = await client.post("/store/demo/checkout", data={**CUSTOMER, "city": ""})

    # then
    assert bad_email.status_code == 400
    assert 'id="email-error"' in bad_email.text and 'value="ann-at-example"' in bad_email.text
    assert 'value="1 Main St"' in bad_email.text and 'value="Ann Lee"' in bad_email.text
    assert bad_country.status_code == 400 and 'id="country-error"' in bad_country.text
    assert no_city.status_code == 400 and 'id="city-error"' in no_city.text
    assert "Ceramic Mug" in (await client.get("/store/demo/cart")).text


async def test_every_field_error_is_shown_at_once(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    await _cart_with_mugs(client, demo)

    refused = await client.post(
        "/store/demo/checkout", data={**CUSTOMER, "email": "ann-at-example", "city": "", "country": "ZZ"}
    )

    assert refused.status_code == 400
    for field in ("email", "city", "country"):
        assert f'id="{field}-error"' in refused.text, field
    assert 'id="line1-error"' not in refused.text and 'id="checkout-error"' not in refused.text
    assert 'value="ann-at-example"' in refused.text and 'value="ZZ"' in refused.text
    assert "Ceramic Mug" in (await client.get("/store/demo/cart")).text


async def test_a_checkout_refused_for_stock_keeps_the_form(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, demo: Store
) -> None:
    # given: the cart holds more mugs than are left once another customer bought them
    await _cart_with_mugs(client, demo, quantity=5)
    stock = await stock_of(runtime, "ceramic-mug")
    assert stock is not None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=str(client.base_url)) as other:
        await _cart_with_mugs(other, demo, quantity=stock - 2)
        assert (await other.post("/store/demo/checkout", data=CUSTOMER)).status_code == 303

    # when
    refused = await client.post("/store/demo/checkout", data=CUSTOMER)

    # then
    assert refused.status_code == 409, refused.text
    assert 'id="checkout-error"' in refused.text and 'value="Springfield"' in refused.text
    assert await stock_of(runtime, "ceramic-mug") == 2


async def test_a_stripe_checkout_session_redirects_to_its_url_and_returns_to_the_order(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    # given
    store = await _hosted_store(runtime, "stripe", stripe_mode="checkout_session")
    await _cart_with_mugs(client, store)

    # when
    placed = await client.post("/store/demo/checkout", data=CUSTOMER)

    # then: off to Stripe, which will come back to the signed order page
    assert placed.status_code == 303, placed.text
    session = stripe_fake.requests[-1].params
    location = urlsplit(placed.headers["location"])
    assert location.netloc == urlsplit(stripe_fake.url).netloc and location.path.startswith("/c/pay/cs_"), location
    found = ORDER_LINK.match(session["success_url"])
    assert found, session
    assert session["cancel_url"] == "http://testserver/store/demo/cart"

    # and when Stripe reports the session paid
    order_id = found.group(2)
    session_id = location.path.removeprefix("/c/pay/")
    await post_stripe_event(
        client,
        store,
        stripe_event("checkout.session.completed", stripe_checkout_session(order_id, session_id=session_id)),
    )

    # then
    page = await client.get(session["success_url"])
    assert '<dd data-field="payment">paid</dd>' in page.text
    assert (await order_state(runtime, order_id))[1] == "paid"


async def test_a_stripe_payment_intent_gets_a_page_with_stripes_script(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    store = await _hosted_store(runtime, "stripe", stripe_mode="payment_intent")
    await _cart_with_mugs(client, store)

    page = await client.post("/store/demo/checkout", data=CUSTOMER)

    assert page.status_code == 200, page.text
    assert '<script src="https://js.stripe.com/v3/"></script>' in page.text
    assert 'data-publishable-key="pk_test_shopgraph"' in page.text
    assert re.search(r'data-client-secret="pi_\w+_secret_\w+"', page.text), page.text
    assert '<script src="/static/store/pay.js"></script>' in page.text
    assert (await client.get("/static/store/pay.js")).status_code == 200


async def test_razorpay_gets_a_page_with_the_modal_values(
    client: httpx.AsyncClient, runtime: Runtime, razorpay_fake: RazorpayFake
) -> None:
    store = await _hosted_store(runtime, "razorpay", default_currency="INR")
    await _cart_with_mugs(client, store)

    page = await client.post("/store/demo/checkout", data=CUSTOMER)

    assert page.status_code == 200, page.text
    assert '<script src="https://checkout.razorpay.com/v1/checkout.js"></script>' in page.text
    assert f'data-key-id="{FAKE_KEY_ID}"' in page.text
    assert re.search(r'data-provider-order-id="order_\w+"', page.text), page.text
    assert 'data-currency="INR"' in page.text
    assert 'action="/store/demo/checkout/razorpay"' in page.text


async def _razorpay_order(client: httpx.AsyncClient, runtime: Runtime) -> str:
    """The Razorpay order id the payment page hands the modal."""
    store = await _hosted_store(runtime, "razorpay", default_currency="INR")
    await _cart_with_mugs(client, store)
    page = await client.post("/store/demo/checkout", data=CUSTOMER)
    found = re.search(r'data-provider-order-id="(order_\w+)"', page.text)
    assert found, page.text
    return found.group(1)


async def test_the_razorpay_modal_signature_marks_the_order_paid_and_opens_it(
    client: httpx.AsyncClient, runtime: Runtime, razorpay_fake: RazorpayFake
) -> None:
    # given: the modal answered with a payment and its signature
    provider_order = await _razorpay_order(client, runtime)
    answer = razorpay_modal_answer(provider_order, "pay_hosted1")

    # when the payment page posts it back
    confirmed = await client.post("/store/demo/checkout/razorpay", data=answer)

    # then
    assert confirmed.status_code == 303, confirmed.text
    found = ORDER_LINK.match(confirmed.headers["location"])
    assert found, confirmed.headers["location"]
    assert (await order_state(runtime, found.group(2)))[1] == "paid"
    page = await client.get(confirmed.headers["location"])
    assert '<dd data-field="payment">paid</dd>' in page.text


@pytest.mark.parametrize("tampering", ["another payment", "no signature", "another site"])
async def test_a_razorpay_confirmation_that_does_not_verify_pays_nothing(
    client: httpx.AsyncClient, runtime: Runtime, razorpay_fake: RazorpayFake, tampering: str
) -> None:
    # given
    provider_order = await _razorpay_order(client, runtime)
    answer = razorpay_modal_answer(provider_order, "pay_hosted2", signed_payment_id="pay_hosted1")
    headers = {}
    if tampering == "no signature":
        answer["razorpay_signature"] = ""
    if tampering == "another site":
        answer["razorpay_payment_id"] = "pay_hosted1"
        headers["Origin"] = "https://evil.example"

    # when
    refused = await client.post("/store/demo/checkout/razorpay", data=answer, headers=headers)

    # then
    assert refused.status_code == (403 if tampering == "another site" else 400), refused.text
    async with runtime.database.read() as session:
        states = (await session.execute(select(Order.payment_status))).scalars().all()
    assert states == ["pending"]


async def test_a_checkout_posted_from_another_site_places_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    await _cart_with_mugs(client, demo)
    before = await stock_of(runtime, "ceramic-mug")

    refused = await client.post("/store/demo/checkout", data=CUSTOMER, headers={"Origin": "https://evil.example"})

    assert refused.status_code == 403
    assert await stock_of(runtime, "ceramic-mug") == before
