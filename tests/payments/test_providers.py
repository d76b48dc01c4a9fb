"""Choosing a store's provider, and manual payment (cash on delivery)."""

from __future__ import annotations

import pytest

from shopgraph.errors import PaymentProviderError
from shopgraph.payments import (
    InvalidSignature,
    ManualProvider,
    ProviderCredentials,
    RazorpayProvider,
    StripeProvider,
    provider_for,
)
from shopgraph.settings import Settings
from tests.fakes.razorpay_fake import RazorpayFake
from tests.fakes.stripe_fake import StripeFake
from tests.payments.builders import payment_request, razorpay_credentials, stripe_credentials


async def test_manual_payment_needs_no_provider_call() -> None:
    order = payment_request(order_number="ORD-012")

    session = await ManualProvider().create_payment(order)

    assert (session.provider, session.reference) == ("manual", f"manual_{order.order_id}")
    assert session.instructions is not None
    assert "ORD-012" in session.instructions
    assert session.url is session.client_secret is None


def test_manual_payment_has_no_webhooks() -> None:
    with pytest.raises(InvalidSignature):
        ManualProvider().parse_webhook(b"{}", {})


async def test_stripe_is_reached_at_the_api_base_from_settings(stripe_fake: StripeFake) -> None:
    settings = Settings(stripe_api_base=stripe_fake.url)

    chosen = provider_for("stripe", stripe_credentials(), settings, mode="payment_intent")
    session = await chosen.create_payment(payment_request())

    assert isinstance(chosen, StripeProvider)
    assert session.reference.startswith("pi_")
    assert [sent.path for sent in stripe_fake.requests] == ["/v1/payment_intents"]


async def test_razorpay_is_reached_at_the_api_base_from_settings(razorpay_fake: RazorpayFake) -> None:
    settings = Settings(razorpay_api_base=f"{razorpay_fake.url}/")

    chosen = provider_for("razorpay", razorpay_credentials(), settings, mode="checkout_session")
    session = await chosen.create_payment(payment_request(currency="INR", amount_minor=49900))

    assert isinstance(chosen, RazorpayProvider)
    assert session.reference in razorpay_fake.orders


def test_manual_is_chosen_by_name() -> None:
    assert isinstance(
        provider_for("manual", ProviderCredentials(), Settings(), mode="checkout_session"), ManualProvider
    )


def test_an_unknown_provider_is_refused() -> None:
    with pytest.raises(PaymentProviderError) as raised:
        provider_for("paypal", ProviderCredentials(), Settings(), mode="checkout_session")

    assert raised.value.code == "PAYMENT_NOT_CONFIGURED"


def test_credentials_never_show_their_secrets() -> None:
    credentials = ProviderCredentials(
        stripe_secret_key="sk_live_hidden",
        stripe_webhook_secret="whsec_hidden",
        razorpay_key_id="rzp_live_shown",
        razorpay_key_secret="rzp_secret_hidden",
        razorpay_webhook_secret="rzp_webhook_hidden",
    )

    assert "hidden" not in repr(credentials)
    assert "rzp_live_shown" in repr(credentials)
