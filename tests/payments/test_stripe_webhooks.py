"""Stripe webhooks: verified with the SDK, reduced to what they mean for the order."""

from __future__ import annotations

import time
from typing import Any

import pytest

from shopgraph.payments import InvalidSignature, PaymentOutcome, StripeProvider
from tests.fakes.stripe_fake import (
    sign_stripe_event,
    stripe_charge,
    stripe_checkout_session,
    stripe_event,
    stripe_payment_intent,
)
from tests.payments.builders import STRIPE_WEBHOOK_SECRET, stripe_credentials

ORDER_ID = "ord_7f3a"
INTENT_ID = "pi_3Pshopgraph"
SESSION_ID = "cs_test_a1shopgraph"


def provider(**credentials: str | None) -> StripeProvider:
    return StripeProvider(stripe_credentials(**credentials), api_base=None, mode="checkout_session")


@pytest.mark.parametrize(
    ("event_type", "obj", "outcome", "reference"),
    [
        pytest.param(
            "checkout.session.completed",
            stripe_checkout_session(ORDER_ID, session_id=SESSION_ID),
            PaymentOutcome.PAID,
            SESSION_ID,
            id="session completed and paid",
        ),
        pytest.param(
            "checkout.session.completed",
            stripe_checkout_session(ORDER_ID, session_id=SESSION_ID, payment_status="unpaid"),
            PaymentOutcome.IGNORED,
            SESSION_ID,
            id="session completed, bank debit still pending",
        ),
        pytest.param(
            "checkout.session.async_payment_succeeded",
            stripe_checkout_session(ORDER_ID, session_id=SESSION_ID),
            PaymentOutcome.PAID,
            SESSION_ID,
            id="bank debit succeeded",
        ),
        pytest.param(
            "checkout.session.async_payment_failed",
            stripe_checkout_session(ORDER_ID, session_id=SESSION_ID, payment_status="unpaid"),
            PaymentOutcome.FAILED,
            SESSION_ID,
            id="bank debit failed",
        ),
        pytest.param(
            "checkout.session.expired",
            stripe_checkout_session(ORDER_ID, session_id=SESSION_ID, status="expired", payment_status="unpaid"),
            PaymentOutcome.EXPIRED,
            SESSION_ID,
            id="session expired",
        ),
        pytest.param(
            "payment_intent.succeeded",
            stripe_payment_intent(ORDER_ID, intent_id=INTENT_ID),
            PaymentOutcome.PAID,
            INTENT_ID,
            id="intent succeeded",
        ),
        pytest.param(
            "payment_intent.payment_failed",
            stripe_payment_intent(ORDER_ID, intent_id=INTENT_ID, status="requires_payment_method"),
            PaymentOutcome.FAILED,
            INTENT_ID,
            id="intent failed",
        ),
        pytest.param(
            "charge.refunded",
            stripe_charge(ORDER_ID, payment_intent=INTENT_ID),
            PaymentOutcome.REFUNDED,
            INTENT_ID,
            id="charge fully refunded",
        ),
        pytest.param(
            "charge.refunded",
            stripe_charge(ORDER_ID, payment_intent=INTENT_ID, amount_refunded=500),
            PaymentOutcome.IGNORED,
            INTENT_ID,
            id="charge partly refunded",
        ),
        pytest.param(
            "payment_intent.created",
            stripe_payment_intent(ORDER_ID, intent_id=INTENT_ID, status="requires_payment_method"),
            PaymentOutcome.IGNORED,
            INTENT_ID,
            id="an event we do not handle",
        ),
    ],
)
def test_a_signed_event_says_what_happened_to_which_order(
    event_type: str, obj: dict[str, Any], outcome: str, reference: str
) -> None:
    # given
    body, headers = sign_stripe_event(stripe_event(event_type, obj, event_id="evt_1shopgraph"), STRIPE_WEBHOOK_SECRET)

    # when
    event = provider().parse_webhook(body, headers)

    # then
    assert (event.provider, event.event_id, event.type) == ("stripe", "evt_1shopgraph", event_type)
    assert (event.outcome, event.order_id, event.reference) == (outcome, ORDER_ID, reference)


def test_the_event_states_the_amount_it_moved() -> None:
    body, headers = sign_stripe_event(
        stripe_event("charge.refunded", stripe_charge(ORDER_ID, payment_intent=INTENT_ID, amount=4200, currency="jpy")),
        STRIPE_WEBHOOK_SECRET,
    )

    event = provider().parse_webhook(body, headers)

    assert (event.amount_minor, event.currency) == (4200, "JPY")


def test_the_order_id_falls_back_to_the_client_reference_id() -> None:
    session = stripe_checkout_session(None) | {"client_reference_id": ORDER_ID}
    body, headers = sign_stripe_event(stripe_event("checkout.session.completed", session), STRIPE_WEBHOOK_SECRET)

    assert provider().parse_webhook(body, headers).order_id == ORDER_ID


def test_an_event_without_an_order_has_no_order_id() -> None:
    body, headers = sign_stripe_event(
        stripe_event("payment_intent.succeeded", stripe_payment_intent(None)), STRIPE_WEBHOOK_SECRET
    )

    assert provider().parse_webhook(body, headers).order_id is None


def test_header_names_are_matched_whatever_their_case() -> None:
    body, headers = sign_stripe_event(
        stripe_event("payment_intent.succeeded", stripe_payment_intent(ORDER_ID)), STRIPE_WEBHOOK_SECRET
    )

    event = provider().parse_webhook(body, {"stripe-signature": headers["Stripe-Signature"]})

    assert event.outcome == PaymentOutcome.PAID


def test_a_signature_four_minutes_old_is_still_good() -> None:
    body, headers = sign_stripe_event(
        stripe_event("payment_intent.succeeded", stripe_payment_intent(ORDER_ID)),
        STRIPE_WEBHOOK_SECRET,
        timestamp=int(time.time()) - 240,
    )

    assert provider().parse_webhook(body, headers).outcome == PaymentOutcome.PAID


def signed_event(secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    return sign_stripe_event(
        stripe_event("checkout.session.completed", stripe_checkout_session(ORDER_ID)), secret, timestamp
    )


def with_signature(value: str) -> dict[str, str]:
    return {"Stripe-Signature": value}


def forged_signature() -> tuple[bytes, dict[str, str]]:
    body, headers = signed_event()
    timestamp, _ = headers["Stripe-Signature"].split(",")
    return body, with_signature(f"{timestamp},v1={'0' * 64}")


def altered_body() -> tuple[bytes, dict[str, str]]:
    body, headers = signed_event()
    return body.replace(ORDER_ID.encode(), b"ord_other"), headers


def without_header() -> tuple[bytes, dict[str, str]]:
    body, _ = signed_event()
    return body, {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "delivery",
    [
        pytest.param(forged_signature, id="forged signature"),
        pytest.param(lambda: signed_event(secret="whsec_another_endpoint"), id="signed with another secret"),
        pytest.param(lambda: signed_event(timestamp=int(time.time()) - 301), id="older than five minutes"),
        pytest.param(altered_body, id="body altered after signing"),
        pytest.param(without_header, id="no Stripe-Signature header"),
        pytest.param(lambda: (signed_event()[0], with_signature("")), id="empty header"),
        pytest.param(lambda: (signed_event()[0], with_signature("t=abc,v1")), id="malformed header"),
        pytest.param(lambda: sign_stripe_event(b"\xff\xfe not json", STRIPE_WEBHOOK_SECRET), id="signed garbage"),
        pytest.param(lambda: sign_stripe_event(b"[1, 2]", STRIPE_WEBHOOK_SECRET), id="signed, but not an event"),
    ],
)
def test_a_delivery_that_fails_verification_is_an_invalid_signature(delivery: Any) -> None:
    body, headers = delivery()

    with pytest.raises(InvalidSignature) as raised:
        provider().parse_webhook(body, headers)

    assert (raised.value.status, raised.value.code) == (400, "INVALID_SIGNATURE")
    assert STRIPE_WEBHOOK_SECRET not in raised.value.message


def test_a_store_without_a_webhook_secret_cannot_accept_stripe_events() -> None:
    body, headers = signed_event()

    with pytest.raises(InvalidSignature, match="stripe_webhook_secret is missing"):
        provider(stripe_webhook_secret=None).parse_webhook(body, headers)
