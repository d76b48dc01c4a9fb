"""One POST of a webhook: to a checked address, signed, bounded in time and in how much of the answer is read."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from shopgraph.webhooks.signing import signature_headers
from shopgraph.webhooks.targets import UnsafeTarget, pinned_target

log = logging.getLogger("shopgraph.webhooks")

EXCERPT_BYTES = 1024
USER_AGENT = "shopgraph-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_excerpt: str | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Webhook:
    url: str
    event_id: str
    event_type: str
    body: bytes
    secrets: Sequence[str]


class ClientsByHost:
    """HTTP clients for attempts (one pass, or the worker's lifetime), one per destination host.

    Connections are pooled by address once a target is pinned, and two host names may share an address (a CDN, a
    hosting platform): a connection opened, and TLS-verified, for one name must never carry a request for another.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._ssl_context = httpx.create_ssl_context()
        self._clients: dict[str, httpx.AsyncClient] = {}

    def for_url(self, url: str) -> httpx.AsyncClient:
        host = urlsplit(url).netloc.lower()
        if host not in self._clients:
            # trust_env=False: no proxy from the environment may stand between the address check and the connection.
            self._clients[host] = httpx.AsyncClient(
                timeout=self._timeout,
                verify=self._ssl_context,
                follow_redirects=False,
                trust_env=False,
                # Uncompressed answers, so the recorded excerpt is readable.
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            )
        return self._clients[host]

    async def __aenter__(self) -> ClientsByHost:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


async def _read_excerpt(response: httpx.Response) -> str:
    received = b""
    async for chunk in response.aiter_raw():
        received += chunk
        if len(received) >= EXCERPT_BYTES:
            break
    return received[:EXCERPT_BYTES].decode("utf-8", errors="replace")


async def _post(client: httpx.AsyncClient, webhook: Webhook, *, allow_private: bool) -> tuple[int, str]:
    target = await pinned_target(webhook.url, allow_private=allow_private)
    headers = signature_headers(
        webhook.secrets,
        event_id=webhook.event_id,
        event_type=webhook.event_type,
        timestamp=int(time.time()),
        body=webhook.body,
    )
    async with client.stream(
        "POST", target.url, content=webhook.body, headers={**headers, **target.headers}, extensions=target.extensions
    ) as response:
        return response.status_code, await _read_excerpt(response)


async def send(client: httpx.AsyncClient, webhook: Webhook, *, time_limit: float, allow_private: bool) -> Outcome:
    """Never raises: whatever happens becomes the attempt's outcome."""
    started = time.perf_counter()
    status_code: int | None = None
    excerpt: str | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(time_limit):
            status_code, excerpt = await _post(client, webhook, allow_private=allow_private)
    except UnsafeTarget as refused:
        error = f"refused: {refused.message}"
    except (TimeoutError, httpx.TimeoutException):
        error = f"timed out after {time_limit:g} s"
    except socket.gaierror as exc:
        error = f"could not resolve the host: {exc}"
    except (httpx.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception as exc:
        log.warning("webhook to %s failed unexpectedly", webhook.url, exc_info=True)
        error = f"unexpected {type(exc).__name__}"
    if status_code is not None and not 200 <= status_code < 300:
        error = f"HTTP {status_code}" + (" (redirects are not followed)" if 300 <= status_code < 400 else "")
    return Outcome(status_code, excerpt, error, int((time.perf_counter() - started) * 1000))
