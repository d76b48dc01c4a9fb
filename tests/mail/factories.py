"""Order emails for tests, built from plain values: no database involved."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shopgraph.mail import OrderEmail, OrderEmailLine

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "line2": "Flat 3",
    "city": "London",
    "state": "Greater London",
    "postal_code": "NW1 6XE",
    "country": "GB",
}


def make_line(name: str = "Classic Tee", **changes: Any) -> OrderEmailLine:
    line = OrderEmailLine(name=name, variant_name="Large", quantity=2, unit_price="$10.00", line_total="$20.00")
    return replace(line, **changes)


def make_order_email(**changes: Any) -> OrderEmail:
    email = OrderEmail(
        kind="confirmation",
        store_name="Demo Store",
        order_number="ORD-001",
        email="ada@example.com",
        customer_name="Ada Lovelace",
        currency="USD",
        lines=(
            make_line(),
            make_line("Canvas Tote", variant_name=None, quantity=1, unit_price="$15.50", line_total="$15.50"),
        ),
        subtotal="$35.50",
        discount_total="$3.55",
        tax_total="$3.20",
        shipping_total="$5.00",
        grand_total="$40.15",
        shipping_address=dict(ADDRESS),
        payment_note="Pay on delivery",
    )
    return replace(email, **changes)


def make_shipped_email(**changes: Any) -> OrderEmail:
    return make_order_email(kind="shipped", tracking_number="1Z999AA10123456784", carrier="UPS", **changes)
