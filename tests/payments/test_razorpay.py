"""Razorpay: orders through the real SDK against the loopback fake, webhooks, and the checkout modal's signature."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from shopgraph.errors import PaymentProviderError
from shopgraph.payments import (
    InvalidSignature,
    PaymentOutcome,
    PaymentRequest,
    RazorpayProvider,
    verify_checkout_signature,
)
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
from tests.payments.builders import RAZORPAY_WEBHOOK_SECRET, payment_request, razorpay_credentials, unreachable_url

ORDER_ID = "ord_7f3a"
RAZORPAY_ORDER_ID = "order_Shopgraph01"


def provider(api_base: str | None = None, **credentials: str | None) -> RazorpayProvider:
    return RazorpayProvider(razorpay_credentials(**credentials), api_base=api_base)


def rupee_order(**overrides: Any) -> PaymentRequest:
    """An order of 499.00 rupees."""
    return payment_request(**({"amount_minor": 49900, "currency": "INR", "lines": ()} | overrides))


async def test_an_order_is_created_in_paise_with_our_order_in_its_notes(razorpay_fake: RazorpayFake) -> None:
    # given
    order = rupee_order(order_number="ORD-007")

    # when
    session = await provider(razorpay_fake.url).create_payment(order)

    # then
    assert session.provider == "razorpay"
    assert session.reference.startswith("order_")
    assert session.public_key == FAKE_KEY_ID
    assert (session.amount_minor, session.currency) == (49900, "INR")
    [sent] = razorpay_fake.requests
    assert (sent.method, sent.path) == ("POST", "/v1/orders")
    assert sent.basic_auth == (FAKE_KEY_ID, FAKE_KEY_SECRET)
    assert sent.body == {
        "amount": 49900,
        "currency": "INR",
        "receipt": "ORD-007",
        "notes": {"order_id": order.order_id, "order_number": "ORD-007", "project": "demo"},
    }
    assert razorpay_fake.orders[session.reference]["status"] == "created"


async def test_keys_razorpay_rejects_are_a_payment_provider_error(razorpay_fake: RazorpayFake) -> None:
    with pytest.raises(PaymentProviderError) as raised:
        await provider(razorpay_fake.url, razorpay_key_secret="wrong_secret").create_payment(rupee_order())

    assert (raised.value.status, raised.value.code) == (502, "PAYMENT_PROVIDER_ERROR")
    assert raised.value.message == "Razorpay refused the order: Authentication failed"
    assert "wrong_secret" not in raised.value.message


async def test_an_amount_under_razorpays_minimum_is_refused(razorpay_fake: RazorpayFake) -> None:
    with pytest.raises(PaymentProviderError, match="less than minimum amount"):
        await provider(razorpay_fake.url).create_payment(rupee_order(amount_minor=50))


@pytest.mark.parametrize("status", [500, 502, 400])
async def test_a_failing_razorpay_is_a_payment_provider_error(razorpay_fake: RazorpayFake, status: int) -> None:
    razorpay_fake.fail_next(1, status=status)

    with pytest.raises(PaymentProviderError) as raised:
        await provider(razorpay_fake.url).create_payment(rupee_order())

    assert (raised.value.status, raised.value.code) == (502, "PAYMENT_PROVIDER_ERROR")
    assert razorpay_fake.orders == {}


async def test_a_razorpay_that_is_down_is_a_payment_provider_error(razorpay_fake: RazorpayFake) -> None:
    razorpay_fake.down = True

    with pytest.raises(PaymentProviderError, match="Razorpay is unavailable or could not be reached"):
        await provider(razorpay_fake.url).create_payment(rupee_order())


async def test_an_unreachable_razorpay_is_a_payment_provider_error() -> None:
    with pytest.raises(PaymentProviderError, match="Razorpay is unavailable or could not be reached"):
        await provider(unreachable_url()).create_payment(rupee_order())


async def test_a_store_without_razorpay_keys_is_not_configured(razorpay_fake: RazorpayFake) -> None:
    with pytest.raises(PaymentProviderError) as raised:
        await provider(razorpay_fake.url, razorpay_key_secret=None).create_payment(rupee_order())

    assert raised.value.code == "PAYMENT_NOT_CONFIGURED"
    assert razorpay_fake.requests == []


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        pytest.param(
            razorpay_event("payment.captured", payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID)),
            PaymentOutcome.PAID,
            id="payment captured",
        ),
        pytest.param(
            razorpay_event(
                "order.paid",
                payment=razorpay_payment(RAZORPAY_ORDER_ID),
                order=razorpay_order(ORDER_ID, razorpay_order_id=RAZORPAY_ORDER_ID),
            ),
            PaymentOutcome.PAID,
            id="order paid, our id in the order's notes",
        ),
        pytest.param(
            razorpay_event(
                "payment.failed", payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID, status="failed")
            ),
            PaymentOutcome.FAILED,
            id="payment failed",
        ),
        pytest.param(
            razorpay_event(
                "refund.processed",
                refund=razorpay_refund("pay_Shopgraph01"),
                payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID, status="refunded", refund_status="full"),
            ),
            PaymentOutcome.REFUNDED,
            id="fully refunded",
        ),
        pytest.param(
            razorpay_event(
                "refund.processed",
                refund=razorpay_refund("pay_Shopgraph01", amount=10000),
                payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID, refund_status="partial"),
            ),
            PaymentOutcome.IGNORED,
            id="partly refunded",
        ),
        pytest.param(
            razorpay_event(
                "payment.authorized",
                payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID, status="authorized"),
            ),
            PaymentOutcome.IGNORED,
            id="an event we do not handle",
        ),
    ],
)
def test_a_signed_event_says_what_happened_to_which_order(event: dict[str, Any], outcome: str) -> None:
    # given
    body, headers = sign_razorpay_event(event, RAZORPAY_WEBHOOK_SECRET, event_id="evt_Shopgraph01")

    # when
    parsed = provider().parse_webhook(body, headers)

    # then
    assert (parsed.provider, parsed.event_id, parsed.type) == ("razorpay", "evt_Shopgraph01", event["event"])
    assert (parsed.outcome, parsed.order_id, parsed.reference) == (outcome, ORDER_ID, RAZORPAY_ORDER_ID)


def test_a_refund_event_states_the_amount_refunded() -> None:
    event = razorpay_event(
        "refund.processed",
        refund=razorpay_refund("pay_Shopgraph01", amount=49900),
        payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID, amount=49900, refund_status="full"),
    )
    body, headers = sign_razorpay_event(event, RAZORPAY_WEBHOOK_SECRET)

    parsed = provider().parse_webhook(body, headers)

    assert (parsed.amount_minor, parsed.currency) == (49900, "INR")


def test_without_an_event_id_header_the_body_identifies_the_event() -> None:
    body, headers = sign_razorpay_event(
        razorpay_event("payment.captured", payment=razorpay_payment(RAZORPAY_ORDER_ID)), RAZORPAY_WEBHOOK_SECRET
    )
    del headers["X-Razorpay-Event-Id"]

    parsed = provider().parse_webhook(body, headers)

    assert parsed.event_id == f"sha256_{hashlib.sha256(body).hexdigest()}"
    assert parsed.order_id is None
    assert parsed.reference == RAZORPAY_ORDER_ID


def signed_event(secret: str = RAZORPAY_WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    event = razorpay_event("payment.captured", payment=razorpay_payment(RAZORPAY_ORDER_ID, order_id=ORDER_ID))
    return sign_razorpay_event(event, secret)


def with_signature(signature: str) -> tuple[bytes, dict[str, str]]:
    body, headers = signed_event()
    return body, headers | {"X-Razorpay-Signature": signature}


def altered_body() -> tuple[bytes, dict[str, str]]:
    body, headers = signed_event()
    return body.replace(b"49900", b"100").replace(b"50000", b"100"), headers


def without_header() -> tuple[bytes, dict[str, str]]:
    body, headers = signed_event()
    del headers["X-Razorpay-Signature"]
    return body, headers


@pytest.mark.parametrize(
    "delivery",
    [
        pytest.param(lambda: with_signature("0" * 64), id="forged signature"),
        pytest.param(lambda: signed_event(secret="another_webhook_secret"), id="signed with another secret"),
        pytest.param(altered_body, id="body altered after signing"),
        pytest.param(without_header, id="no X-Razorpay-Signature header"),
        pytest.param(lambda: with_signature("é" * 64), id="non-ASCII signature"),
        pytest.param(lambda: sign_razorpay_event(b"\xff\xfe", RAZORPAY_WEBHOOK_SECRET), id="signed garbage"),
        pytest.param(lambda: sign_razorpay_event(b'{"a": 1}', RAZORPAY_WEBHOOK_SECRET), id="signed, but not an event"),
    ],
)
def test_a_delivery_that_fails_verification_is_an_invalid_signature(delivery: Any) -> None:
    body, headers = delivery()

    with pytest.raises(InvalidSignature) as raised:
        provider().parse_webhook(body, headers)

    assert (raised.value.status, raised.value.code) == (400, "INVALID_SIGNATURE")


def test_a_store_without_a_webhook_secret_cannot_accept_razorpay_events() -> None:
    body, headers = signed_event()

    with pytest.raises(InvalidSignature, match="razorpay_webhook_secret is missing"):
        provider(razorpay_webhook_secret=None).parse_webhook(body, headers)


def test_the_checkout_modals_signature_is_verified_with_the_key_secret() -> None:
    signature = razorpay_checkout_signature(RAZORPAY_ORDER_ID, "pay_Shopgraph01", FAKE_KEY_SECRET)

    assert verify_checkout_signature(razorpay_credentials(), RAZORPAY_ORDER_ID, "pay_Shopgraph01", signature)


@pytest.mark.parametrize(
    ("order_id", "payment_id", "signature"),
    [
        pytest.param(
            RAZORPAY_ORDER_ID,
            "pay_Shopgraph01",
            razorpay_checkout_signature(RAZORPAY_ORDER_ID, "pay_Shopgraph01", "another_secret"),
            id="signed with another secret",
        ),
        pytest.param(
            RAZORPAY_ORDER_ID,
            "pay_Other",
            razorpay_checkout_signature(RAZORPAY_ORDER_ID, "pay_Shopgraph01", FAKE_KEY_SECRET),
            id="for another payment",
        ),
        pytest.param(RAZORPAY_ORDER_ID, "pay_Shopgraph01", "not-a-signature", id="garbage"),
        pytest.param(RAZORPAY_ORDER_ID, "pay_Shopgraph01", "é", id="non-ASCII"),
    ],
)
def test_a_checkout_signature_that_does_not_match_is_refused(order_id: str, payment_id: str, signature: str) -> None:
    assert verify_checkout_signature(razorpay_credentials(), order_id, payment_id, signature) is False


def test_a_checkout_signature_cannot_be_checked_without_the_key_secret() -> None:
    with pytest.raises(PaymentProviderError) as raised:
        verify_checkout_signature(razorpay_credentials(razorpay_key_secret=None), RAZORPAY_ORDER_ID, "pay_1", "sig")

    assert raised.value.code == "PAYMENT_NOT_CONFIGURED"
