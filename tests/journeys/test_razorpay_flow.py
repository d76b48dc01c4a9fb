"""Razorpay end to end: the real SDK against a loopback fake, the modal's signature, signed webhooks."""

from __future__ import annotations

import httpx
import pytest

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.razorpay_fake import (
    FAKE_KEY_ID,
    FAKE_KEY_SECRET,
    RazorpayFake,
    razorpay_checkout_signature,
    razorpay_event,
    razorpay_order,
    razorpay_payment,
    razorpay_refund,
    sign_razorpay_event,
)
from tests.fakes.smtp_server import SmtpServer
from tests.support.factories import Store
from tests.support.outbox import outbox_count, run_worker
from tests.support.payments import (
    RAZORPAY_WEBHOOK_SECRET,
    checkout_one_mug,
    order_state,
    settings_with_fakes,
    stock_of,
    store_paying_with,
)


@pytest.fixture
def settings(database_url: str, razorpay_fake: RazorpayFake, smtp_server: SmtpServer) -> Settings:
    return settings_with_fakes(database_url, razorpay=razorpay_fake, smtp=smtp_server)


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await store_paying_with(runtime, "razorpay")


async def post_event(
    client: httpx.AsyncClient, store: Store, event: dict[str, object], secret: str = RAZORPAY_WEBHOOK_SECRET
) -> httpx.Response:
    body, headers = sign_razorpay_event(event, secret)
    return await client.post(f"/api/v1/webhooks/razorpay/{store.slug}", content=body, headers=headers)


async def test_checkout_returns_what_the_razorpay_modal_needs(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, razorpay_fake: RazorpayFake
) -> None:
    # when
    response = await checkout_one_mug(client, store)

    # then
    assert response.status_code == 201, response.text
    payment = response.json()["payment"]
    assert payment["provider"] == "razorpay"
    assert payment["token"] == FAKE_KEY_ID
    assert payment["providerOrderId"].startswith("order_")
    assert (payment["amount"], payment["currency"]) == (3690, "USD")
    sent = razorpay_fake.requests[-1]
    assert sent.basic_auth == (FAKE_KEY_ID, FAKE_KEY_SECRET)
    assert await order_state(runtime, response.json()["orderId"]) == ("pending", "pending")


async def test_the_modal_signature_marks_the_order_paid_at_once(
    client: httpx.AsyncClient, runtime: Runtime, store: Store
) -> None:
    # given
    body = (await checkout_one_mug(client, store)).json()
    provider_order = body["payment"]["providerOrderId"]
    signature = razorpay_checkout_signature(provider_order, "pay_123", FAKE_KEY_SECRET)

    # when
    forged = await client.post(
        store.aerostack("/payments/razorpay/verify"),
        json={"razorpay_order_id": provider_order, "razorpay_payment_id": "pay_999", "razorpay_signature": signature},
        headers=store.auth,
    )
    verified = await client.post(
        store.aerostack("/payments/razorpay/verify"),
        json={"razorpay_order_id": provider_order, "razorpay_payment_id": "pay_123", "razorpay_signature": signature},
        headers=store.auth,
    )

    # then
    assert forged.status_code == 400
    assert verified.status_code == 200
    assert verified.json()["order"]["payment_status"] == "paid"
    assert await order_state(runtime, body["orderId"]) == ("processing", "paid")


async def test_a_captured_payment_webhook_pays_the_order_once_and_the_customer_gets_the_email(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, store: Store, smtp_server: SmtpServer
) -> None:
    # given
    body = (await checkout_one_mug(client, store)).json()
    provider_order = body["payment"]["providerOrderId"]
    captured = razorpay_event("payment.captured", payment=razorpay_payment(provider_order, amount=3690, currency="USD"))
    paid = razorpay_event(
        "order.paid",
        order=razorpay_order(body["orderId"], razorpay_order_id=provider_order, amount=3690, currency="USD"),
        payment=razorpay_payment(provider_order, amount=3690, currency="USD"),
    )

    # when
    first = await post_event(client, store, captured)
    second = await post_event(client, store, paid)

    # then
    assert first.status_code == second.status_code == 200
    assert (first.json()["result"], second.json()["result"]) == ("applied", "no_change")
    assert await order_state(runtime, body["orderId"]) == ("processing", "paid")
    assert await outbox_count(runtime, "email.order_confirmation") == 1
    await run_worker(settings, runtime)
    assert [received.rcpt_tos for received in smtp_server.received] == [["ann@example.com"]]
    listing = await client.get(store.aerostack("/orders"), params={"email": "ann@example.com"}, headers=store.auth)
    assert [order["payment_status"] for order in listing.json()["orders"]] == ["paid"]


async def test_a_failed_payment_then_a_refund(client: httpx.AsyncClient, runtime: Runtime, store: Store) -> None:
    # given
    body = (await checkout_one_mug(client, store)).json()
    provider_order = body["payment"]["providerOrderId"]

    # when / then
    await post_event(
        client, store, razorpay_event("payment.failed", payment=razorpay_payment(provider_order, status="failed"))
    )
    assert await order_state(runtime, body["orderId"]) == ("pending", "failed")
    payment = razorpay_payment(provider_order, amount=3690, currency="USD")
    await post_event(client, store, razorpay_event("payment.captured", payment=payment))
    refunded = razorpay_payment(
        provider_order, payment_id=payment["id"], amount=3690, currency="USD", status="refunded", refund_status="full"
    )
    await post_event(
        client,
        store,
        razorpay_event(
            "refund.processed", refund=razorpay_refund(payment["id"], amount=3690, currency="USD"), payment=refunded
        ),
    )
    assert await order_state(runtime, body["orderId"]) == ("refunded", "refunded")


@pytest.mark.parametrize("tampering", ["wrong secret", "altered body", "no signature"])
async def test_a_webhook_that_does_not_verify_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, tampering: str
) -> None:
    # given
    body = (await checkout_one_mug(client, store)).json()
    event = razorpay_event("payment.captured", payment=razorpay_payment(body["payment"]["providerOrderId"]))
    raw, headers = sign_razorpay_event(event, "other" if tampering == "wrong secret" else RAZORPAY_WEBHOOK_SECRET)
    if tampering == "altered body":
        raw = raw.replace(b"captured", b"Captured")
    if tampering == "no signature":
        del headers["X-Razorpay-Signature"]

    # when
    response = await client.post(f"/api/v1/webhooks/razorpay/{store.slug}", content=raw, headers=headers)

    # then
    assert response.status_code == 400
    assert await order_state(runtime, body["orderId"]) == ("pending", "pending")


async def test_razorpay_refusing_the_order_is_a_502_and_gives_the_stock_back(
    client: httpx.AsyncClient, runtime: Runtime, store: Store, razorpay_fake: RazorpayFake
) -> None:
    razorpay_fake.fail_next(3, status=500)

    response = await checkout_one_mug(client, store)

    assert response.status_code == 502
    assert await stock_of(runtime, "ceramic-mug") == 120


async def test_verifying_a_razorpay_payment_on_a_store_without_razorpay_is_a_400(
    client: httpx.AsyncClient, demo: Store
) -> None:
    response = await client.post(
        demo.aerostack("/payments/razorpay/verify"),
        json={"razorpay_order_id": "order_x", "razorpay_payment_id": "pay_x", "razorpay_signature": "sig"},
        headers=demo.auth,
    )

    assert (response.status_code, response.json()["code"]) == (400, "RAZORPAY_NOT_CONFIGURED")
