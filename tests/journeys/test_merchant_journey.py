"""The whole story through public doors only: a merchant builds a store with the admin API, a customer pays with
Stripe, the merchant ships, and the merchant's server receives every event, signed."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest
from standardwebhooks import Webhook

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.fakes.stripe_fake import stripe_checkout_session, stripe_event
from tests.support.factories import checkout_body, fill_cart, make_store
from tests.support.graphql import admin, succeeded
from tests.support.outbox import run_worker
from tests.support.payments import PROVIDER_SETTINGS, STRIPE_WEBHOOK_SECRET, post_stripe_event

pytestmark = pytest.mark.webhook_receiver

REGISTER = """
mutation Register($url: String!) {
  webhookEndpointCreate(url: $url, description: "ERP") { endpoint { id } secret userErrors { code message } }
}
"""

CONFIGURE = """
mutation Configure($input: StoreConfigInput!) {
  storeConfigUpdate(input: $input) { userErrors { field code message } }
}
"""

CREATE_PRODUCT = """
mutation Create($input: ProductCreateInput!) {
  productCreate(input: $input) { product { id slug } userErrors { field code message } }
}
"""

FULFILL = """
mutation Ship($id: ID!) {
  orderFulfill(id: $id, trackingNumber: "1Z999", carrier: "UPS") { order { status } userErrors { code message } }
}
"""


async def test_a_merchant_builds_sells_ships_and_hears_about_it(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    # given: an empty store, set up through the admin API alone
    store = await make_store(runtime, "fresh")
    endpoint = succeeded((await admin(client, store, REGISTER, url=receiver.url))["webhookEndpointCreate"])
    secret = endpoint["secret"]
    stripe = PROVIDER_SETTINGS["stripe"]
    config = {
        "taxPercentage": "10", "flatShippingRate": "5", "shippingEnabled": True, "paymentProvider": "stripe",
        "stripeSecretKey": stripe["stripe_secret_key"], "stripeWebhookSecret": STRIPE_WEBHOOK_SECRET,
        "storefrontUrl": stripe["storefront_url"],
    }  # fmt: skip
    succeeded((await admin(client, store, CONFIGURE, input=config))["storeConfigUpdate"])
    product = succeeded(
        (
            await admin(
                client,
                store,
                CREATE_PRODUCT,
                input={"name": "Lamp", "price": "40.00", "stock": 5, "lowStockThreshold": 3},
            )
        )["productCreate"]
    )["product"]

    # when: a customer buys three lamps and pays with Stripe, and the merchant ships them
    await fill_cart(client, store, "customer-cart", [(product["id"], 3)])
    checkout = await client.post(store.aerostack("/checkout"), json=checkout_body("customer-cart"), headers=store.auth)
    assert checkout.status_code == 201, checkout.text
    order_id = checkout.json()["orderId"]
    paid = await post_stripe_event(
        client, store, stripe_event("checkout.session.completed", stripe_checkout_session(order_id))
    )
    assert paid.status_code == 200
    succeeded((await admin(client, store, FULFILL, id=order_id))["orderFulfill"])
    await run_worker(settings, runtime)
    await run_worker(settings, runtime)

    # then: every event arrived once, with signatures that verify both ways
    received = {request.header("X-Webhook-Event"): request for request in receiver.requests}
    assert sorted(received) == ["inventory.low", "order.created", "order.paid", "order.shipped"]
    assert len(receiver.requests) == 4
    for event_type, request in received.items():
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.header("X-Webhook-Signature") == expected
        assert Webhook(secret).verify(request.body, request.headers)["type"] == event_type
        body = request.json()
        assert body["project"] == "fresh" and body["id"] == request.header("X-Webhook-Id")
    assert received["order.shipped"].json()["data"]["order"]["tracking_number"] == "1Z999"
    assert received["inventory.low"].json()["data"]["stock"] == 2
