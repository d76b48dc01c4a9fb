"""Creating Stripe payments: the real `stripe` SDK talking to the loopback Stripe fake."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import stripe

from shopgraph.errors import PaymentProviderError
from shopgraph.payments import PaymentLine, StripeProvider
from shopgraph.payments.stripe_provider import checkout_session_expiry
from tests.fakes.stripe_fake import StripeFake
from tests.payments.builders import STRIPE_SECRET_KEY, payment_request, stripe_credentials, unreachable_url

MINUTE = 60
HOUR = 60 * MINUTE


def checkout_provider(
    fake: StripeFake, *, max_network_retries: int = 2, clock: Callable[[], float] = time.time
) -> StripeProvider:
    return StripeProvider(
        stripe_credentials(),
        api_base=fake.url,
        mode="checkout_session",
        max_network_retries=max_network_retries,
        clock=clock,
    )


def intent_provider(fake: StripeFake, *, max_network_retries: int = 2) -> StripeProvider:
    return StripeProvider(
        stripe_credentials(), api_base=fake.url, mode="payment_intent", max_network_retries=max_network_retries
    )


async def test_checkout_session_carries_amounts_in_minor_units_and_the_order_in_metadata(
    stripe_fake: StripeFake,
) -> None:
    # given
    order = payment_request(order_number="ORD-042")

    # when
    session = await checkout_provider(stripe_fake).create_payment(order)

    # then
    assert session.provider == "stripe"
    assert session.reference.startswith("cs_")
    assert session.url == f"{stripe_fake.url}/c/pay/{session.reference}"
    assert (session.amount_minor, session.currency) == (2599, "USD")
    [sent] = stripe_fake.requests
    assert (sent.method, sent.path) == ("POST", "/v1/checkout/sessions")
    assert sent.header("Authorization") == f"Bearer {STRIPE_SECRET_KEY}"
    assert sent.params["mode"] == "payment"
    assert sent.params["line_items"] == [
        {"quantity": "2", "price_data": {"currency": "usd", "unit_amount": "1250", "product_data": {"name": "Tee"}}},
        {"quantity": "1", "price_data": {"currency": "usd", "unit_amount": "99", "product_data": {"name": "Sticker"}}},
    ]
    expected_metadata = {"order_id": order.order_id, "order_number": "ORD-042", "project": "demo"}
    assert sent.params["metadata"] == expected_metadata
    assert sent.params["payment_intent_data"] == {"metadata": expected_metadata}
    assert sent.params["client_reference_id"] == order.order_id
    assert sent.params["customer_email"] == "ada@example.com"
    assert sent.params["success_url"] == "https://shop.example.com/thanks"
    assert sent.params["cancel_url"] == "https://shop.example.com/cart"
    assert sent.params["expires_at"] == str(order.expires_at_ms // 1000)
    assert stripe_fake.checkout_sessions[0]["amount_total"] == 2599


async def test_zero_decimal_currencies_are_sent_as_they_are(stripe_fake: StripeFake) -> None:
    order = payment_request(amount_minor=1500, currency="JPY", lines=(PaymentLine("Matcha", 1500, 1),))

    session = await checkout_provider(stripe_fake).create_payment(order)

    [sent] = stripe_fake.requests
    assert sent.params["line_items"][0]["price_data"] == {
        "currency": "jpy",
        "unit_amount": "1500",
        "product_data": {"name": "Matcha"},
    }
    assert (session.amount_minor, session.currency) == (1500, "JPY")


async def test_lines_that_do_not_add_up_to_the_total_become_one_line_for_the_order(stripe_fake: StripeFake) -> None:
    # given: 25.99 of goods, with tax and shipping the order owes 33.59
    order = payment_request(order_number="ORD-007", amount_minor=3359)

    await checkout_provider(stripe_fake).create_payment(order)

    [sent] = stripe_fake.requests
    assert sent.params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {"currency": "usd", "unit_amount": "3359", "product_data": {"name": "Order ORD-007"}},
        }
    ]
    assert stripe_fake.checkout_sessions[0]["amount_total"] == 3359


async def test_urls_the_store_does_not_have_are_left_to_stripe(stripe_fake: StripeFake) -> None:
    await checkout_provider(stripe_fake).create_payment(payment_request(success_url="", cancel_url="", email=""))

    [sent] = stripe_fake.requests
    assert {"success_url", "cancel_url", "customer_email"}.isdisjoint(sent.params)


async def test_an_order_without_lines_is_charged_its_total(stripe_fake: StripeFake) -> None:
    await checkout_provider(stripe_fake).create_payment(payment_request(lines=()))

    assert stripe_fake.checkout_sessions[0]["amount_total"] == 2599


async def test_the_idempotency_key_comes_from_the_order_so_a_retry_replays_the_first_session(
    stripe_fake: StripeFake,
) -> None:
    # given: an order due in 15 minutes, less than Stripe's 30, so its expiry has to be moved
    order = payment_request(ttl_seconds=15 * MINUTE)
    now = time.time()
    first = await checkout_provider(stripe_fake, clock=lambda: now).create_payment(order)

    # when: the call is retried a minute and a half later
    retried = await checkout_provider(stripe_fake, clock=lambda: now + 90).create_payment(order)

    # then
    assert retried.reference == first.reference
    assert len(stripe_fake.checkout_sessions) == 1
    assert [sent.header("Idempotency-Key") for sent in stripe_fake.requests] == [f"order-{order.order_id}-session"] * 2


async def test_a_deadline_too_close_for_stripe_is_moved_into_its_window(stripe_fake: StripeFake) -> None:
    order = payment_request(ttl_seconds=5 * MINUTE)

    session = await checkout_provider(stripe_fake).create_payment(order)

    created = stripe_fake.objects[session.reference]
    assert created["expires_at"] - time.time() >= 30 * MINUTE


@pytest.mark.parametrize(
    ("deadline_after", "expected_after"),
    [
        pytest.param(1 * HOUR, 1 * HOUR, id="inside the window: as it is"),
        pytest.param(23 * HOUR, 23 * HOUR, id="near the end of the window: as it is"),
        pytest.param(10 * MINUTE, 10 * MINUTE + 32 * MINUTE, id="too close: 32 minutes later"),
        pytest.param(-5 * MINUTE, 32 * MINUTE, id="already past: the earliest Stripe allows"),
    ],
)
def test_checkout_session_expiry_stays_in_stripes_window(deadline_after: int, expected_after: int) -> None:
    now = 1_700_000_000

    expiry = checkout_session_expiry((now + deadline_after) * 1000, now)

    assert expiry == now + expected_after


def test_a_deadline_beyond_24_hours_leaves_the_expiry_to_stripe() -> None:
    now = 1_700_000_000

    assert checkout_session_expiry((now + 3 * 24 * HOUR) * 1000, now) is None


async def test_payment_intent_mode_returns_the_client_secret(stripe_fake: StripeFake) -> None:
    order = payment_request(order_number="ORD-003")

    session = await intent_provider(stripe_fake).create_payment(order)

    assert session.reference.startswith("pi_")
    assert session.client_secret is not None
    assert session.client_secret.startswith(f"{session.reference}_secret_")
    assert session.public_key == "pk_test_fake_51Hshopgraph"
    assert session.url is None
    [sent] = stripe_fake.requests
    assert (sent.method, sent.path) == ("POST", "/v1/payment_intents")
    assert sent.header("Idempotency-Key") == f"order-{order.order_id}-intent"
    assert sent.params["amount"] == "2599"
    assert sent.params["currency"] == "usd"
    assert sent.params["metadata"] == {"order_id": order.order_id, "order_number": "ORD-003", "project": "demo"}
    assert sent.params["receipt_email"] == "ada@example.com"
    assert sent.params["automatic_payment_methods"] == {"enabled": "true"}


async def test_a_retried_payment_intent_is_the_first_one(stripe_fake: StripeFake) -> None:
    order = payment_request()
    provider = intent_provider(stripe_fake)

    first = await provider.create_payment(order)
    retried = await provider.create_payment(order)

    assert (retried.reference, retried.client_secret) == (first.reference, first.client_secret)
    assert len(stripe_fake.payment_intents) == 1


async def test_a_shared_http_client_is_left_open_for_its_owner(stripe_fake: StripeFake) -> None:
    http_client = stripe.HTTPXClient(timeout=5)
    provider = StripeProvider(
        stripe_credentials(), api_base=stripe_fake.url, mode="payment_intent", http_client=http_client
    )
    try:
        await provider.create_payment(payment_request())
        await provider.create_payment(payment_request())
    finally:
        await http_client.close_async()

    assert len(stripe_fake.payment_intents) == 2


async def test_a_server_error_is_retried_with_the_same_idempotency_key(stripe_fake: StripeFake) -> None:
    stripe_fake.fail_next(1, status=500)
    order = payment_request()

    session = await checkout_provider(stripe_fake, max_network_retries=1).create_payment(order)

    assert session.reference.startswith("cs_")
    assert [sent.header("Idempotency-Key") for sent in stripe_fake.requests] == [f"order-{order.order_id}-session"] * 2
    assert len(stripe_fake.checkout_sessions) == 1


async def test_a_declined_card_is_a_payment_provider_error(stripe_fake: StripeFake) -> None:
    stripe_fake.fail_next(1, status=402)

    with pytest.raises(PaymentProviderError) as raised:
        await intent_provider(stripe_fake, max_network_retries=0).create_payment(payment_request())

    assert (raised.value.status, raised.value.code) == (502, "PAYMENT_PROVIDER_ERROR")
    assert "Your card was declined." in raised.value.message


async def test_a_failing_stripe_is_a_payment_provider_error(stripe_fake: StripeFake) -> None:
    stripe_fake.fail_next(3, status=500)

    with pytest.raises(PaymentProviderError) as raised:
        await checkout_provider(stripe_fake, max_network_retries=0).create_payment(payment_request())

    assert (raised.value.status, raised.value.code) == (502, "PAYMENT_PROVIDER_ERROR")
    assert "Stripe is unavailable (HTTP 500)" in raised.value.message
    assert stripe_fake.checkout_sessions == []


async def test_a_stripe_that_is_down_is_a_payment_provider_error(stripe_fake: StripeFake) -> None:
    stripe_fake.down = True

    with pytest.raises(PaymentProviderError) as raised:
        await checkout_provider(stripe_fake, max_network_retries=0).create_payment(payment_request())

    assert "HTTP 503" in raised.value.message
    assert "<html>" not in raised.value.message


async def test_an_unreachable_stripe_is_a_payment_provider_error() -> None:
    provider = StripeProvider(
        stripe_credentials(), api_base=unreachable_url(), mode="checkout_session", max_network_retries=0
    )

    with pytest.raises(PaymentProviderError) as raised:
        await provider.create_payment(payment_request())

    assert raised.value.code == "PAYMENT_PROVIDER_ERROR"
    assert "Could not reach Stripe" in raised.value.message


async def test_a_rejected_api_key_is_reported_without_the_key(stripe_fake: StripeFake) -> None:
    stripe_fake.secret_key = "sk_test_another_account"

    with pytest.raises(PaymentProviderError) as raised:
        await checkout_provider(stripe_fake).create_payment(payment_request())

    assert raised.value.message == "Stripe rejected the store's API key (stripe_secret_key)."
    assert STRIPE_SECRET_KEY not in str(raised.value.as_dict())


async def test_a_store_without_a_stripe_secret_key_is_not_configured(stripe_fake: StripeFake) -> None:
    provider = StripeProvider(
        stripe_credentials(stripe_secret_key=None), api_base=stripe_fake.url, mode="checkout_session"
    )

    with pytest.raises(PaymentProviderError) as raised:
        await provider.create_payment(payment_request())

    assert (raised.value.status, raised.value.code) == (502, "PAYMENT_NOT_CONFIGURED")
    assert stripe_fake.requests == []


def test_an_unknown_stripe_mode_is_refused() -> None:
    with pytest.raises(PaymentProviderError) as raised:
        StripeProvider(stripe_credentials(), api_base=None, mode="subscription")

    assert raised.value.code == "PAYMENT_NOT_CONFIGURED"
