"""Money as integer minor units of a currency; floats only at the JSON edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Stripe's lists (https://docs.stripe.com/currencies): amounts in these are whole units, or thousandths. Every other
# currency has two digits in Stripe's API, ISK among them (Stripe kept it two-decimal when it became whole units).
STRIPE_ZERO_DECIMAL = _codes("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF")
STRIPE_THREE_DECIMAL = _codes("BHD JOD KWD OMR TND")
_EXPONENTS = {**dict.fromkeys(STRIPE_ZERO_DECIMAL, 0), **dict.fromkeys(STRIPE_THREE_DECIMAL, 3)}

# ISO 4217's current codes (tests/test_money_tables.py checks them against pycountry's copy of the standard), less
# those that are no shop's money: funds, precious metals, bond units, drawing rights, the test and "no currency" codes.
ISO_4217_CODES = _codes("""
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF
    CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD
    XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
""")
NOT_MONEY = _codes("BOV CHE CHW CLF COU MXV USN UYI UYW XAD XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX")
CURRENCY_CODES = ISO_4217_CODES - NOT_MONEY

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


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())


def is_currency_code(value: str) -> bool:
    """An ISO 4217 code of money a shop can price in, as written (upper case)."""
    return value in CURRENCY_CODES


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def to_json_number(minor: int, currency: str) -> int | float:
    """Main units for the REST edge: `29.99`, `1500` for JPY."""
    places = exponent(currency)
    if places == 0:
        return minor
    return float(to_decimal(minor, currency))


# Larger than any price: 10**15 main units. Checked before scaling, so an exponent bomb such as `1e999999` is refused
# without arithmetic on it.
MAX_AMOUNT_DIGITS = 15
# Exact arithmetic on what is left: a result that would need rounding is refused rather than rounded.
_EXACT = Context(prec=MAX_AMOUNT_DIGITS + 8, traps=[InvalidOperation, Overflow, Inexact])


def parse_amount(value: object, currency: str) -> int:
    """Main units (string, int or float as written) to minor units; raises ValueError if not exact or too large."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a number")
    if amount.is_zero():
        return 0
    if amount.adjusted() >= MAX_AMOUNT_DIGITS:
        raise ValueError("too large")
    try:
        scaled = amount.scaleb(exponent(currency), _EXACT)
    except ArithmeticError as exc:
        raise ValueError(f"more decimal places than {currency} has") from exc
    if scaled != scaled.to_integral_value(context=_EXACT):
        raise ValueError(f"more decimal places than {currency} has")
    return int(scaled)


def percentage_of(minor: int, percent: Decimal) -> int:
    """`percent` % of an amount in minor units, rounded half-up to a whole minor unit."""
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_from_basis_points(basis_points: int) -> Decimal:
    """1000 -> Decimal("10"), 725 -> Decimal("7.25"): no trailing zeros beyond what the value needs."""
    exact = Decimal(basis_points).scaleb(-2)
    return exact.quantize(Decimal(1)) if basis_points % 100 == 0 else exact.quantize(Decimal("0.01")).normalize()
