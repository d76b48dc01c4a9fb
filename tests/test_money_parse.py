"""Money parsing refuses what is not an exact, bounded amount, with a ValueError and nothing else."""

from __future__ import annotations

import pytest

from shopgraph import money


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1e999999", "too large"),
        ("9e99999999999", "too large"),
        ("-1e999999", "too large"),
        ("1e15", "too large"),
        ("1e-9999999999", "more decimal places"),
        ("1.5000000000000000000000000000000000001", "more decimal places"),
        ("NaN", "not a number"),
        ("-Infinity", "not a number"),
    ],
)
def test_out_of_range_and_inexact_amounts_are_value_errors(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        money.parse_amount(raw, "USD")


@pytest.mark.parametrize(
    ("raw", "currency", "minor"),
    [
        ("29.99", "USD", 2999),
        ("1.500000000000000000000000000000000", "USD", 150),
        ("0e99999999", "USD", 0),
        ("99999999999999.99", "USD", 9999999999999999),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
    ],
)
def test_exact_amounts_within_range_are_minor_units(raw: str, currency: str, minor: int) -> None:
    assert money.parse_amount(raw, currency) == minor
