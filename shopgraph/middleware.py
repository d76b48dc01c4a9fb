"""Pure ASGI middleware: request ids and masked failures, size limits, CORS."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.db.faults import RETRY_AFTER_SECONDS, is_storage_fault
from shopgraph.errors import DomainError
from shopgraph.unstorable_text import NUL, UNSTORABLE_MESSAGE, is_unstorable_text

log = logging.getLogger("shopgraph")

CORS_SCOPE_KEY = "shopgraph.cors_origins"
REQUEST_ID_SCOPE_KEY = "shopgraph.request_id"
# The ProjectState a request acts on, once its key (or path, or host) checked out.
PROJECT_SCOPE_KEY = "shopgraph.project"


def _json_start(status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> Message:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}


async def send_json_error(send: Send, status: int, code: str, message: str, extra: Any = None) -> None:
    body = json.dumps({"message": message, "code": code}).encode()
    await send(_json_start(status, body, extra))
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(DomainError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class BodyTimeout(Exception):
    """Not a DomainError: no route answers it, so it reaches the guard, which answers 408 and closes the connection."""


class ClientLeft(Exception):
    """The client went away before its body was all sent: nothing to answer, nothing to log as a failure."""


class RequestGuard:
    """Gives each request an id, refuses oversized or slow input, and turns any unexpected failure into a masked 500.

    The whole body must arrive within `body_timeout` seconds of the first read: a client trickling bytes is cut off
    with a 408 however often it sends one.
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_query_string_bytes: int, body_timeout: float = 30.0
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_query = max_query_string_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        id_header = (b"x-request-id", request_id.encode())
        if len(scope.get("query_string", b"")) > self.max_query:
            await send_json_error(
                send, 414, "QUERY_TOO_LONG", f"the query string is longer than {self.max_query} bytes", [id_header]
            )
            return
        if NUL in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await send_json_error(send, 400, "INVALID_INPUT", f"path and query: {UNSTORABLE_MESSAGE}", [id_header])
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                await send_json_error(
                    send, 413, "PAYLOAD_TOO_LARGE", f"the body is larger than {self.max_body} bytes", [id_header]
                )
                return
        started = False
        received = 0
        deadline: float | None = None
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, deadline, body_done
            if body_done:
                return await receive()
            deadline = deadline or time.monotonic() + self.body_timeout
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BodyTimeout from None
            if message["type"] == "http.disconnect":
                raise ClientLeft
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(f"the body is larger than {self.max_body} bytes")
                body_done = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except ClientLeft:
            log.info("client left before sending its whole body (request id %s)", request_id)
        except Exception as error:
            if _caused_by(error, ClientLeft):
                log.info("client left before sending its whole body (request id %s)", request_id)
                return
            if is_unstorable_text(error):
                log.info("text the database cannot store refused (request id %s)", request_id)
                if not started:
                    await send_json_error(send, 400, "INVALID_INPUT", UNSTORABLE_MESSAGE, [id_header])
                return
            if is_storage_fault(error):
                log.warning("storage unavailable: %s (request id %s)", type(error).__name__, request_id)
                if not started:
                    await send_json_error(
                        send,
                        503,
                        "STORAGE_UNAVAILABLE",
                        "the database is unavailable for the moment; try again shortly",
                        [id_header, (b"retry-after", str(RETRY_AFTER_SECONDS).encode())],
                    )
                return
            if _caused_by(error, BodyTimeout):
                log.info("body too slow, connection closed (request id %s)", request_id)
                if not started:
                    message = f"the body did not arrive within {self.body_timeout:g} seconds"
                    await send_json_error(send, 408, "REQUEST_TIMEOUT", message, [id_header, (b"connection", b"close")])
                return
            log.exception("unexpected failure (request id %s)", request_id)
            if not started:
                await send_json_error(
                    send,
                    500,
                    "INTERNAL_ERROR",
                    f"something went wrong on our side (request id {request_id})",
                    [id_header],
                )


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """True when `kind` is anywhere in the chain of causes (a framework may wrap what the receive channel raised)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Cors:
    """Browsers may call the public API from any origin, or only from a project's `cors_origins` when set.

    A preflight is answered before any route runs, so `origins_for` names the origins of the project its path or
    host names (None when it names none).
    """

    def __init__(
        self, app: ASGIApp, origins_for: Callable[[Scope], Awaitable[tuple[str, ...] | None]] | None = None
    ) -> None:
        self.app = app
        self.origins_for = origins_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = next((value for name, value in scope["headers"] if name == b"origin"), None)
        if origin is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            allowed = await self.origins_for(scope) if self.origins_for is not None else None
            if allowed and origin.decode("latin-1").lower() not in allowed:
                await send({"type": "http.response.start", "status": 204, "headers": [(b"vary", b"Origin")]})
                await send({"type": "http.response.body", "body": b""})
                return
            allow = [
                (b"access-control-allow-origin", origin),
                (b"access-control-allow-methods", b"GET, POST, PATCH, PUT, DELETE, OPTIONS"),
                (
                    b"access-control-allow-headers",
                    headers.get(b"access-control-request-headers", b"authorization, content-type"),
                ),
                (b"access-control-max-age", b"600"),
                (b"vary", b"Origin"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": allow})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                allowed = scope.get(CORS_SCOPE_KEY) or ()
                if not allowed or origin.decode("latin-1").lower() in allowed:
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"access-control-allow-origin", origin),
                        (b"access-control-expose-headers", b"X-Request-Id, Retry-After"),
                        (b"vary", b"Origin"),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_cors)
