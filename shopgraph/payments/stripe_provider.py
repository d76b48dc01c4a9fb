"""Stripe through `stripe.StripeClient` and its async methods: a Checkout Session or a PaymentIntent per order,
and signed webhooks reduced to what they mean for the order.

Every call sends an idempotency key derived from the order id (`order-<id>-session`, `order-<id>-intent`), so a
retried call returns Stripe's first object instead of creating a second one. For that replay to work the
parameters must not change between calls, which is why the session's expiry depends on the clock as little as
Stripe's window allows (see `checkout_session_expiry`).

Errors: anything Stripe refuses, and any network failure, is a `PaymentProviderError` (502,
`PAYMENT_PROVIDER_ERROR`). A store without `stripe_secret_key` gets a `PaymentProviderError` with code
`PAYMENT_NOT_CONFIGURED`, also 502: the fault lies in the store's configuration, not in the customer's request,
so it is not a 4xx. A webhook that fails verification, or that the store has no `stripe_webhook_secret` to verify
with, is `InvalidSignature` (400).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import stripe

from shopgraph.errors import PaymentProviderError
from shopgraph.payments.base import (
    NOT_CONFIGURED,
    InvalidSignature,
    PaymentLine,
    PaymentOutcome,
    PaymentRequest,
    PaymentSession,
    Provider,
    ProviderCredentials,
    ProviderEvent,
    signature_header,
    webhook_secret,
)

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams
    from stripe.params.checkout import SessionCreateParams, SessionCreateParamsLineItem

CHECKOUT_SESSION = "checkout_session"
PAYMENT_INTENT = "payment_intent"
STRIPE_MODES = (CHECKOUT_SESSION, PAYMENT_INTENT)

WEBHOOK_TOLERANCE_SECONDS = 300
SESSION_MIN_SECONDS = 30 * 60
SESSION_MAX_SECONDS = 24 * 60 * 60
# Stripe checks the window against its own clock, when the request arrives.
CLOCK_MARGIN_SECONDS = 120
MAX_MESSAGE_LENGTH = 300


class StripeProvider:
    """One store's Stripe account. Cheap to build: make one per request from the store's credentials."""

    name = Provider.STRIPE

    def __init__(
        self,
        credentials: ProviderCredentials,
        *,
        api_base: str | None,
        mode: str,
        http_client: stripe.HTTPClient | None = None,
        max_network_retries: int = 2,
        timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`http_client`, when given, is the caller's to close; otherwise each call opens and closes its own."""
        if mode not in STRIPE_MODES:
            raise PaymentProviderError(
                f"stripe_mode must be one of {', '.join(STRIPE_MODES)}, not {mode!r}", code=NOT_CONFIGURED
            )
        self.mode = mode
        self._credentials = credentials
        self._api_base = api_base.rstrip("/") if api_base else None
        self._http_client = http_client
        self._max_network_retries = max_network_retries
        self._timeout_seconds = timeout_seconds
        self._clock = clock

    async def create_payment(self, request: PaymentRequest) -> PaymentSession:
        secret_key = self._credentials.stripe_secret_key
        if not secret_key:
            raise PaymentProviderError(
                "Stripe is not configured for this store: stripe_secret_key is missing", code=NOT_CONFIGURED
            )
        http_client = self._http_client or stripe.HTTPXClient(timeout=self._timeout_seconds)
        client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": self._api_base} if self._api_base else None,
            http_client=http_client,
            max_network_retries=self._max_network_retries,
        )
        try:
            if self.mode == CHECKOUT_SESSION:
                return await self._create_checkout_session(client, request)
            return await self._create_payment_intent(client, request)
        except stripe.StripeError as exc:
            raise PaymentProviderError(describe_stripe_error(exc)) from exc
        finally:
            if self._http_client is None:
                await _close(http_client)

    async def _create_checkout_session(self, client: stripe.StripeClient, request: PaymentRequest) -> PaymentSession:
        metadata = order_metadata(request)
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": checkout_line_items(request),
            "client_reference_id": request.order_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        # Stripe rejects an empty URL; when the store has none, Stripe's defaults apply.
        if request.success_url:
            params["success_url"] = request.success_url
        if request.cancel_url:
            params["cancel_url"] = request.cancel_url
        if request.email:
            params["customer_email"] = request.email
        expires_at = checkout_session_expiry(request.expires_at_ms, self._clock())
        if expires_at is not None:
            params["expires_at"] = expires_at
        session = await client.v1.checkout.sessions.create_async(
            params, {"idempotency_key": f"order-{request.order_id}-session"}
        )
        return PaymentSession(
            provider=self.name,
            reference=session.id,
            url=session.url,
            amount_minor=request.amount_minor,
            currency=request.currency,
            extra={"mode": CHECKOUT_SESSION},
        )

    async def _create_payment_intent(self, client: stripe.StripeClient, request: PaymentRequest) -> PaymentSession:
        params: PaymentIntentCreateParams = {
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "metadata": order_metadata(request),
            "description": f"Order {request.order_number}",
            "automatic_payment_methods": {"enabled": True},
        }
        if request.email:
            params["receipt_email"] = request.email
        intent = await client.v1.payment_intents.create_async(
            params, {"idempotency_key": f"order-{request.order_id}-intent"}
        )
        return PaymentSession(
            provider=self.name,
            reference=intent.id,
            client_secret=intent.client_secret,
            public_key=self._credentials.stripe_publishable_key,
            amount_minor=request.amount_minor,
            currency=request.currency,
            extra={"mode": PAYMENT_INTENT},
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        secret = webhook_secret(self._credentials.stripe_webhook_secret, "Stripe", "stripe_webhook_secret")
        signature = signature_header(headers, "Stripe-Signature")
        try:
            stripe.WebhookSignature.verify_header(body, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS)
            event = json.loads(body)
        except stripe.SignatureVerificationError as exc:
            raise InvalidSignature(f"Invalid Stripe signature: {exc.user_message}") from exc
        except ValueError as exc:
            raise InvalidSignature("Stripe webhook body is not UTF-8 JSON") from exc
        return stripe_event_meaning(event)


def order_metadata(request: PaymentRequest) -> dict[str, str]:
    return {"order_id": request.order_id, "order_number": request.order_number, "project": request.project_slug}


def checkout_line_items(request: PaymentRequest) -> list[SessionCreateParamsLineItem]:
    """The order's lines, or one line for the whole order when the lines alone do not add up to what is owed
    (discounts, tax and shipping live outside them): Stripe charges the sum of the line items."""
    lines = request.lines
    if not lines or sum(line.unit_amount_minor * line.quantity for line in lines) != request.amount_minor:
        lines = (PaymentLine(f"Order {request.order_number}", request.amount_minor, 1),)
    currency = request.currency.lower()
    return [
        {
            "quantity": line.quantity,
            "price_data": {
                "currency": currency,
                "unit_amount": line.unit_amount_minor,
                "product_data": {"name": line.name or "Item"},
            },
        }
        for line in lines
    ]


def checkout_session_expiry(deadline_ms: int, now: float) -> int | None:
    """When a Checkout Session should expire (epoch seconds), or None for Stripe's default of 24 hours.

    Stripe accepts 30 minutes to 24 hours from now. A deadline inside that window is sent as it is. One too close
    becomes the deadline plus 30 minutes rather than "now plus 30 minutes", so that a retry a little later sends
    the same value and Stripe replays the first session. One too far is left out, which is the same as the
    24-hour maximum.
    """
    deadline = deadline_ms // 1000
    earliest = int(now) + SESSION_MIN_SECONDS + CLOCK_MARGIN_SECONDS
    latest = int(now) + SESSION_MAX_SECONDS - CLOCK_MARGIN_SECONDS
    if deadline > latest:
        return None
    if deadline >= earliest:
        return deadline
    return max(deadline + SESSION_MIN_SECONDS + CLOCK_MARGIN_SECONDS, earliest)


def describe_stripe_error(error: stripe.StripeError) -> str:
    """A message for the storefront: what went wrong, never a key or a raw response body."""
    if isinstance(error, stripe.APIConnectionError):
        return "Could not reach Stripe; no payment was started. Please try again."
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "Stripe rejected the store's API key (stripe_secret_key)."
    status = error.http_status
    if status is None or status >= 500:
        return f"Stripe is unavailable (HTTP {status}); no payment was started. Please try again."
    detail = (error.user_message or type(error).__name__)[:MAX_MESSAGE_LENGTH]
    return f"Stripe refused the payment (HTTP {status}): {detail}"


def stripe_event_meaning(event: object) -> ProviderEvent:
    if not isinstance(event, dict):
        raise InvalidSignature("Stripe webhook body is not an event object")
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(obj, dict):
        raise InvalidSignature("Stripe webhook body is not an event object")
    is_charge = obj.get("object") == "charge"
    order_id = _text(_metadata(obj).get("order_id"))
    if order_id is None and not is_charge:
        order_id = _text(obj.get("client_reference_id"))
    return ProviderEvent(
        provider=Provider.STRIPE,
        event_id=event_id,
        type=event_type,
        outcome=stripe_outcome(event_type, obj),
        order_id=order_id,
        reference=_object_id(obj.get("payment_intent")) if is_charge else _text(obj.get("id")),
        amount_minor=_amount(obj, event_type),
        currency=currency.upper() if (currency := _text(obj.get("currency"))) else None,
    )


def stripe_outcome(event_type: str, obj: Mapping[str, Any]) -> str:
    if event_type == "checkout.session.completed":
        # "unpaid" means an asynchronous method (a bank debit): async_payment_succeeded or _failed follows.
        return (
            PaymentOutcome.PAID
            if obj.get("payment_status") in ("paid", "no_payment_required")
            else PaymentOutcome.IGNORED
        )
    if event_type == "charge.refunded":
        # Stripe sends charge.refunded for partial refunds too; only a fully refunded charge refunds the order.
        return PaymentOutcome.IGNORED if obj.get("refunded") is False else PaymentOutcome.REFUNDED
    return _OUTCOMES.get(event_type, PaymentOutcome.IGNORED)


_OUTCOMES = {
    "checkout.session.async_payment_succeeded": PaymentOutcome.PAID,
    "payment_intent.succeeded": PaymentOutcome.PAID,
    "checkout.session.async_payment_failed": PaymentOutcome.FAILED,
    "payment_intent.payment_failed": PaymentOutcome.FAILED,
    "checkout.session.expired": PaymentOutcome.EXPIRED,
}


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _object_id(value: object) -> str | None:
    """An id, whether Stripe sent the bare id or, when expanded, the object."""
    return _text(value.get("id")) if isinstance(value, dict) else _text(value)


def _amount(obj: Mapping[str, Any], event_type: str) -> int | None:
    key = {"charge.refunded": "amount_refunded", "payment_intent.succeeded": "amount_received"}.get(event_type)
    for candidate in (key, "amount_total", "amount"):
        value = obj.get(candidate) if candidate else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


async def _close(http_client: stripe.HTTPClient) -> None:
    # stripe's HTTP clients leave close_async without annotations.
    close: Callable[[], Awaitable[None]] = http_client.close_async
    await close()
