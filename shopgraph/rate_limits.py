"""Per-client request limits (the `limits` library): in memory, or shared through Redis by every process."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.errors import NotFound, TooManyAttempts
from shopgraph.middleware import send_json_error

T = TypeVar("T")

log = logging.getLogger("shopgraph")

# Provider webhooks are verified by signature and must never be turned away; health checks are not the API.
UNLIMITED_PREFIXES = ("/api/v1/webhooks/", "/healthz", "/readyz")
# The dashboard brakes its own sign-in failures and answers with a page, not the API's JSON.
NOT_BRAKED_PREFIXES = (*UNLIMITED_PREFIXES, "/dashboard")


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


def _limited_address(
    scope: Scope, limiter: RequestLimiter | None, exempt: tuple[str, ...] = UNLIMITED_PREFIXES
) -> str | None:
    """The client address a limit counts against, or None where no limit applies."""
    if limiter is None or scope["type"] != "http" or scope["path"].startswith(exempt):
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


def is_failed_guess(status: int) -> bool:
    """A key that opened nothing (order lookups count themselves: `braked_order_lookup`)."""
    return status == 401


def email_key(project_id: str, email: object) -> str:
    """The counter of one store's customer email; a digest, so the counter store holds no address."""
    normalised = str(email or "").strip().lower()
    return "email:" + hashlib.sha256(f"{project_id}\0{normalised}".encode()).hexdigest()[:32]


async def braked_order_lookup(
    limiter: RequestLimiter | None, address: str, project_id: str, email: object, lookup: Callable[[], Awaitable[T]]
) -> T:
    """An order lookup by id and email, from either door: a miss counts against the client's address and against
    the email, and an email that has had too many misses in the window is refused (429) from every address."""
    if limiter is None:
        return await lookup()
    key = email_key(project_id, email)
    wait = await limiter.locked_for(key)
    if wait is not None:
        raise TooManyAttempts("too many failed order lookups for this email", wait)
    try:
        return await lookup()
    except NotFound:
        await limiter.count_failure(address)
        await limiter.count_failure(key)
        raise


class FailureBrake:
    """ASGI middleware: an address that keeps failing key checks or order lookups is refused for the window.

    Stricter than the general limit, and counted only on failures, so honest traffic never meets it. The failures
    are counted where they happen: 401s here, order lookups in `braked_order_lookup`.
    """

    def __init__(self, app: ASGIApp, *, limiter: RequestLimiter | None) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = _limited_address(scope, self.limiter, NOT_BRAKED_PREFIXES)
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
        if is_failed_guess(status):
            await self.limiter.count_failure(address)
