"""In-process cost of the request observer (metrics and the access log line) per request, against the same bare
ASGI app without it: `python bench/observer_cost.py`. No server and no sockets, so it measures only our code."""

from __future__ import annotations

import argparse
import asyncio
import io
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from shopgraph.db.state import ProjectState
from shopgraph.middleware import PROJECT_SCOPE_KEY, REQUEST_ID_SCOPE_KEY
from shopgraph.observe.logs import configure_logging
from shopgraph.observe.requests import RequestObserver
from shopgraph.settings import Settings

BODY = Response(b'{"ok":true}', media_type="application/json")


async def endpoint(request: Request) -> Response:
    request.scope[PROJECT_SCOPE_KEY] = ProjectState("proj_1", "demo", 1, 1)
    return BODY


ROUTER = Router([Route("/api/v1/ecommerce/products/{slug}", endpoint)])


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(_message: object) -> None:
    return None


def _scope() -> dict[str, object]:
    return {
        "type": "http", "method": "GET", "path": "/api/v1/ecommerce/products/classic-tee", "root_path": "",
        "query_string": b"", "headers": [], "client": ("127.0.0.1", 5000), REQUEST_ID_SCOPE_KEY: "0123456789abcdef",
    }  # fmt: skip


async def _run(app: object, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        await app(_scope(), _receive, _send)  # type: ignore[operator]
    return (time.perf_counter() - started) / requests * 1e6


async def main(requests: int, rounds: int) -> None:
    observed = RequestObserver(ROUTER)
    results: dict[str, list[float]] = {"bare": [], "metrics only (log level WARNING)": [], "metrics + JSON line": []}
    sink = io.StringIO()
    for _ in range(rounds):
        results["bare"].append(await _run(ROUTER, requests))
        configure_logging(Settings(log_format="json"), level="WARNING", stream=sink)
        results["metrics only (log level WARNING)"].append(await _run(observed, requests))
        configure_logging(Settings(log_format="json"), level="INFO", stream=sink)
        results["metrics + JSON line"].append(await _run(observed, requests))
        sink.seek(0)
        sink.truncate()
    bare = min(results["bare"])
    for name, values in results.items():
        best = min(values)
        extra = "" if name == "bare" else f"  (+{best - bare:.1f} us)"
        print(f"{name:36s} {best:6.1f} us/request{extra}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.rounds))
