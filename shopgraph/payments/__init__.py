"""Payment providers behind one small Protocol: Stripe, Razorpay and manual (cash on delivery)."""

from __future__ import annotations

from shopgraph.errors import PaymentProviderError
from shopgraph.payments.base import (
    NOT_CONFIGURED,
    InvalidSignature,
    PaymentLine,
    PaymentOutcome,
    PaymentProvider,
    PaymentRequest,
    PaymentSession,
    Provider,
    ProviderCredentials,
    ProviderEvent,
)
from shopgraph.payments.manual_provider import ManualProvider
from shopgraph.payments.razorpay_provider import RazorpayProvider, verify_checkout_signature
from shopgraph.payments.stripe_provider import CHECKOUT_SESSION, PAYMENT_INTENT, STRIPE_MODES, StripeProvider
from shopgraph.settings import Settings

PROVIDER_NAMES = tuple(Provider)


def provider_for(name: str, credentials: ProviderCredentials, settings: Settings, *, mode: str) -> PaymentProvider:
    """The store's provider. `mode` (`checkout_session` or `payment_intent`) matters to Stripe only."""
    if name == Provider.STRIPE:
        return StripeProvider(credentials, api_base=settings.stripe_api_base, mode=mode)
    if name == Provider.RAZORPAY:
        return RazorpayProvider(credentials, api_base=settings.razorpay_api_base)
    if name == Provider.MANUAL:
        return ManualProvider()
    raise PaymentProviderError(
        f"payment_provider must be one of {', '.join(PROVIDER_NAMES)}, not {name!r}", code=NOT_CONFIGURED
    )


__all__ = [
    "CHECKOUT_SESSION",
    "NOT_CONFIGURED",
    "PAYMENT_INTENT",
    "PROVIDER_NAMES",
    "STRIPE_MODES",
    "InvalidSignature",
    "ManualProvider",
    "PaymentLine",
    "PaymentOutcome",
    "PaymentProvider",
    "PaymentRequest",
    "PaymentSession",
    "Provider",
    "ProviderCredentials",
    "ProviderEvent",
    "RazorpayProvider",
    "StripeProvider",
    "provider_for",
    "verify_checkout_signature",
]
