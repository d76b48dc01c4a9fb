"""Razorpay: an order per checkout (the storefront opens Razorpay's checkout modal with it), signed webhooks,
and the modal's own payment signature.

The Razorpay SDK is synchronous (requests), so its calls run in a worker thread. Razorpay has no idempotency keys
for orders; a retried call creates a second Razorpay order, which is harmless because an unpaid Razorpay order
expires on its own and the webhook carries our order id in its notes either way.

Errors: anything Razorpay refuses, and any network failure, is a `PaymentProviderError` (502,
`PAYMENT_PROVIDER_ERROR`); missing keys are `PAYMENT_NOT_CONFIGURED` (502, as for Stripe). A webhook that fails
verification is `InvalidSignature` (400).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import razorpay
import requests
from razorpay.errors import BadRequestError, GatewayError, ServerError, SignatureVerificationError

from shopgraph.errors import PaymentProviderError
from shopgraph.payments.base import (
    NOT_CONFIGURED,
    InvalidSignature,
    PaymentOutcome,
    PaymentRequest,
    PaymentSession,
    Provider,
    ProviderCredentials,
    ProviderEvent,
    header_value,
    signature_header,
    webhook_secret,
)

MAX_MESSAGE_LENGTH = 300

_OUTCOMES = {
    "payment.captured": PaymentOutcome.PAID,
    "order.paid": PaymentOutcome.PAID,
    "payment.failed": PaymentOutcome.FAILED,
    "refund.processed": PaymentOutcome.REFUNDED,
}


class RazorpayProvider:
    """One store's Razorpay account. Cheap to build: make one per request from the store's credentials."""

    name = Provider.RAZORPAY

    def __init__(
        self, credentials: ProviderCredentials, *, api_base: str | None, timeout_seconds: float = 30.0
    ) -> None:
        self._credentials = credentials
        self._api_base = api_base.rstrip("/") if api_base else None
        self._timeout_seconds = timeout_seconds

    async def create_payment(self, request: PaymentRequest) -> PaymentSession:
        key_id, key_secret = self._credentials.razorpay_key_id, self._credentials.razorpay_key_secret
        if not key_id or not key_secret:
            raise PaymentProviderError(
                "Razorpay is not configured for this store: razorpay_key_id and razorpay_key_secret are needed",
                code=NOT_CONFIGURED,
            )
        order = await asyncio.to_thread(self._create_order, key_id, key_secret, request)
        return PaymentSession(
            provider=self.name,
            reference=order["id"],
            public_key=key_id,
            amount_minor=request.amount_minor,
            currency=request.currency,
        )

    def _create_order(self, key_id: str, key_secret: str, request: PaymentRequest) -> dict[str, Any]:
        client = razorpay_client(key_id, key_secret, self._api_base)
        try:
            order = client.order.create(
                {
                    "amount": request.amount_minor,
                    "currency": request.currency.upper(),
                    "receipt": request.order_number,
                    "notes": {
                        "order_id": request.order_id,
                        "order_number": request.order_number,
                        "project": request.project_slug,
                    },
                },
                timeout=self._timeout_seconds,
            )
        except BadRequestError as exc:
            raise PaymentProviderError(f"Razorpay refused the order: {str(exc)[:MAX_MESSAGE_LENGTH]}") from exc
        except (GatewayError, ServerError, requests.RequestException, ValueError) as exc:
            raise PaymentProviderError(
                "Razorpay is unavailable or could not be reached; no payment was started. Please try again."
            ) from exc
        finally:
            client.session.close()
        if not isinstance(order, dict) or not isinstance(order.get("id"), str):
            raise PaymentProviderError("Razorpay answered without an order id; no payment was started.")
        return order

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        secret = webhook_secret(self._credentials.razorpay_webhook_secret, "Razorpay", "razorpay_webhook_secret")
        signature = signature_header(headers, "X-Razorpay-Signature")
        try:
            razorpay.Utility().verify_webhook_signature(body.decode("utf-8"), signature, secret)
            event = json.loads(body)
        except (SignatureVerificationError, TypeError) as exc:
            raise InvalidSignature("Invalid Razorpay signature") from exc
        except ValueError as exc:
            raise InvalidSignature("Razorpay webhook body is not UTF-8 JSON") from exc
        event_id = header_value(headers, "X-Razorpay-Event-Id") or f"sha256_{hashlib.sha256(body).hexdigest()}"
        return razorpay_event_meaning(event, event_id)


def razorpay_client(key_id: str, key_secret: str, api_base: str | None) -> razorpay.Client:
    """The SDK's client; it appends `/v1/...` to `base_url`, so `api_base` is the host root."""
    if api_base:
        return razorpay.Client(auth=(key_id, key_secret), base_url=api_base)
    return razorpay.Client(auth=(key_id, key_secret))


def verify_checkout_signature(
    credentials: ProviderCredentials, razorpay_order_id: str, razorpay_payment_id: str, razorpay_signature: str
) -> bool:
    """Whether the checkout modal's `razorpay_signature` is Razorpay's, for this order and payment.

    Raises `PaymentProviderError` (`PAYMENT_NOT_CONFIGURED`) when the store has no key secret to check it with.
    """
    if not credentials.razorpay_key_secret:
        raise PaymentProviderError(
            "Razorpay is not configured for this store: razorpay_key_secret is missing", code=NOT_CONFIGURED
        )
    client = razorpay_client(credentials.razorpay_key_id or "", credentials.razorpay_key_secret, None)
    try:
        return bool(
            client.utility.verify_payment_signature(
                {
                    "razorpay_order_id": razorpay_order_id,
                    "razorpay_payment_id": razorpay_payment_id,
                    "razorpay_signature": razorpay_signature,
                }
            )
        )
    except (SignatureVerificationError, TypeError, ValueError):
        return False
    finally:
        client.session.close()


def razorpay_event_meaning(event: object, event_id: str) -> ProviderEvent:
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        raise InvalidSignature("Razorpay webhook body is not an event object")
    event_type: str = event["event"]
    payload = event.get("payload")
    payload = payload if isinstance(payload, dict) else {}
    payment, order, refund = (_entity(payload, name) for name in ("payment", "order", "refund"))
    outcome = _OUTCOMES.get(event_type, PaymentOutcome.IGNORED)
    # refund.processed comes for partial refunds too; only a fully refunded payment refunds the order.
    if outcome == PaymentOutcome.REFUNDED and payment.get("refund_status") == "partial":
        outcome = PaymentOutcome.IGNORED
    amount_source = refund if event_type.startswith("refund.") else payment or order
    return ProviderEvent(
        provider=Provider.RAZORPAY,
        event_id=event_id,
        type=event_type,
        outcome=outcome,
        order_id=next(filter(None, (_notes(entity).get("order_id") for entity in (payment, order, refund))), None),
        reference=_text(payment.get("order_id")) or _text(order.get("id")),
        amount_minor=_amount(amount_source),
        currency=currency.upper() if (currency := _text(amount_source.get("currency"))) else None,
    )


def _entity(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    wrapper = payload.get(name)
    entity = wrapper.get("entity") if isinstance(wrapper, dict) else None
    return entity if isinstance(entity, dict) else {}


def _notes(entity: Mapping[str, Any]) -> Mapping[str, str]:
    # Razorpay sends empty notes as [] rather than {}.
    notes = entity.get("notes")
    if not isinstance(notes, dict):
        return {}
    return {key: value for key, value in notes.items() if isinstance(value, str) and value}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _amount(entity: Mapping[str, Any]) -> int | None:
    for key in ("amount_paid", "amount"):
        value = entity.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value:
            return value
    return None
