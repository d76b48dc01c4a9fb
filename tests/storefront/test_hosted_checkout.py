"""The hosted checkout over HTTP: field errors keep what was typed, then each provider's payment step."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.razorpay_fake import FAKE_KEY_ID, RazorpayFake
from tests.fakes.stripe_fake import StripeFake, stripe_checkout_session, stripe_event
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, make_store, product_ids
from tests.support.payments import PROVIDER_SETTINGS, order_state, post_stripe_event, stock_of

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
    return Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        stripe_api_base=stripe_fake.url,
        razorpay_api_base=razorpay_fake.url,
    )


def _hosted(provider: str, **extra: str) -> dict[str, str]:
    return {**{k: v for k, v in PROVIDER_SETTINGS[provider].items() if k != "storefront_url"}, **extra}


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
    store = await make_store(runtime, "demo", demo=True, settings=_hosted("stripe", stripe_mode="checkout_session"))
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
    store = await make_store(runtime, "demo", demo=True, settings=_hosted("stripe", stripe_mode="payment_intent"))
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
    store = await make_store(runtime, "demo", demo=True, settings=_hosted("razorpay", default_currency="INR"))
    await _cart_with_mugs(client, store)

    page = await client.post("/store/demo/checkout", data=CUSTOMER)

    assert page.status_code == 200, page.text
    assert '<script src="https://checkout.razorpay.com/v1/checkout.js"></script>' in page.text
    assert f'data-key-id="{FAKE_KEY_ID}"' in page.text
    assert re.search(r'data-provider-order-id="order_\w+"', page.text), page.text
    assert 'data-currency="INR"' in page.text


async def test_a_checkout_posted_from_another_site_places_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    await _cart_with_mugs(client, demo)
    before = await stock_of(runtime, "ceramic-mug")

    refused = await client.post("/store/demo/checkout", data=CUSTOMER, headers={"Origin": "https://evil.example"})

    assert refused.status_code == 403
    assert await stock_of(runtime, "ceramic-mug") == before
