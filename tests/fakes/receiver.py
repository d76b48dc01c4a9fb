"""A merchant's webhook receiver on loopback: records every request, and can fail, stall or redirect on demand."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    header_lists: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers[name.lower()]

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


class Receiver:
    def __init__(self) -> None:
        self.url = ""
        self.requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._failures_left = 0
        self._failure_status = 500
        self.delay_seconds = 0.0
        self.redirect_to: str | None = None
        self.app = Starlette(routes=[Route("/{path:path}", self._receive, methods=["POST"])])

    def reset(self) -> None:
        with self._lock:
            self.requests = []
            self._failures_left = 0
            self._failure_status = 500
        self.delay_seconds = 0.0
        self.redirect_to = None

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self._failures_left = count
            self._failure_status = status

    @property
    def event_ids(self) -> list[str]:
        return [request.header("X-Webhook-Id") for request in self.requests]

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        lists: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            lists.setdefault(name, []).append(value)
        with self._lock:
            self.requests.append(ReceivedRequest(request.url.path, dict(request.headers), lists, body))
            failing = self._failures_left > 0
            if failing:
                self._failures_left -= 1
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if failing:
            return PlainTextResponse("receiver is down", status_code=self._failure_status)
        if self.redirect_to is not None:
            return RedirectResponse(self.redirect_to, status_code=302)
        return PlainTextResponse("ok")
