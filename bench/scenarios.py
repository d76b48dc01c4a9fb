"""The scenarios measured against one running server (shopgraph, or the bare app standing in for it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench.catalog import PLENTY, SeededCatalog
from bench.checks import graphql, request
from bench.clients import CheckoutResult, DriverResult, closed_loop_checkouts, drive_orders
from bench.measurement import Measurement, median
from bench.processes import BenchError
from bench.targets import GRAPHQL_PAGE, INVENTORY_SET, PAGE_PATH, REST, Targets, graphql_body
from bench.wrk import Target, Wrk

T = TypeVar("T")
WARMUP_SECONDS = 2.0
SCENARIOS = ("page", "product", "filtered", "stock", "orders", "carts", "checkouts")


@dataclass(frozen=True)
class Settings:
    duration: float
    connections: int
    clients: int
    order_rate: float
    stock_changes: int
    profile_dir: Path | None = None
    """Where py-spy's samples of the shopgraph server go, when profiling."""
    log_dir: Path | None = None
    """Where the servers' logs are kept (they hold the traceback of any 500); else they go with the temporary files."""


@dataclass(frozen=True)
class Load:
    """What loads one server: wrk, the targets of its store, and the run's settings."""

    wrk: Wrk
    base: str
    catalog: SeededCatalog
    targets: Targets
    settings: Settings

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.catalog.public_key}"}

    def prime(self) -> None:
        """One page request first, so that a catalog built on first use is not built inside a measurement."""
        request(self.base, "GET", PAGE_PATH, self.auth["Authorization"])

    def wrk_run(self, target: Target, connections: int | None = None) -> Measurement:
        connections = connections or self.settings.connections
        self.prime()
        print(f"    {target.name}: warm-up {WARMUP_SECONDS:g}s, then {self.settings.duration:g}s", flush=True)
        self.wrk.run(self.base, target, WARMUP_SECONDS, connections)
        return self.wrk.run(self.base, target, self.settings.duration, connections)


def wrk_targets(load: Load, scenarios: set[str]) -> dict[str, Target]:
    """The wrk targets of the selected scenarios, by the name each row carries."""
    chosen: list[Target] = []
    targets = load.targets
    if "page" in scenarios:
        chosen += [targets.page_rest, targets.page_graphql]
    if "product" in scenarios:
        chosen += [targets.product_rest, targets.product_graphql]
    if "filtered" in scenarios:
        chosen += [targets.filtered_rest, targets.filtered_graphql]
    if "carts" in scenarios:
        chosen.append(targets.cart_add)
    return {target.name: target for target in chosen}


def measure_wrk_targets(load: Load, scenarios: set[str]) -> dict[str, Measurement]:
    measured = {}
    for name, target in wrk_targets(load, scenarios).items():
        connections = load.settings.clients if target is load.targets.cart_add else None
        measured[name] = load.wrk_run(target, connections)
    return measured


@dataclass(frozen=True)
class OrdersUnderLoad:
    page: Measurement
    driver: DriverResult
    page_seconds: float

    def orders(self) -> dict[str, Any]:
        """The driver's figures over the window in which wrk measured the page."""
        return self.driver.summary(WARMUP_SECONDS, WARMUP_SECONDS + self.page_seconds)


def page_while_ordering(load: Load) -> OrdersUnderLoad:
    """The same-URL REST page under wrk while a driver places orders at a fixed rate (add + checkout over REST)."""
    settings = load.settings
    load.prime()
    print(
        f"    REST page while {settings.order_rate:g} orders/s are placed: "
        f"orders for {WARMUP_SECONDS:g}s first, then the page for {settings.duration:g}s",
        flush=True,
    )

    async def together() -> OrdersUnderLoad:
        window = WARMUP_SECONDS + settings.duration
        driver = asyncio.create_task(
            drive_orders(load.base, load.auth, load.catalog.sellable, settings.order_rate, window)
        )
        await asyncio.sleep(WARMUP_SECONDS)
        process = load.wrk.start(load.base, load.targets.page_rest, settings.duration, settings.connections)
        try:
            result = await driver
        finally:
            page = await asyncio.to_thread(load.wrk.finish, process, settings.duration)
        return OrdersUnderLoad(page=page, driver=result, page_seconds=settings.duration)

    return asyncio.run(together())


def checkouts(load: Load) -> CheckoutResult:
    settings = load.settings
    load.prime()
    print(
        f"    checkouts, {settings.clients} clients: warm-up {WARMUP_SECONDS:g}s, then {settings.duration:g}s",
        flush=True,
    )
    closed_loop_checkouts(load.base, load.auth, load.catalog.sellable, settings.clients, WARMUP_SECONDS)
    return closed_loop_checkouts(load.base, load.auth, load.catalog.sellable, settings.clients, settings.duration)


@dataclass(frozen=True)
class StockChanges:
    changes: int
    mutation_ms: list[float]
    rest_ms: list[float]
    graphql_ms: list[float]

    def summary(self) -> dict[str, Any]:
        return {
            "changes": self.changes,
            "inventory_set_median_ms": round(median(self.mutation_ms), 2),
            "rest_median_ms": round(median(self.rest_ms), 2),
            "rest_max_ms": round(max(self.rest_ms, default=0.0), 2),
            "graphql_median_ms": round(median(self.graphql_ms), 2),
            "graphql_max_ms": round(max(self.graphql_ms, default=0.0), 2),
        }


def _timed(action: Callable[[], T]) -> tuple[float, T]:
    """Milliseconds the action took, and what it returned."""
    started = time.perf_counter()
    value = action()
    return (time.perf_counter() - started) * 1000, value


def first_request_after_stock_change(load: Load) -> StockChanges:
    """Sets a variant's stock through admin GraphQL `inventorySet`, then times the next catalog page request;
    alternately over REST and GraphQL, on products of the first page (the newest), each change checked."""
    admin = f"Bearer {load.catalog.secret_key}"
    public = load.auth["Authorization"]
    page_body = graphql_body(GRAPHQL_PAGE)
    doors: dict[str, Callable[[], object]] = {
        "rest": lambda: request(load.base, "GET", PAGE_PATH, public),
        "graphql": lambda: graphql(load.base, public, page_body),
    }
    timings: dict[str, list[float]] = {"rest": [], "graphql": [], "mutation": []}
    changes = load.settings.stock_changes
    print(f"    first page request after a stock change, {changes} times over each door", flush=True)
    candidates = load.catalog.stock_variants[::-1]
    for number in range(changes):
        for door, fetch in doors.items():
            slug, variant_id = candidates[(2 * number + (door == "graphql")) % len(candidates)]
            fetch()  # the page is current (and cached) before the change
            stock = PLENTY - 1 - number
            body = graphql_body(INVENTORY_SET, {"variantId": variant_id, "stock": stock})
            mutation_ms, changed = _timed(partial(graphql, load.base, admin, body, "/admin/graphql"))
            timings["mutation"].append(mutation_ms)
            if changed["data"]["inventorySet"]["userErrors"]:
                raise BenchError(f"inventorySet refused: {changed['data']['inventorySet']['userErrors']}")
            timings[door].append(_timed(fetch)[0])
            shown = request(load.base, "GET", f"{REST}/products/{slug}", public).json()
            if not any(variant["id"] == variant_id and variant["stock"] == stock for variant in shown["variants"]):
                raise BenchError(f"the stock change of {slug} is not shown by the next request")
    return StockChanges(changes, timings["mutation"], timings["rest"], timings["graphql"])
