"""Python asyncio clients (on bench/http.py) for what wrk cannot do: multi-step checkouts in a closed loop,
orders placed at a fixed rate, and a light fixed-rate probe. They run in the benchmark's own process, pinned to
the load CPU; each is also run against the bare app, which shows its own ceiling.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.http import Answer, Connection, HTTPFailure
from bench.measurement import Measurement, Tally
from bench.targets import REST, cart_add_body, checkout_body

REQUEST_TIMEOUT = 30.0
MAX_IN_FLIGHT_ORDERS = 64
_cart_numbers = itertools.count()


def _fresh_cart(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000) % 10**9}-{next(_cart_numbers)}"


@dataclass
class Order:
    """One add + checkout: the latency of each request, and how it ended."""

    add_seconds: float = 0.0
    checkout_seconds: float = 0.0
    outcome: str = "error"  # "ok", "error" (transport), "non_2xx"
    failure: str = ""
    """What went wrong, for the report: `checkout 409 INSUFFICIENT_STOCK`, or the transport error."""


async def place_order(connection: Connection, line: tuple[str, str], prefix: str) -> Order:
    """Adds one unit to a new cart and checks it out, cash on delivery (the store's manual provider)."""
    order = Order()
    cart_id = _fresh_cart(prefix)
    try:
        started = time.perf_counter()
        added = await connection.request("POST", f"{REST}/cart/{cart_id}/items", cart_add_body(*line).encode())
        order.add_seconds = time.perf_counter() - started
        if not 200 <= added.status < 300:
            order.outcome, order.failure = "non_2xx", _failure("cart add", added)
            return order
        started = time.perf_counter()
        placed = await connection.request("POST", f"{REST}/checkout", checkout_body(cart_id, f"{cart_id}@example.com"))
        order.checkout_seconds = time.perf_counter() - started
        if placed.status == 201:
            order.outcome = "ok"
        else:
            order.outcome, order.failure = "non_2xx", _failure("checkout", placed)
    except HTTPFailure as error:
        order.outcome, order.failure = "error", str(error)[:200]
    return order


def _failure(step: str, answer: Answer) -> str:
    try:
        code = str(answer.json().get("code", ""))
    except ValueError:
        code = ""
    return f"{step} {answer.status} {code}".strip()


@dataclass
class CheckoutResult:
    """Closed-loop add + checkout: `orders` counts the pairs that both succeeded."""

    seconds: float
    orders: Tally = field(default_factory=Tally)
    adds: Tally = field(default_factory=Tally)
    checkouts: Tally = field(default_factory=Tally)
    failures: Counter[str] = field(default_factory=Counter)

    def record(self, order: Order) -> None:
        if order.outcome == "ok":
            self.orders.latencies.append(order.add_seconds + order.checkout_seconds)
            self.adds.latencies.append(order.add_seconds)
            self.checkouts.latencies.append(order.checkout_seconds)
        elif order.outcome == "non_2xx":
            self.orders.non_2xx += 1
        else:
            self.orders.errors += 1
        if order.failure:
            self.failures[order.failure] += 1

    def checkout_measurement(self) -> Measurement:
        """Checkouts per second (whole add + checkout pairs), with the latency of the checkout request alone."""
        pairs = self.orders.measurement(self.seconds)
        alone = self.checkouts.measurement(self.seconds)
        return Measurement(
            requests=pairs.requests,
            requests_per_second=pairs.requests_per_second,
            p50_ms=alone.p50_ms,
            p99_ms=alone.p99_ms,
            errors=pairs.errors,
            non_2xx=pairs.non_2xx,
        )


async def _closed_loop_checkouts(
    base: str, auth: dict[str, str], lines: list[tuple[str, str]], clients: int, seconds: float
) -> CheckoutResult:
    result = CheckoutResult(seconds=seconds)
    deadline = time.perf_counter() + seconds

    async def one_client(number: int) -> None:
        rng = random.Random(number)
        async with Connection(base, auth) as connection:
            while time.perf_counter() < deadline:
                order = await place_order(connection, rng.choice(lines), f"bench-co-{number}")
                if time.perf_counter() <= deadline:
                    result.record(order)

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(one_client(n) for n in range(clients))), seconds + REQUEST_TIMEOUT * 2 + 5)
    result.seconds = max(seconds, min(time.perf_counter() - started, seconds))
    return result


def closed_loop_checkouts(
    base: str, auth: dict[str, str], lines: list[tuple[str, str]], clients: int, seconds: float
) -> CheckoutResult:
    """`clients` clients, each placing one order after another for `seconds`."""
    return asyncio.run(_closed_loop_checkouts(base, auth, lines, clients, seconds))


@dataclass(frozen=True)
class PlacedOrder:
    launched: float
    finished: float
    outcome: str
    failure: str = ""


@dataclass
class DriverResult:
    """Orders launched at a fixed rate (seconds since the driver started), and those it could not launch because
    MAX_IN_FLIGHT_ORDERS were still waiting."""

    target_rate: float
    seconds: float
    orders: list[PlacedOrder] = field(default_factory=list)
    skipped: int = 0
    unfinished: int = 0

    def summary(self, start: float, end: float) -> dict[str, Any]:
        """The window [start, end): orders completed in it per second (the achieved rate), and what became of the
        orders launched in it (latency, failures, those that completed only after it)."""
        launched = [order for order in self.orders if start <= order.launched < end]
        ok = [order for order in launched if order.outcome == "ok"]
        latencies = Tally(latencies=[order.finished - order.launched for order in ok])
        measured = latencies.measurement(end - start)
        completed = sum(order.outcome == "ok" and start <= order.finished < end for order in self.orders)
        return {
            "target_rate": self.target_rate,
            "window_seconds": round(end - start, 1),
            "launched": len(launched),
            "achieved_rate": round(completed / (end - start), 2),
            "completed_late": sum(order.finished >= end for order in ok),
            "errors": sum(order.outcome == "error" for order in launched),
            "non_2xx": sum(order.outcome == "non_2xx" for order in launched),
            "failures": dict(Counter(order.failure for order in launched if order.failure)),
            "not_launched": self.skipped,
            "unfinished": self.unfinished,
            "order_p50_ms": round(measured.p50_ms, 1),
            "order_p99_ms": round(measured.p99_ms, 1),
        }


async def drive_orders(
    base: str, auth: dict[str, str], lines: list[tuple[str, str]], rate: float, seconds: float
) -> DriverResult:
    """Launches an add + checkout every 1/rate seconds for `seconds`, not waiting for the earlier ones (open loop),
    each on a connection of its own kept for the next order."""
    result = DriverResult(target_rate=rate, seconds=seconds)
    rng = random.Random(10)
    in_flight: set[asyncio.Task[None]] = set()
    idle: list[Connection] = []
    started = time.perf_counter()

    async def one(launched: float) -> None:
        connection = idle.pop() if idle else Connection(base, auth)
        order = await place_order(connection, rng.choice(lines), "bench-drive")
        idle.append(connection)
        result.orders.append(PlacedOrder(launched, time.perf_counter() - started, order.outcome, order.failure))

    for number in itertools.count():
        launch_at = number / rate
        if launch_at >= seconds:
            break
        await asyncio.sleep(max(0.0, started + launch_at - time.perf_counter()))
        if len(in_flight) >= MAX_IN_FLIGHT_ORDERS:
            result.skipped += 1
            continue
        task = asyncio.create_task(one(time.perf_counter() - started))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight, timeout=REQUEST_TIMEOUT * 2 + 5)
    result.unfinished = len(in_flight)
    for task in in_flight:
        task.cancel()
    for connection in idle:
        await connection.close()
    return result


async def probe(
    base: str, path: str, auth: dict[str, str], rate: float, running: Callable[[], bool]
) -> tuple[Measurement, float]:
    """GETs `path` `rate` times a second, open loop, while `running()`; the measurement and the seconds it ran."""
    tally = Tally()
    tasks: set[asyncio.Task[None]] = set()

    idle: list[Connection] = []

    async def one() -> None:
        connection = idle.pop() if idle else Connection(base, auth)
        sent = time.perf_counter()
        try:
            answer = await connection.request("GET", path)
        except HTTPFailure:
            tally.errors += 1
            return
        finally:
            idle.append(connection)
        tally.latencies.append(time.perf_counter() - sent)
        if not 200 <= answer.status < 300:
            tally.non_2xx += 1

    started = time.perf_counter()
    for number in itertools.count():
        if not running():
            break
        await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
        if len(tasks) < MAX_IN_FLIGHT_ORDERS:
            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    seconds = time.perf_counter() - started
    if tasks:
        await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 5)
    for connection in idle:
        await connection.close()
    return tally.measurement(seconds), seconds
