"""Money as integer minor units of a currency; floats only at the JSON edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_EXPONENTS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "INR": "₹",
    "JPY": "¥",
    "CNY": "¥",
    "AUD": "A$",
    "CAD": "C$",
    "CHF": "CHF",
    "KWD": "KD",
    "BHD": "BD",
    "SGD": "S$",
    "NZD": "NZ$",
    "BRL": "R$",
    "MXN": "MX$",
    "KRW": "₩",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "ZAR": "R",
    "AED": "AED",
}

KNOWN_CURRENCIES = frozenset(CURRENCY_SYMBOLS) | frozenset(_EXPONENTS)


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())


def is_currency_code(value: str) -> bool:
    return len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def to_json_number(minor: int, currency: str) -> int | float:
    """Main units for the REST edge: `29.99`, `1500` for JPY."""
    places = exponent(currency)
    if places == 0:
        return minor
    return float(to_decimal(minor, currency))


def parse_amount(value: object, currency: str) -> int:
    """Main units (string, int or float as written) to minor units; raises ValueError if not exact."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a number")
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"more decimal places than {currency} has")
    return int(scaled)


def percentage_of(minor: int, percent: Decimal) -> int:
    """`percent` % of an amount in minor units, rounded half-up to a whole minor unit."""
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_from_basis_points(basis_points: int) -> Decimal:
    """1000 -> Decimal("10"), 725 -> Decimal("7.25"): no trailing zeros beyond what the value needs."""
    exact = Decimal(basis_points).scaleb(-2)
    return exact.quantize(Decimal(1)) if basis_points % 100 == 0 else exact.quantize(Decimal("0.01")).normalize()
