"""Order email content: money formatting and the JSON round trip through the outbox."""

from __future__ import annotations

import json

import pytest

from shopgraph.mail import OrderEmail, format_money
from tests.mail.factories import make_order_email, make_shipped_email


@pytest.mark.parametrize(
    ("minor", "currency", "symbol", "expected"),
    [
        (2999, "USD", "$", "$29.99"),
        (123456, "USD", "$", "$1,234.56"),
        (500, "USD", "$", "$5.00"),
        (0, "USD", "$", "$0.00"),
        (1500, "JPY", "¥", "¥1,500"),
        (12345, "KWD", "KD", "KD 12.345"),
        (-550, "EUR", "€", "-€5.50"),
    ],
)
def test_format_money_uses_the_currency_digits(minor: int, currency: str, symbol: str, expected: str) -> None:
    # when
    formatted = format_money(minor, currency, symbol)

    # then
    assert formatted == expected


def test_format_money_defaults_to_the_currency_symbol() -> None:
    # when / then
    assert format_money(2999, "INR") == "₹29.99"
    assert format_money(2999, "CHF") == "CHF 29.99"
    assert format_money(2999, "XYZ") == "XYZ 29.99"


@pytest.mark.parametrize("email", [make_order_email(), make_shipped_email(shipping_address=None, customer_name=None)])
def test_an_order_email_survives_a_json_round_trip(email: OrderEmail) -> None:
    # given
    stored = json.dumps(email.to_dict())

    # when
    restored = OrderEmail.from_dict(json.loads(stored))

    # then
    assert restored == email
    assert isinstance(restored.lines, tuple)


def test_optional_fields_may_be_missing_from_stored_json() -> None:
    # given
    data = make_order_email().to_dict()
    for optional in ("tracking_number", "carrier", "payment_note", "customer_name", "shipping_address"):
        del data[optional]

    # when
    restored = OrderEmail.from_dict(data)

    # then
    assert restored.tracking_number is None
    assert restored.shipping_address is None


def test_an_unknown_kind_is_refused() -> None:
    # when / then
    with pytest.raises(ValueError, match="kind"):
        make_order_email(kind="newsletter")


@pytest.mark.parametrize(
    ("discount_total", "has_discount"), [("$0.00", False), ("¥0", False), ("KD 0.000", False), ("$0.01", True)]
)
def test_has_discount_reads_the_formatted_amount(discount_total: str, has_discount: bool) -> None:
    # when / then
    assert make_order_email(discount_total=discount_total).has_discount is has_discount
