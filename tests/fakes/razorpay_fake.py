"""A loopback fake of Razorpay's Orders API, and helpers that sign webhooks and checkout results as Razorpay does.

The fake checks HTTP basic auth against `key_id` / `key_secret`, validates orders as Razorpay does (amount in
paise, at least 100), answers errors in Razorpay's format (`{"error": {"code", "description"}}`), and records
every request in `requests`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

FAKE_KEY_ID = "rzp_test_fakekey"
FAKE_KEY_SECRET = "fake_key_secret"

_ERROR_CODES = {400: "BAD_REQUEST_ERROR", 401: "BAD_REQUEST_ERROR", 502: "GATEWAY_ERROR"}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        scheme, _, encoded = (self.header("authorization") or "").partition(" ")
        if scheme != "Basic":
            return None
        try:
            key_id, _, key_secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except ValueError:
            return None
        return key_id, key_secret


class RazorpayFake:
    """State and switches of the fake; `app` serves it. Switches may be flipped from the test's thread."""

    def __init__(self) -> None:
        self.url = ""
        self.app = Starlette(
            routes=[
                Route("/v1/orders", self._create_order, methods=["POST"]),
                Route("/v1/orders/{order_id}", self._fetch_order, methods=["GET"]),
            ]
        )
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.key_id = FAKE_KEY_ID
            self.key_secret = FAKE_KEY_SECRET
            self.requests: list[RecordedRequest] = []
            self.orders: dict[str, dict[str, Any]] = {}
            self.down = False
            self._failures: list[int] = []

    def fail_next(self, times: int = 1, *, status: int = 500) -> None:
        """The next `times` calls fail with `status` in Razorpay's error format."""
        with self._lock:
            self._failures.extend([status] * times)

    async def _create_order(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        with self._lock:
            refusal = self._refusal(request, body)
            if refusal is not None:
                return refusal
            if not isinstance(body, dict):
                return razorpay_error(400, "The request body must be a JSON object")
            amount, currency, receipt, notes = (body.get(key) for key in ("amount", "currency", "receipt", "notes"))
            if not isinstance(amount, int) or isinstance(amount, bool):
                return razorpay_error(400, "The amount must be an integer.", field="amount")
            if amount < 100:
                return razorpay_error(400, "Order amount less than minimum amount allowed", field="amount")
            if not isinstance(currency, str) or len(currency) != 3:
                return razorpay_error(400, "The currency field is required.", field="currency")
            if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 40):
                return razorpay_error(400, "The receipt may not be greater than 40 characters.", field="receipt")
            if notes is not None and (not isinstance(notes, dict) or len(notes) > 15):
                return razorpay_error(400, "The notes must be an object of at most 15 keys.", field="notes")
            order = razorpay_order(
                None, amount=amount, currency=currency, status="created", receipt=receipt, notes=notes or []
            )
            self.orders[order["id"]] = order
            return JSONResponse(order)

    async def _fetch_order(self, request: Request) -> Response:
        with self._lock:
            refusal = self._refusal(request, None)
            if refusal is not None:
                return refusal
            order = self.orders.get(request.path_params["order_id"])
            if order is None:
                return razorpay_error(400, "The id provided does not exist")
            return JSONResponse(order)

    def _refusal(self, request: Request, body: Any) -> Response | None:
        headers = {name.lower(): value for name, value in request.headers.items()}
        recorded = RecordedRequest(request.method, request.url.path, body, headers)
        self.requests.append(recorded)
        if self.down:
            return Response("<html><body><h1>503 Service Unavailable</h1></body></html>", 503, media_type="text/html")
        if recorded.basic_auth != (self.key_id, self.key_secret):
            return razorpay_error(401, "Authentication failed")
        if self._failures:
            status = self._failures.pop(0)
            return razorpay_error(status, "Simulated failure")
        return None


def razorpay_error(status: int, description: str, *, field: str | None = None) -> JSONResponse:
    code = _ERROR_CODES.get(status, "BAD_REQUEST_ERROR" if status < 500 else "SERVER_ERROR")
    error = {
        "code": code,
        "description": description,
        "source": "NA",
        "step": "NA",
        "reason": "NA",
        "metadata": {},
        "field": field,
    }
    return JSONResponse({"error": error}, status)


def sign_razorpay_event(
    payload: Mapping[str, Any] | bytes, secret: str, event_id: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook as Razorpay sends it: hex HMAC-SHA256 of the raw body."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {
        "X-Razorpay-Signature": signature,
        "X-Razorpay-Event-Id": event_id or secrets.token_hex(7),
        "Content-Type": "application/json",
    }


def razorpay_checkout_signature(razorpay_order_id: str, razorpay_payment_id: str, key_secret: str) -> str:
    """What Razorpay's checkout modal hands the storefront after a payment."""
    message = f"{razorpay_order_id}|{razorpay_payment_id}".encode()
    return hmac.new(key_secret.encode(), message, hashlib.sha256).hexdigest()


def razorpay_modal_answer(
    razorpay_order_id: str, payment_id: str, *, signed_payment_id: str | None = None
) -> dict[str, str]:
    """The modal's answer to its `handler`, signed with the fake's key secret (for `signed_payment_id`, if given)."""
    signed = signed_payment_id or payment_id
    return {
        "razorpay_order_id": razorpay_order_id,
        "razorpay_payment_id": payment_id,
        "razorpay_signature": razorpay_checkout_signature(razorpay_order_id, signed, FAKE_KEY_SECRET),
    }


def razorpay_event(event: str, **entities: Mapping[str, Any]) -> dict[str, Any]:
    """An event envelope: `razorpay_event("payment.captured", payment=razorpay_payment(...))`."""
    return {
        "entity": "event",
        "account_id": "acc_fake",
        "event": event,
        "contains": list(entities),
        "payload": {name: {"entity": dict(entity)} for name, entity in entities.items()},
        "created_at": int(time.time()),
    }


def razorpay_order(
    order_id: str | None,
    *,
    razorpay_order_id: str | None = None,
    amount: int = 50000,
    currency: str = "INR",
    status: str = "paid",
    receipt: str | None = None,
    notes: Mapping[str, str] | list[str] | None = None,
) -> dict[str, Any]:
    """An order entity; `order_id` is shopgraph's, carried in the notes."""
    paid = amount if status == "paid" else 0
    return {
        "id": razorpay_order_id or f"order_{secrets.token_hex(7)}",
        "entity": "order",
        "amount": amount,
        "amount_paid": paid,
        "amount_due": amount - paid,
        "currency": currency,
        "receipt": receipt,
        "offer_id": None,
        "status": status,
        "attempts": 1 if paid else 0,
        "notes": notes if notes is not None else ({"order_id": order_id} if order_id else []),
        "created_at": int(time.time()),
    }


def razorpay_payment(
    razorpay_order_id: str,
    *,
    order_id: str | None = None,
    payment_id: str | None = None,
    amount: int = 50000,
    currency: str = "INR",
    status: str = "captured",
    refund_status: str | None = None,
) -> dict[str, Any]:
    """A payment entity; its notes hold `order_id` only when the storefront passed it to the checkout modal."""
    return {
        "id": payment_id or f"pay_{secrets.token_hex(7)}",
        "entity": "payment",
        "amount": amount,
        "currency": currency,
        "status": status,
        "order_id": razorpay_order_id,
        "method": "card",
        "captured": status in ("captured", "refunded"),
        "refund_status": refund_status,
        "amount_refunded": {"full": amount, None: 0}.get(refund_status, amount // 2),
        "notes": {"order_id": order_id} if order_id else [],
        "error_code": "BAD_REQUEST_ERROR" if status == "failed" else None,
        "created_at": int(time.time()),
    }


def razorpay_refund(payment_id: str, *, amount: int = 50000, currency: str = "INR") -> dict[str, Any]:
    return {
        "id": f"rfnd_{secrets.token_hex(7)}",
        "entity": "refund",
        "amount": amount,
        "currency": currency,
        "payment_id": payment_id,
        "notes": [],
        "status": "processed",
        "created_at": int(time.time()),
    }
