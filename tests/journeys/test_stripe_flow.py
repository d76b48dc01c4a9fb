"""Stripe end to end: the real SDK against a loopback fake, signed webhooks, the email at an SMTP server."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.stripe_fake import (
    StripeFake,
    sign_stripe_event,
    stripe_charge,
    stripe_checkout_session,
    stripe_event,
    stripe_payment_intent,
)
from tests.support.factories import Store
from tests.support.outbox import outbox_count, run_worker
from tests.support.payments import (
    STRIPE_WEBHOOK_SECRET,
    checkout_one_mug,
    order_state,
    post_stripe_event,
    settings_with_fakes,
    stock_of,
    store_paying_with,
)


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake, smtp_server: SmtpServer) -> Settings:
    return settings_with_fakes(database_url, stripe=stripe_fake, smtp=smtp_server)


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await store_paying_with(runtime, "stripe")


async def test_checkout_session_flow_from_cart_to_email(
    client: httpx.AsyncClient,
    runtime: Runtime,
    settings: Settings,
    store: Store,
    stripe_fake: StripeFake,
    smtp_server: SmtpServer,
) -> None:
    # when: the Aerostack storefront checks out and is sent to Stripe Checkout
    response = await checkout_one_mug(client, store, family="aerostack")

    # then
    assert response.status_code == 201, response.text
    body = response.json()
    order_id = body["orderId"]
    payment = body["payment"]
    assert payment["provider"] == "stripe" and payment["id"].startswith("cs_") and payment["url"].startswith("http")
    assert await order_state(runtime, order_id) == ("pending", "pending")
    sent = stripe_fake.requests[-1]
    assert sent.path == "/v1/checkout/sessions"
    assert sent.header("Idempotency-Key") == f"order-{order_id}-session"
    assert sent.params["metadata"]["order_id"] == order_id
    assert int(sent.params["line_items"][0]["price_data"]["unit_amount"]) == 3690  # 29.00 + 2.90 tax + 5.00

    # when: Stripe reports the completed session
    webhook = await post_stripe_event(
        client,
        store,
        stripe_event("checkout.session.completed", stripe_checkout_session(order_id, session_id=payment["id"])),
    )
    await run_worker(settings, runtime)

    # then
    assert webhook.status_code == 200
    assert await order_state(runtime, order_id) == ("processing", "paid")
    assert (await client.get(store.aerostack("/cart/cart"), headers=store.auth)).json()["items"] == []
    assert len(smtp_server.received) == 1
    email = smtp_server.received[0]
    assert email.rcpt_tos == ["ann@example.com"]
    assert "ORD-001" in email.message["Subject"]
    listing = await client.get(store.aerostack("/orders"), params={"email": "ann@example.com"}, headers=store.auth)
    assert [(order["status"], order["payment_status"]) for order in listing.json()["orders"]] == [
        ("processing", "paid")
    ]


async def test_payment_intent_flow_on_the_aerocall_path(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, stripe_fake: StripeFake
) -> None:
    # when
    response = await checkout_one_mug(client, store, family="aerocall")

    # then
    body = response.json()
    assert response.status_code == 201
    assert body["payment"]["id"].startswith("pi_")
    assert body["paymentIntent"] == body["payment"]["client_secret"] and body["paymentIntent"]
    assert stripe_fake.requests[-1].header("Idempotency-Key") == f"order-{body['orderId']}-intent"

    # when
    intent = stripe_payment_intent(body["orderId"], intent_id=body["payment"]["id"])
    await post_stripe_event(client, store, stripe_event("payment_intent.succeeded", intent))

    # then
    assert await order_state(runtime, body["orderId"]) == ("processing", "paid")


async def test_an_explicit_stripe_mode_overrides_the_family_default(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    store = await store_paying_with(runtime, "stripe", slug="intents", stripe_mode="payment_intent")

    response = await checkout_one_mug(client, store, family="aerostack")

    assert response.json()["payment"]["id"].startswith("pi_")


async def test_the_same_event_five_times_at_once_changes_the_order_once_and_sends_one_email(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, store: Store, smtp_server: SmtpServer
) -> None:
    # given
    order_id = (await checkout_one_mug(client, store)).json()["orderId"]
    event = stripe_event("checkout.session.completed", stripe_checkout_session(order_id))

    # when
    replies = await asyncio.gather(*(post_stripe_event(client, store, event) for _ in range(5)))
    await run_worker(settings, runtime)
    await run_worker(settings, runtime)

    # then
    assert [reply.status_code for reply in replies] == [200] * 5
    assert sorted(reply.json()["result"] for reply in replies) == ["applied"] + ["duplicate"] * 4
    assert await order_state(runtime, order_id) == ("processing", "paid")
    assert await outbox_count(runtime, "email.order_confirmation") == 1
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize("tampering", ["wrong secret", "stale", "altered body", "no header", "garbage header"])
async def test_a_webhook_that_does_not_verify_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, tampering: str
) -> None:
    # given
    order_id = (await checkout_one_mug(client, store)).json()["orderId"]
    event = stripe_event("checkout.session.completed", stripe_checkout_session(order_id))
    secret = "whsec_someone_else" if tampering == "wrong secret" else STRIPE_WEBHOOK_SECRET
    timestamp = 1_000_000_000 if tampering == "stale" else None
    body, headers = sign_stripe_event(event, secret, timestamp)
    if tampering == "altered body":
        body = body.replace(b'"paid"', b'"PAID"')
    if tampering == "no header":
        del headers["Stripe-Signature"]
    if tampering == "garbage header":
        headers["Stripe-Signature"] = "nonsense"

    # when
    response = await client.post(f"/api/v1/webhooks/stripe/{store.slug}", content=body, headers=headers)

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SIGNATURE"
    assert await order_state(runtime, order_id) == ("pending", "pending")


async def test_a_signature_made_with_another_projects_secret_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    # given
    other = await store_paying_with(runtime, "stripe", slug="other", stripe_webhook_secret="whsec_other_project")
    order_id = (await checkout_one_mug(client, store)).json()["orderId"]
    event = stripe_event("checkout.session.completed", stripe_checkout_session(order_id))

    # when
    body, headers = sign_stripe_event(event, "whsec_other_project")
    response = await client.post(f"/api/v1/webhooks/stripe/{store.slug}", content=body, headers=headers)
    sent_to_other = await client.post(f"/api/v1/webhooks/stripe/{other.slug}", content=body, headers=headers)

    # then
    assert response.status_code == 400
    assert sent_to_other.status_code == 200 and sent_to_other.json()["result"] == "unknown_order"
    assert await order_state(runtime, order_id) == ("pending", "pending")


async def test_a_failed_payment_keeps_the_order_open_and_a_later_success_pays_it(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    # given
    order_id = (await checkout_one_mug(client, store)).json()["orderId"]

    # when / then
    await post_stripe_event(
        client,
        store,
        stripe_event(
            "payment_intent.payment_failed", stripe_payment_intent(order_id, status="requires_payment_method")
        ),
    )
    assert await order_state(runtime, order_id) == ("pending", "failed")
    await post_stripe_event(client, store, stripe_event("payment_intent.succeeded", stripe_payment_intent(order_id)))
    assert await order_state(runtime, order_id) == ("processing", "paid")


async def test_a_failure_arriving_after_the_payment_does_not_unpay(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    order_id = (await checkout_one_mug(client, store)).json()["orderId"]

    await post_stripe_event(
        client, store, stripe_event("checkout.session.completed", stripe_checkout_session(order_id))
    )
    late = await post_stripe_event(
        client,
        store,
        stripe_event(
            "checkout.session.async_payment_failed", stripe_checkout_session(order_id, payment_status="unpaid")
        ),
    )

    assert late.json()["result"] == "no_change"
    assert await order_state(runtime, order_id) == ("processing", "paid")


async def test_an_expired_session_cancels_the_order_and_gives_back_stock_and_coupon(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    # given
    order_id = (await checkout_one_mug(client, store, couponCode="SAVE10")).json()["orderId"]
    assert await stock_of(runtime, "ceramic-mug") == 118

    # when
    expired = stripe_checkout_session(order_id, status="expired", payment_status="unpaid")
    await post_stripe_event(client, store, stripe_event("checkout.session.expired", expired))

    # then
    assert await order_state(runtime, order_id) == ("cancelled", "pending")
    assert await stock_of(runtime, "ceramic-mug") == 120
    validation = await client.post(
        store.aerostack("/coupons/validate"), json={"code": "SAVE10", "email": "ann@example.com"}, headers=store.auth
    )
    assert validation.json()["valid"] is True


async def test_a_refund_marks_the_order_refunded(client: httpx.AsyncClient, runtime: Runtime, store: Store) -> None:
    order_id = (await checkout_one_mug(client, store, family="aerocall")).json()["orderId"]
    intent = stripe_payment_intent(order_id)
    await post_stripe_event(client, store, stripe_event("payment_intent.succeeded", intent))

    await post_stripe_event(
        client, store, stripe_event("charge.refunded", stripe_charge(order_id, payment_intent=intent["id"]))
    )

    assert await order_state(runtime, order_id) == ("refunded", "refunded")


async def test_an_event_for_an_unknown_order_is_acknowledged(client: httpx.AsyncClient, store: Store) -> None:
    response = await post_stripe_event(
        client, store, stripe_event("checkout.session.completed", stripe_checkout_session("ord_unknown"))
    )

    assert response.status_code == 200
    assert response.json()["result"] == "unknown_order"


async def test_stripe_down_at_checkout_is_a_502_and_gives_everything_back(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, stripe_fake: StripeFake
) -> None:
    # given
    stripe_fake.fail_next(5, status=500)

    # when
    response = await checkout_one_mug(client, store, couponCode="SAVE10")

    # then
    assert response.status_code == 502
    assert response.json()["code"].startswith("PAYMENT")
    assert await stock_of(runtime, "ceramic-mug") == 120
    listing = await client.get(store.aerostack("/orders"), params={"email": "ann@example.com"}, headers=store.auth)
    assert [order["status"] for order in listing.json()["orders"]] == ["cancelled"]
