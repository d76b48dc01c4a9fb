"""A deadline for a request's headers, which uvicorn does not have: its HTTP protocol, with a timer.

The application sees a request only once its headers are complete, so a client that sends them a byte at a time,
or opens a connection and sends nothing, never reaches any ASGI middleware; it can only be cut off here. The timer
starts when the connection is made and when the first bytes of a following request arrive, and stops when the
protocol starts a new request/response cycle (its headers are complete). When it fires first, the client gets a
408 (if it sent anything) and the connection is closed.

`shopgraph serve` passes `HeaderTimeoutProtocol` to uvicorn by its import path, so every worker process imports it
and reads `SHOPGRAPH_HEADER_TIMEOUT_SECONDS` itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import cache
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from shopgraph.settings import Settings

PROTOCOL_PATH = "shopgraph.header_timeout:HeaderTimeoutProtocol"
_BODY = json.dumps({"message": "the request's headers took too long to arrive", "code": "REQUEST_TIMEOUT"}).encode()
_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    + f"content-length: {len(_BODY)}\r\n\r\n".encode()
    + _BODY
)
log = logging.getLogger("shopgraph.http")


@cache
def header_timeout_seconds() -> float:
    return Settings.from_env().header_timeout_seconds


class HeaderTimeoutProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's own protocol (httptools when installed, else h11) with a deadline for each request's headers."""

    header_timeout: float | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._cycle_before: object = None
        self._bytes_waiting = False
        self._start_header_timer()

    def _timeout(self) -> float:
        return self.header_timeout if self.header_timeout is not None else header_timeout_seconds()

    def _between_requests(self) -> bool:
        cycle = getattr(self, "cycle", None)
        return cycle is None or bool(getattr(cycle, "response_complete", False))

    def _start_header_timer(self) -> None:
        self._cycle_before = getattr(self, "cycle", None)
        self._header_timer = self.loop.call_later(self._timeout(), self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self._bytes_waiting = False

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._between_requests():
            self._start_header_timer()
        if self._header_timer is not None and data:
            self._bytes_waiting = True
        super().data_received(data)
        if self._header_timer is not None and getattr(self, "cycle", None) is not self._cycle_before:
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request's clock starts with its first byte (or uvicorn's keep-alive timeout closes an idle one).
        self._stop_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if getattr(self, "cycle", None) is not self._cycle_before or self.transport.is_closing():
            return
        client = getattr(self, "client", None)
        log.info(
            "closed a connection whose request headers did not arrive within %ss",
            self._timeout(),
            extra={"client": f"{client[0]}:{client[1]}" if client else None},
        )
        if self._bytes_waiting:
            self.transport.write(_RESPONSE)
        self.transport.close()
