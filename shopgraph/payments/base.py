"""What every payment provider adapter offers, whatever the provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from shopgraph.errors import DomainError


class Provider(StrEnum):
    STRIPE = "stripe"
    RAZORPAY = "razorpay"
    # Cash on delivery or a bank transfer: no provider is called.
    MANUAL = "manual"


class PaymentOutcome(StrEnum):
    """What a provider event means for its order."""

    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    IGNORED = "ignored"


class InvalidSignature(DomainError):
    status = 400
    code = "INVALID_SIGNATURE"


NOT_CONFIGURED = "PAYMENT_NOT_CONFIGURED"


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever the case of the mapping's keys (Starlette lowercases them, a dict may not)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def webhook_secret(secret: str | None, provider: str, setting: str) -> str:
    if not secret:
        raise InvalidSignature(f"{provider} webhooks are not configured for this store: {setting} is missing")
    return secret


def signature_header(headers: Mapping[str, str], name: str) -> str:
    signature = header_value(headers, name)
    if not signature:
        raise InvalidSignature(f"Missing {name} header")
    return signature


@dataclass(frozen=True)
class PaymentLine:
    name: str
    unit_amount_minor: int
    quantity: int


@dataclass(frozen=True)
class PaymentRequest:
    """An order, as a provider needs to see it. Amounts in minor units."""

    order_id: str
    order_number: str
    project_slug: str
    amount_minor: int
    currency: str
    email: str
    success_url: str
    cancel_url: str
    expires_at_ms: int
    lines: tuple[PaymentLine, ...] = ()


@dataclass(frozen=True)
class PaymentSession:
    """What the storefront needs to take the payment: a URL, a client secret, or a provider order id."""

    provider: str
    reference: str
    url: str | None = None
    client_secret: str | None = None
    public_key: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    instructions: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider webhook, reduced to what it means for an order.

    `amount_minor` and `currency`, when the provider states them, are what the event moved: the amount paid,
    attempted or refunded.
    """

    provider: str
    event_id: str
    type: str
    outcome: str
    order_id: str | None
    reference: str | None
    amount_minor: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ProviderCredentials:
    """A project's provider settings (secrets included, but never in its repr), read from its store settings."""

    stripe_secret_key: str | None = field(default=None, repr=False)
    stripe_publishable_key: str | None = None
    stripe_webhook_secret: str | None = field(default=None, repr=False)
    stripe_mode: str | None = None
    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = field(default=None, repr=False)
    razorpay_webhook_secret: str | None = field(default=None, repr=False)


class PaymentProvider(Protocol):
    name: Provider

    async def create_payment(self, request: PaymentRequest) -> PaymentSession: ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent: ...
