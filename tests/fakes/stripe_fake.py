"""A loopback fake of the slice of Stripe's API that shopgraph uses, and helpers that sign webhooks as Stripe does.

The fake speaks what the real `stripe` SDK sends: form-encoded bodies in bracket notation
(`line_items[0][price_data][unit_amount]=1500`), `Authorization: Bearer sk_...`, and `Idempotency-Key`, which it
honours like Stripe: the same key with the same parameters replays the first response, with other parameters it
is a 400 `idempotency_error`. Every request is recorded, parsed, in `requests`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SESSION_MIN_SECONDS = 30 * 60
SESSION_MAX_SECONDS = 24 * 60 * 60
STRIPE_API_VERSION = "2026-10-28.endive"

Params = dict[str, Any]
Reply = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    params: Params
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class StripeFake:
    """State and switches of the fake; `app` serves it. Switches may be flipped from the test's thread."""

    def __init__(self) -> None:
        self.url = ""
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST", "DELETE"])])
        self._lock = threading.Lock()
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = [
            ("POST", re.compile(r"/v1/checkout/sessions"), self._create_checkout_session),
            ("GET", re.compile(r"/v1/checkout/sessions/(?P<object_id>cs_\w+)"), self._retrieve),
            ("POST", re.compile(r"/v1/checkout/sessions/(?P<object_id>cs_\w+)/expire"), self._expire_session),
            ("POST", re.compile(r"/v1/payment_intents"), self._create_payment_intent),
            ("GET", re.compile(r"/v1/payment_intents/(?P<object_id>pi_\w+)"), self._retrieve),
        ]
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: list[RecordedRequest] = []
            self.objects: dict[str, dict[str, Any]] = {}
            self.down = False
            self.secret_key: str | None = None
            self._failures: list[int] = []
            self._replies: dict[str, tuple[str, Params, Reply]] = {}

    def fail_next(self, times: int = 1, *, status: int = 500) -> None:
        """The next `times` calls fail with `status` in Stripe's error format (402: a declined card)."""
        with self._lock:
            self._failures.extend([status] * times)

    @property
    def checkout_sessions(self) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj["object"] == "checkout.session"]

    @property
    def payment_intents(self) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj["object"] == "payment_intent"]

    async def _handle(self, request: Request) -> Response:
        body = (await request.body()).decode()
        params = parse_stripe_form(body if request.method == "POST" else request.url.query)
        path = request.url.path
        headers = {name.lower(): value for name, value in request.headers.items()}
        with self._lock:
            self.requests.append(RecordedRequest(request.method, path, params, headers))
            if self.down:
                return Response(
                    "<html><body><h1>503 Service Unavailable</h1></body></html>", 503, media_type="text/html"
                )
            if not self._authorized(headers.get("authorization", "")):
                return stripe_error(401, "invalid_request_error", "Invalid API Key provided.")
            if self._failures:
                return simulated_failure(self._failures.pop(0))
            key = headers.get("idempotency-key") if request.method == "POST" else None
            if key and key in self._replies:
                first_path, first_params, (status, payload) = self._replies[key]
                if (first_path, first_params) != (path, params):
                    return stripe_error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        f"used with. Try using a key other than '{key}' if you meant to execute a different request.",
                    )
                return JSONResponse(payload, status, headers={"Idempotent-Replayed": "true"})
            status, payload = self._dispatch(request.method, path, params, str(request.base_url).rstrip("/"))
            if key and status < 500:
                self._replies[key] = (path, params, (status, payload))
            return JSONResponse(payload, status, headers={"Request-Id": f"req_{secrets.token_hex(7)}"})

    def _authorized(self, authorization: str) -> bool:
        scheme, _, key = authorization.partition(" ")
        if scheme != "Bearer" or not key.startswith(("sk_", "rk_")):
            return False
        return self.secret_key is None or key == self.secret_key

    def _dispatch(self, method: str, path: str, params: Params, base_url: str) -> Reply:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return handler(params, base_url=base_url, **match.groupdict())
        return _invalid(f"Unrecognized request URL ({method}: {path}).")

    def _create_checkout_session(self, params: Params, *, base_url: str) -> Reply:
        now = int(time.time())
        if params.get("mode") != "payment":
            return _invalid("This fake supports only mode=payment.", "mode")
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            return _invalid("line_items is required in payment mode.", "line_items")
        amounts, currencies = [], set()
        for index, item in enumerate(line_items):
            price = item.get("price_data", {})
            unit_amount, quantity = _integer(price.get("unit_amount")), _integer(item.get("quantity"))
            if unit_amount is None or unit_amount < 0 or quantity is None or quantity < 1:
                return _invalid("Invalid line item amount or quantity.", f"line_items[{index}]")
            if not price.get("product_data", {}).get("name"):
                return _invalid("Missing required param: product_data[name].", f"line_items[{index}]")
            amounts.append(unit_amount * quantity)
            currencies.add(price.get("currency"))
        if len(currencies) != 1:
            return _invalid("All line items must use the same currency.", "line_items")
        expires_at = _integer(params.get("expires_at"))
        if "expires_at" in params and (
            expires_at is None or not now + SESSION_MIN_SECONDS <= expires_at <= now + SESSION_MAX_SECONDS
        ):
            return _invalid("The expires_at timestamp must be 30 minutes to 24 hours after creation.", "expires_at")
        session_id = f"cs_test_{secrets.token_hex(16)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": sum(amounts),
            "amount_total": sum(amounts),
            "currency": currencies.pop(),
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "url": f"{base_url}/c/pay/{session_id}",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "expires_at": expires_at or now + SESSION_MAX_SECONDS,
            "created": now,
            "livemode": False,
        }
        self.objects[session_id] = session
        return 200, session

    def _create_payment_intent(self, params: Params, *, base_url: str) -> Reply:
        amount = _integer(params.get("amount"))
        if amount is None or amount < 1:
            return _invalid("Missing required param: amount.", "amount")
        if not params.get("currency"):
            return _invalid("Missing required param: currency.", "currency")
        intent_id = f"pi_{secrets.token_hex(12)}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": params["currency"],
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "status": "requires_payment_method",
            "description": params.get("description"),
            "metadata": params.get("metadata", {}),
            "receipt_email": params.get("receipt_email"),
            "automatic_payment_methods": {
                "enabled": params.get("automatic_payment_methods", {}).get("enabled") == "true"
            },
            "created": int(time.time()),
            "livemode": False,
        }
        self.objects[intent_id] = intent
        return 200, intent

    def _retrieve(self, params: Params, *, base_url: str, object_id: str) -> Reply:
        if object_id not in self.objects:
            return 404, _error_body("invalid_request_error", f"No such object: '{object_id}'", "id")
        return 200, self.objects[object_id]

    def _expire_session(self, params: Params, *, base_url: str, object_id: str) -> Reply:
        session = self.objects.get(object_id)
        if session is None:
            return 404, _error_body("invalid_request_error", f"No such checkout.session: '{object_id}'", "session")
        if session["status"] != "open":
            return _invalid(f"This Checkout Session is {session['status']}; only open sessions can be expired.")
        session["status"] = "expired"
        return 200, session


def parse_stripe_form(encoded: str) -> Params:
    """`a[b][0][c]=1` as `{"a": {"b": [{"c": "1"}]}}`; values stay strings, as Stripe receives them."""
    root: Params = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        *parents, leaf = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return _with_lists(root)


def _with_lists(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _with_lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _integer(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None


def _error_body(error_type: str, message: str, param: str | None = None, **more: str) -> dict[str, Any]:
    error: dict[str, Any] = {"type": error_type, "message": message, **more}
    if param:
        error["param"] = param
    return {"error": error}


def _invalid(message: str, param: str | None = None) -> Reply:
    return 400, _error_body("invalid_request_error", message, param)


def stripe_error(status: int, error_type: str, message: str, **more: str) -> JSONResponse:
    return JSONResponse(_error_body(error_type, message, **more), status)


def simulated_failure(status: int) -> JSONResponse:
    if status == 402:
        return stripe_error(
            402, "card_error", "Your card was declined.", code="card_declined", decline_code="generic_decline"
        )
    if status >= 500:
        return stripe_error(status, "api_error", "Something went wrong on Stripe's end. (simulated)")
    return stripe_error(status, "invalid_request_error", "Simulated failure.")


def sign_stripe_event(
    payload: Mapping[str, Any] | bytes, secret: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook as Stripe sends it: HMAC-SHA256 of `"{t}.{body}"`, keyed with the
    secret string as it is (`whsec_...` included)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signed_at = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{signed_at}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={signed_at},v1={signature}", "Content-Type": "application/json"}


def stripe_event(event_type: str, obj: Mapping[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": STRIPE_API_VERSION,
        "created": int(time.time()),
        "data": {"object": dict(obj)},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def stripe_checkout_session(
    order_id: str | None,
    *,
    payment_status: str = "paid",
    status: str = "complete",
    amount_total: int = 2599,
    currency: str = "usd",
    session_id: str | None = None,
    payment_intent: str | None = None,
) -> dict[str, Any]:
    return {
        "id": session_id or f"cs_test_{secrets.token_hex(16)}",
        "object": "checkout.session",
        "amount_total": amount_total,
        "currency": currency,
        "mode": "payment",
        "status": status,
        "payment_status": payment_status,
        "payment_intent": payment_intent or f"pi_{secrets.token_hex(12)}",
        "client_reference_id": order_id,
        "metadata": {"order_id": order_id} if order_id else {},
        "livemode": False,
    }


def stripe_payment_intent(
    order_id: str | None,
    *,
    status: str = "succeeded",
    amount: int = 2599,
    currency: str = "usd",
    intent_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": intent_id or f"pi_{secrets.token_hex(12)}",
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": currency,
        "status": status,
        "metadata": {"order_id": order_id} if order_id else {},
        "livemode": False,
    }


def stripe_charge(
    order_id: str | None,
    *,
    payment_intent: str,
    amount: int = 2599,
    amount_refunded: int | None = None,
    currency: str = "usd",
) -> dict[str, Any]:
    refunded = amount if amount_refunded is None else amount_refunded
    return {
        "id": f"ch_{secrets.token_hex(12)}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": refunded,
        "refunded": refunded == amount,
        "currency": currency,
        "payment_intent": payment_intent,
        "metadata": {"order_id": order_id} if order_id else {},
        "livemode": False,
    }
