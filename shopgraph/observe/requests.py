"""One log line and one set of metric samples for every HTTP request."""

from __future__ import annotations

import logging
from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopgraph.middleware import PROJECT_SCOPE_KEY, REQUEST_ID_SCOPE_KEY
from shopgraph.observe.metrics import REQUESTS
from shopgraph.observe.routes import route_template

access_log = logging.getLogger("shopgraph.access")  # its lines carry nothing a client wrote; see logs.py

# Any other method is counted as OTHER: a label must not take whatever a client sends.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestObserver:
    """The outermost middleware: it sees every answer, the request guard's refusals and masked failures included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = perf_counter() - started
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            route = route_template(scope)
            REQUESTS.record(route, method, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                project = scope.get(PROJECT_SCOPE_KEY)
                access_log.info(
                    "%s %s %d %.1fms",
                    method,
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "request_id": scope.get(REQUEST_ID_SCOPE_KEY),
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "project": project.slug if project is not None else None,
                    },
                )
