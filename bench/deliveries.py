"""Outbox deliveries, measured from outside: the delay from a checkout's 201 to its `order.created` webhook.

.venv/bin/python -m bench.deliveries [--database sqlite,postgresql] [--scenarios alone,slow_endpoint,slow_smtp,backlog]
    [--orders 200] [--rate 40] [--backlog-orders 2000] [--wait 300]

One API process (`--no-worker`) and one `shopgraph worker` process share the server CPU; the orders are placed
from this process, on the other CPU, open loop at `--rate` per second, in store `fast`, whose endpoint (a receiver
in this process) answers at once. The scenarios:

- `alone`: nothing else.
- `slow_endpoint`: store `slow` gets as many orders at the same time, and its endpoint never answers (each
  attempt runs into the 10-second timeout).
- `slow_smtp`: every order's confirmation email goes to an SMTP server that takes 5 s a message.
- `backlog`: `--backlog-orders` orders are placed while no worker runs; then one starts, and its delivery rate to
  the fast receiver is measured (events/s from the first arrival to the last).
- `bare`: the ceiling for `backlog`: no shopgraph, a bare httpx client on the server CPU posting as many events of
  the same size to the same receiver, 10 in flight (the default per-endpoint limit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bench.processes import (
    BENCH,
    HOST,
    SERVER_CPU,
    SHOPGRAPH_APP,
    BenchError,
    free_port,
    pin_this_process_to_load_cpu,
    pinned,
    run_bounded,
    server,
    spawn,
    stop,
    stop_all,
)
from bench.seeding import cli_env, fresh_database, server_env, shopgraph_command

SCENARIOS = ("alone", "slow_endpoint", "slow_smtp", "backlog", "bare")
BARE_IN_FLIGHT = 10
RESULTS = BENCH / "results" / "deliveries.json"
SMTP_SECONDS = 5.0
STALL_SECONDS = 60.0
PLENTY = 1_000_000
ADDRESS = {"line1": "1 Bench Road", "city": "Springfield", "postal_code": "12345", "country": "US"}


class Receiver:
    """Merchants' servers: `/fast` answers at once and notes when each event arrived, `/slow` never answers in time."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[Route("/fast", self._fast, methods=["POST"]), Route("/slow", self._slow, methods=["POST"])]
        )

    async def _fast(self, request: Request) -> Response:
        event = json.loads(await request.body())
        if event["type"] == "order.created":
            with self._lock:
                self.arrivals.setdefault(event["data"]["order"]["id"], time.monotonic())
        return PlainTextResponse("ok")

    async def _slow(self, request: Request) -> Response:
        await request.body()
        await asyncio.sleep(STALL_SECONDS)
        return PlainTextResponse("late")

    def seen(self) -> dict[str, float]:
        with self._lock:
            return dict(self.arrivals)


@contextlib.contextmanager
def receiving() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    # IPPROTO_TCP, so that asyncio sets TCP_NODELAY on the connections it accepts: without it every answer waits
    # about 40 ms (Nagle's algorithm holding its body until the client's delayed ACK of its head).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        # critical: the stalled answers cut short at the end are expected
        receiver.app,
        log_level="critical",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.01)
    try:
        yield receiver, f"http://{HOST}:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)
        sock.close()


class SlowInbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, _server: object, _session: object, _envelope: object) -> str:
        await asyncio.sleep(SMTP_SECONDS)
        self.count += 1
        return "250 OK"


@contextlib.contextmanager
def slow_smtp() -> Iterator[str]:
    port = free_port()
    controller = Controller(SlowInbox(), hostname=HOST, port=port)
    controller.start()
    try:
        yield f"smtp://{HOST}:{port}"
    finally:
        controller.stop()


@dataclass
class Store:
    slug: str
    public_key: str
    secret_key: str
    product_id: str = ""
    placed: dict[str, float] = field(default_factory=dict)
    refused: int = 0

    def path(self, rest: str) -> str:
        return f"/api/v1/public/projects/{self.slug}/ecommerce{rest}"


def create_store(database_url: str, slug: str) -> Store:
    command = [*shopgraph_command(), "project", "create", slug, "--demo", "--json"]
    keys = json.loads(run_bounded(command, 180, env=cli_env(database_url)).strip().splitlines()[-1])
    return Store(slug, keys["public_key"], keys["secret_key"])


async def admin(http: httpx.AsyncClient, store: Store, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post(
        "/admin/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {store.secret_key}"},
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise BenchError(f"admin API: {response.status_code} {response.text[:500]}")
    return body["data"]  # type: ignore[no-any-return]


async def prepare(http: httpx.AsyncClient, store: Store, url: str) -> None:
    """Plenty of stock on one product, and an endpoint for `order.created` at `url`."""
    products = (
        await http.get(store.path("/products?limit=100"), headers={"Authorization": f"Bearer {store.public_key}"})
    ).json()
    simple = next(product for product in products["products"] if not product["variants"])
    store.product_id = simple["id"]
    await admin(
        http,
        store,
        "mutation ($id: ID!, $stock: Int!) { inventorySet(productId: $id, stock: $stock) { userErrors { message } } }",
        id=store.product_id,
        stock=PLENTY,
    )
    created = await admin(
        http,
        store,
        'mutation ($url: String!) { webhookEndpointCreate(url: $url, events: ["order.created"]) '
        "{ userErrors { message } } }",
        url=url,
    )
    if created["webhookEndpointCreate"]["userErrors"]:
        raise BenchError(f"endpoint not created: {created}")


async def place_order(http: httpx.AsyncClient, store: Store, number: int) -> None:
    auth = {"Authorization": f"Bearer {store.public_key}"}
    cart = f"bench-{store.slug}-{number}"
    added = await http.post(
        store.path(f"/cart/{cart}/items"), json={"productId": store.product_id, "quantity": 1}, headers=auth
    )
    checkout = await http.post(
        store.path("/checkout"),
        json={"cartId": cart, "email": f"buyer{number}@example.com", "shippingAddress": ADDRESS},
        headers=auth,
    )
    if added.status_code != 200 or checkout.status_code != 201:
        store.refused += 1
        return
    store.placed[checkout.json()["orderId"]] = time.monotonic()


async def place_orders(http: httpx.AsyncClient, store: Store, count: int, rate: float) -> None:
    """Open loop: order n starts at n / rate seconds, whether or not the ones before have been answered."""
    started = time.monotonic()
    tasks = []
    for number in range(count):
        await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
        tasks.append(asyncio.create_task(place_order(http, store, number)))
    await asyncio.gather(*tasks)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))], 3)


def delays(store: Store, receiver: Receiver) -> dict[str, Any]:
    arrivals = receiver.seen()
    waits = [arrivals[order] - placed for order, placed in store.placed.items() if order in arrivals]
    span = (max(arrivals.values()) - min(store.placed.values())) if waits else None
    return {
        "orders_placed": len(store.placed),
        "orders_refused": store.refused,
        "events_delivered": len(waits),
        "p50_seconds": percentile(waits, 0.50),
        "p95_seconds": percentile(waits, 0.95),
        "max_seconds": percentile(waits, 1.0),
        "events_per_second": round(len(waits) / span, 1) if span else None,
    }


def start_worker(env: dict[str, str], log: Path) -> Any:
    return spawn(pinned(SERVER_CPU, [*shopgraph_command(), "worker"]), env=env, log=log)


async def wait_for(store: Store, receiver: Receiver, seconds: float) -> None:
    deadline = time.monotonic() + seconds

    def missing() -> bool:
        return len(set(receiver.seen()) & set(store.placed)) < len(store.placed)

    # The receiver records in its own thread: polled, not awaited.
    while time.monotonic() < deadline and missing():  # noqa: ASYNC110
        await asyncio.sleep(0.1)


async def measure(
    scenario: str,
    in_process: bool,
    base: str,
    receiver: Receiver,
    url: str,
    stores: dict[str, Store],
    args: argparse.Namespace,
    env: dict[str, str],
    log_dir: Path,
) -> dict[str, Any]:
    fast = stores["fast"]
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so none is reused as the server closes it.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await prepare(http, fast, f"{url}/fast")
        if "slow" in stores:
            await prepare(http, stores["slow"], f"{url}/slow")
        if scenario == "backlog":
            await place_orders(http, fast, args.backlog_orders, args.backlog_rate)
            worker_started = time.monotonic()
            worker = start_worker(env, log_dir / f"worker-{scenario}.log")
            try:
                await wait_for(fast, receiver, args.wait)
            finally:
                stop(worker)
            result = delays(fast, receiver)
            arrivals = sorted(receiver.seen().values())
            if len(arrivals) > 1:
                # From the first arrival to the last: the worker process's start-up is not delivery time.
                result["backlog_events_per_second"] = round((len(arrivals) - 1) / (arrivals[-1] - arrivals[0]), 1)
                result["backlog_seconds_to_first_arrival"] = round(arrivals[0] - worker_started, 2)
            return result
        # On SQLite the worker runs in the API process (one process writes); on PostgreSQL in a process of its own,
        # woken by NOTIFY.
        worker = None if in_process else start_worker(env, log_dir / f"worker-{scenario}.log")
        try:
            await asyncio.sleep(1.0)
            placing = [place_orders(http, fast, args.orders, args.rate)]
            if "slow" in stores:
                placing.append(place_orders(http, stores["slow"], args.orders, args.rate))
            await asyncio.gather(*placing)
            await wait_for(fast, receiver, args.wait)
        finally:
            if worker is not None:
                stop(worker)
        return delays(fast, receiver)


def run_bare(args: argparse.Namespace) -> dict[str, Any]:
    print("bare", flush=True)
    with receiving() as (receiver, url):
        count, in_flight = str(args.backlog_orders), str(BARE_IN_FLIGHT)
        command = [sys.executable, "-m", "bench.bare_sender", f"{url}/fast", count, in_flight]
        sender = spawn(pinned(SERVER_CPU, command), log=args.output.parent / "bare-sender.log")
        if sender.wait(timeout=args.wait) != 0:
            raise BenchError("the bare sender failed; see bare-sender.log")
        arrivals = sorted(receiver.seen().values())
    result: dict[str, Any] = {"scenario": "bare", "events_delivered": len(arrivals)}
    if len(arrivals) > 1:
        result["backlog_events_per_second"] = round((len(arrivals) - 1) / (arrivals[-1] - arrivals[0]), 1)
    print("   ", json.dumps(result), flush=True)
    return result


def run_scenario(scenario: str, database: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    if scenario == "bare":
        return run_bare(args)
    print(f"{database} / {scenario}", flush=True)
    log_dir = args.output.parent
    log_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        url_of_database = stack.enter_context(fresh_database(database, workdir, f"deliveries_{scenario}"))
        stores = {"fast": create_store(url_of_database, "fast")}
        if scenario == "slow_endpoint":
            stores["slow"] = create_store(url_of_database, "slow")
        in_process = database == "sqlite" and scenario != "backlog"
        env = {
            **server_env(url_of_database),
            "SHOPGRAPH_RUN_WORKER": "1" if in_process else "0",
            "SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS": "1",
            "SHOPGRAPH_LOG_LEVEL": "WARNING",
        }
        if scenario == "slow_smtp":
            env["SHOPGRAPH_SMTP_URL"] = stack.enter_context(slow_smtp())
        receiver, url = stack.enter_context(receiving())
        api = stack.enter_context(server(SHOPGRAPH_APP, env, log_dir / f"server-{scenario}.log"))
        result = asyncio.run(measure(scenario, in_process, api.base, receiver, url, stores, args, env, log_dir))
    result = {"database": database, "scenario": scenario, **result}
    print("   ", json.dumps(result), flush=True)
    return result


def _choices(text: str, allowed: tuple[str, ...]) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen or any(part not in allowed for part in chosen):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench.deliveries", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", type=lambda text: _choices(text, ("sqlite", "postgresql")), default=["sqlite"])
    parser.add_argument("--scenarios", type=lambda text: _choices(text, SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--orders", type=int, default=200, help="orders placed in each store (default 200)")
    parser.add_argument("--rate", type=float, default=40.0, help="orders/s placed in each store (default 40)")
    parser.add_argument("--backlog-orders", type=int, default=2000, help="orders queued before the worker starts")
    parser.add_argument("--backlog-rate", type=float, default=200.0, help="orders/s while queueing the backlog")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the last event (default 300)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    pin_this_process_to_load_cpu()
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="shopgraph-deliveries-"))
    try:
        for database in args.database:
            for scenario in args.scenarios:
                if scenario == "bare" and database != args.database[0]:
                    continue  # no database in it: once is enough
                results.append(run_scenario(scenario, database, args, workdir))
                args.output.parent.mkdir(parents=True, exist_ok=True)
                args.output.write_text(
                    json.dumps(
                        {
                            "load_average": os.getloadavg(),
                            "results": results,
                            "settings": {k: str(v) for k, v in vars(args).items()},
                        },
                        indent=2,
                    )
                )
    except (BenchError, OSError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        stop_all()
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
