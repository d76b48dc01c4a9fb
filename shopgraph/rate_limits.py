"""Per-client request limits (the `limits` library): in memory, or shared through Redis by every process."""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.middleware import send_json_error

log = logging.getLogger("shopgraph")

# Provider webhooks are verified by signature and must never be turned away; health checks are not the API.
UNLIMITED_PREFIXES = ("/api/v1/webhooks/", "/healthz", "/readyz")


def parse_limit(value: str | None) -> RateLimitItem | None:
    """`"1200/minute"`, `"20/second"`; empty, `0` or `off` means no limit."""
    if value is None or value.strip().lower() in {"", "0", "off", "none"}:
        return None
    return parse(value)


class RequestLimiter:
    def __init__(self, limit: RateLimitItem, redis_url: str | None = None) -> None:
        self.limit = limit
        self.storage: Storage = RedisStorage(f"async+{redis_url}") if redis_url else MemoryStorage()
        self.strategy = FixedWindowRateLimiter(self.storage)

    async def retry_after(self, client: str) -> int | None:
        """None when the request may go on; otherwise the seconds to wait."""
        try:
            if await self.strategy.hit(self.limit, client):
                return None
            stats = await self.strategy.get_window_stats(self.limit, client)
        except Exception:
            # A limiter that cannot reach its store lets traffic through rather than failing every request.
            log.warning("rate limit store unreachable; request not limited", exc_info=True)
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def locked_for(self, client: str) -> int | None:
        """Without counting: None while `client` has failures left in this window, else the seconds to wait."""
        try:
            if await self.strategy.test(self.limit, "failed", client):
                return None
            stats = await self.strategy.get_window_stats(self.limit, "failed", client)
        except Exception:
            log.warning("rate limit store unreachable; failures not limited", exc_info=True)
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def count_failure(self, client: str) -> None:
        try:
            await self.strategy.hit(self.limit, "failed", client)
        except Exception:
            log.warning("rate limit store unreachable; failure not counted", exc_info=True)


def _limited_address(scope: Scope, limiter: RequestLimiter | None) -> str | None:
    """The client address a limit counts against, or None where no limit applies."""
    if limiter is None or scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PREFIXES):
        return None
    client = scope.get("client")
    return client[0] if client else "unknown"


async def _refuse(send: Send, what: str, wait: int) -> None:
    await send_json_error(
        send, 429, "RATE_LIMITED", f"{what}; try again in {wait} seconds", [(b"retry-after", str(wait).encode())]
    )


class RateLimit:
    """ASGI middleware: 429 with `Retry-After` once a client (its address) goes over the limit."""

    def __init__(self, app: ASGIApp, *, limiter: RequestLimiter | None) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = _limited_address(scope, self.limiter)
        if self.limiter is None or address is None:
            await self.app(scope, receive, send)
            return
        wait = await self.limiter.retry_after(address)
        if wait is None:
            await self.app(scope, receive, send)
            return
        await _refuse(send, "too many requests", wait)


def is_failed_guess(scope: Scope, status: int) -> bool:
    """A key that opened nothing, or an order id and email that matched no order."""
    if status == 401:
        return True
    return status == 404 and scope["method"] == "GET" and "/orders/" in scope["path"]


class FailureBrake:
    """ASGI middleware: an address that keeps failing key checks or order lookups is refused for the window.

    Stricter than the general limit, and counted only on failures, so honest traffic never meets it.
    """

    def __init__(self, app: ASGIApp, *, limiter: RequestLimiter | None) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = _limited_address(scope, self.limiter)
        if self.limiter is None or address is None:
            await self.app(scope, receive, send)
            return
        wait = await self.limiter.locked_for(address)
        if wait is not None:
            await _refuse(send, "too many failed attempts", wait)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if is_failed_guess(scope, status):
            await self.limiter.count_failure(address)
