"""Currency tables against their authorities: Stripe's decimal lists and ISO 4217 (pycountry's copy)."""

from __future__ import annotations

import pycountry
import pytest

from shopgraph import money

# https://docs.stripe.com/currencies, "Zero-decimal currencies" and "Three-decimal currencies".
STRIPE_ZERO_DECIMAL = [
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "JPY",
    "KMF",
    "KRW",
    "MGA",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
]
STRIPE_THREE_DECIMAL = ["BHD", "JOD", "KWD", "OMR", "TND"]
# Two-decimal in Stripe's API, whatever ISO says: ISK (Stripe: "an ISK amount of 100 represents 1 krona"), HUF, TWD.
STRIPE_TWO_DECIMAL_SAMPLES = ["USD", "EUR", "GBP", "INR", "ISK", "HUF", "TWD", "IQD", "LYD"]


@pytest.mark.parametrize("code", STRIPE_ZERO_DECIMAL)
def test_stripes_zero_decimal_currencies_have_no_minor_unit(code: str) -> None:
    assert money.exponent(code) == 0


@pytest.mark.parametrize("code", STRIPE_THREE_DECIMAL)
def test_stripes_three_decimal_currencies_have_three_digits(code: str) -> None:
    assert money.exponent(code) == 3


@pytest.mark.parametrize("code", STRIPE_TWO_DECIMAL_SAMPLES)
def test_every_other_currency_has_two_digits(code: str) -> None:
    assert money.exponent(code) == 2


def test_the_tables_are_exactly_stripes_lists() -> None:
    assert set(STRIPE_ZERO_DECIMAL) == money.STRIPE_ZERO_DECIMAL
    assert set(STRIPE_THREE_DECIMAL) == money.STRIPE_THREE_DECIMAL


def test_mga_is_whole_ariary_as_stripe_takes_it() -> None:
    assert money.parse_amount("1500", "MGA") == 1500
    with pytest.raises(ValueError, match="decimal places"):
        money.parse_amount("1500.5", "MGA")


def test_the_iso_4217_codes_are_the_standards() -> None:
    assert {currency.alpha_3 for currency in pycountry.currencies} == money.ISO_4217_CODES


@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "KWD", "MGA", "XOF"])
def test_money_codes_are_currencies(code: str) -> None:
    assert money.is_currency_code(code)


@pytest.mark.parametrize("code", ["XYZ", "usd", "US", "XAU", "XTS", "XXX", "BOV"])
def test_unknown_codes_metals_funds_and_test_codes_are_not(code: str) -> None:
    assert not money.is_currency_code(code)
