"""What an order email says, as plain values: built from an order, stored in the outbox as JSON, rendered later."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from shopgraph import money

EmailKind = Literal["confirmation", "shipped"]
EMAIL_KINDS: frozenset[str] = frozenset({"confirmation", "shipped"})


def format_money(minor: int, currency: str, symbol: str | None = None) -> str:
    """`$1,234.50`, `¥1,500`, `KD 12.345`: the currency's digits, a space after a symbol made of letters."""
    sign = "-" if minor < 0 else ""
    prefix = money.symbol(currency) if symbol is None else symbol
    separator = " " if prefix[-1:].isalpha() else ""
    amount = money.to_decimal(abs(minor), currency)
    return f"{sign}{prefix}{separator}{amount:,.{money.exponent(currency)}f}"


@dataclass(frozen=True)
class OrderEmailLine:
    name: str
    variant_name: str | None
    quantity: int
    unit_price: str
    line_total: str


@dataclass(frozen=True)
class OrderEmail:
    kind: EmailKind
    store_name: str
    order_number: str
    email: str
    customer_name: str | None
    currency: str
    lines: tuple[OrderEmailLine, ...]
    subtotal: str
    discount_total: str
    tax_total: str
    shipping_total: str
    grand_total: str
    shipping_address: dict[str, str] | None
    payment_note: str | None
    tracking_number: str | None = None
    carrier: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EMAIL_KINDS:
            raise ValueError(f"kind: expected one of {sorted(EMAIL_KINDS)}, got {self.kind!r}")

    @property
    def has_discount(self) -> bool:
        return any(digit in self.discount_total for digit in "123456789")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: only dicts, lists, strings, numbers and None."""
        return {**asdict(self), "lines": [asdict(line) for line in self.lines]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderEmail:
        address = data.get("shipping_address")
        return cls(
            kind=data["kind"],
            store_name=data["store_name"],
            order_number=data["order_number"],
            email=data["email"],
            customer_name=data.get("customer_name"),
            currency=data["currency"],
            lines=tuple(_line_from_dict(line) for line in data["lines"]),
            subtotal=data["subtotal"],
            discount_total=data["discount_total"],
            tax_total=data["tax_total"],
            shipping_total=data["shipping_total"],
            grand_total=data["grand_total"],
            shipping_address=dict(address) if address is not None else None,
            payment_note=data.get("payment_note"),
            tracking_number=data.get("tracking_number"),
            carrier=data.get("carrier"),
        )


def _line_from_dict(data: dict[str, Any]) -> OrderEmailLine:
    return OrderEmailLine(
        name=data["name"],
        variant_name=data.get("variant_name"),
        quantity=int(data["quantity"]),
        unit_price=data["unit_price"],
        line_total=data["line_total"],
    )
