"""The hosted order page that a Stripe Checkout Session returns to shows what the signed webhook brought."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.stripe_fake import StripeFake, stripe_checkout_session, stripe_event
from tests.support.databases import encryption_keys_for
from tests.support.factories import make_store
from tests.support.payments import PROVIDER_SETTINGS, checkout_one_mug, post_stripe_event

NO_STOREFRONT = {
    **{name: value for name, value in PROVIDER_SETTINGS["stripe"].items() if name != "storefront_url"},
    "stripe_mode": "checkout_session",
}


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake) -> Settings:
    return Settings(
        database_url=database_url, encryption_keys=encryption_keys_for(database_url), stripe_api_base=stripe_fake.url
    )


async def test_the_success_url_shows_the_order_paid(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    # given: a checkout that named no successUrl
    store = await make_store(runtime, "demo", demo=True, settings=NO_STOREFRONT)
    response = await checkout_one_mug(client, store)
    assert response.status_code == 201, response.text
    order_id, session_id = response.json()["orderId"], response.json()["payment"]["id"]
    success_url = stripe_fake.requests[-1].params["success_url"]
    before = await client.get(success_url)

    # when: Stripe reports the session completed
    webhook = await post_stripe_event(
        client,
        store,
        stripe_event("checkout.session.completed", stripe_checkout_session(order_id, session_id=session_id)),
    )
    after = await client.get(success_url)

    # then
    assert webhook.status_code == 200
    assert before.status_code == 200 and '<dd data-field="payment">pending</dd>' in before.text
    assert after.status_code == 200 and '<dd data-field="payment">paid</dd>' in after.text
