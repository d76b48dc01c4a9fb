"""Payment providers behind one small Protocol: Stripe, Razorpay and manual (cash on delivery)."""

from __future__ import annotations

from shopgraph.errors import PaymentProviderError
from shopgraph.payments.base import (
    EXPIRED,
    FAILED,
    IGNORED,
    NOT_CONFIGURED,
    PAID,
    REFUNDED,
    InvalidSignature,
    PaymentLine,
    PaymentProvider,
    PaymentRequest,
    PaymentSession,
    ProviderCredentials,
    ProviderEvent,
)
from shopgraph.payments.manual_provider import ManualProvider
from shopgraph.payments.razorpay_provider import RazorpayProvider, verify_checkout_signature
from shopgraph.payments.stripe_provider import CHECKOUT_SESSION, PAYMENT_INTENT, STRIPE_MODES, StripeProvider
from shopgraph.settings import Settings

PROVIDER_NAMES = ("stripe", "razorpay", "manual")


def provider_for(name: str, credentials: ProviderCredentials, settings: Settings, *, mode: str) -> PaymentProvider:
    """The store's provider. `mode` (`checkout_session` or `payment_intent`) matters to Stripe only."""
    if name == "stripe":
        return StripeProvider(credentials, api_base=settings.stripe_api_base, mode=mode)
    if name == "razorpay":
        return RazorpayProvider(credentials, api_base=settings.razorpay_api_base)
    if name == "manual":
        return ManualProvider()
    raise PaymentProviderError(
        f"payment_provider must be one of {', '.join(PROVIDER_NAMES)}, not {name!r}", code=NOT_CONFIGURED
    )


__all__ = [
    "CHECKOUT_SESSION",
    "EXPIRED",
    "FAILED",
    "IGNORED",
    "NOT_CONFIGURED",
    "PAID",
    "PAYMENT_INTENT",
    "PROVIDER_NAMES",
    "REFUNDED",
    "STRIPE_MODES",
    "InvalidSignature",
    "ManualProvider",
    "PaymentLine",
    "PaymentProvider",
    "PaymentRequest",
    "PaymentSession",
    "ProviderCredentials",
    "ProviderEvent",
    "RazorpayProvider",
    "StripeProvider",
    "provider_for",
    "verify_checkout_signature",
]
