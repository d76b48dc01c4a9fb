"""Small builders for the payment tests: an order as a provider sees it, and store credentials."""

from __future__ import annotations

import secrets
import socket
import time
from typing import Any

from shopgraph.payments import PaymentLine, PaymentRequest, ProviderCredentials
from tests.fakes.razorpay_fake import FAKE_KEY_ID, FAKE_KEY_SECRET

STRIPE_SECRET_KEY = "sk_test_fake_51Hshopgraph"
STRIPE_WEBHOOK_SECRET = "whsec_test_shopgraph"
RAZORPAY_WEBHOOK_SECRET = "razorpay_webhook_secret"


def payment_request(*, ttl_seconds: int = 3600, **overrides: Any) -> PaymentRequest:
    """A USD order of 25.99: two tees at 12.50 and a sticker at 0.99, due in `ttl_seconds`."""
    fields: dict[str, Any] = {
        "order_id": f"ord_{secrets.token_hex(6)}",
        "order_number": "ORD-001",
        "project_slug": "demo",
        "amount_minor": 2599,
        "currency": "USD",
        "email": "ada@example.com",
        "success_url": "https://shop.example.com/thanks",
        "cancel_url": "https://shop.example.com/cart",
        "expires_at_ms": (int(time.time()) + ttl_seconds) * 1000,
        "lines": (PaymentLine("Tee", 1250, 2), PaymentLine("Sticker", 99, 1)),
    }
    return PaymentRequest(**(fields | overrides))


def stripe_credentials(**overrides: str | None) -> ProviderCredentials:
    fields: dict[str, str | None] = {
        "stripe_secret_key": STRIPE_SECRET_KEY,
        "stripe_publishable_key": "pk_test_fake_51Hshopgraph",
        "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET,
    }
    return ProviderCredentials(**(fields | overrides))


def razorpay_credentials(**overrides: str | None) -> ProviderCredentials:
    fields: dict[str, str | None] = {
        "razorpay_key_id": FAKE_KEY_ID,
        "razorpay_key_secret": FAKE_KEY_SECRET,
        "razorpay_webhook_secret": RAZORPAY_WEBHOOK_SECRET,
    }
    return ProviderCredentials(**(fields | overrides))


def unreachable_url() -> str:
    """A loopback address where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
