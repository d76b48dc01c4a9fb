"""One store run: seed, load shopgraph with every selected scenario, then the bare app with the same requests."""

from __future__ import annotations

import contextlib
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from bench.checks import capture_responses, check_bare
from bench.clients import CheckoutResult
from bench.measurement import Measurement
from bench.processes import BARE_APP, LOAD_CPU, SHOPGRAPH_APP, pinned, server, spawn, stop
from bench.report import StoreReport, row
from bench.scenarios import (
    Load,
    OrdersUnderLoad,
    Settings,
    checkouts,
    first_request_after_stock_change,
    measure_wrk_targets,
    page_while_ordering,
)
from bench.seeding import fresh_database, seed_store, server_env
from bench.targets import PAGE_REST_NAME, write_targets
from bench.wrk import Wrk

CHECKOUTS = "checkouts (add + checkout), closed loop"
ORDERS = "REST page while orders are placed"


@contextlib.contextmanager
def profiled(pid: int, directory: Path | None, name: str) -> Iterator[None]:
    """py-spy sampling the server (50 Hz, without pausing it) for the block, when a directory is given: collapsed
    stacks in `<directory>/profile-<name>.txt`."""
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    executable = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    output = directory / f"profile-{name}.txt"
    command = [executable, "record", "--pid", str(pid), "--rate", "50", "--nonblocking", "--format", "raw"]
    sampler = spawn(pinned(LOAD_CPU, [*command, "--output", str(output)]), log=directory / f"profile-{name}.log")
    try:
        yield
    finally:
        stop(sampler, signal.SIGINT)
        print(f"   profile written to {output}", flush=True)


def run_store(
    database: str, products: int, scenarios: set[str], settings: Settings, wrk: Wrk, workdir: Path
) -> StoreReport:
    directory = workdir / f"{database}-{products}"
    directory.mkdir()
    logs = settings.log_dir or directory
    logs.mkdir(parents=True, exist_ok=True)
    with fresh_database(database, directory, f"catalog{products}") as url:
        print(f"\n== {database}, {products:,} products: seeding", flush=True)
        started = time.perf_counter()
        catalog = seed_store(url, products)
        report = StoreReport(database, products, round(time.perf_counter() - started, 1))
        print(f"   seeded in {report.seed_seconds:.1f}s", flush=True)
        targets = write_targets(catalog, directory)
        env = server_env(url)
        with (
            server(SHOPGRAPH_APP, env, logs / f"server-{database}-{products}.log") as shopgraph,
            profiled(shopgraph.pid, settings.profile_dir, f"{database}-{products}"),
        ):
            report.memory_mb["after start"] = asdict(shopgraph.memory())
            bodies = capture_responses(shopgraph.base, catalog, directory)
            report.memory_mb["after seeding and the first requests"] = asdict(shopgraph.memory())
            load = Load(wrk, shopgraph.base, catalog, targets, settings)
            measured = measure_wrk_targets(load, scenarios)
            if "stock" in scenarios:
                report.stock_changes = first_request_after_stock_change(load).summary()
            under_orders = page_while_ordering(load) if "orders" in scenarios else None
            placed = checkouts(load) if "checkouts" in scenarios else None
            report.memory_mb["after the load"] = asdict(shopgraph.memory())
        print("   the bare app, same requests", flush=True)
        with server(
            BARE_APP, {**env, "BENCH_BARE_BODIES": str(bodies)}, logs / f"bare-{database}-{products}.log"
        ) as bare:
            check_bare(bare.base, bodies)
            bare_load = Load(wrk, bare.base, catalog, targets, settings)
            bare_measured = measure_wrk_targets(bare_load, scenarios | ({"page"} if under_orders else set()))
            bare_placed = checkouts(bare_load) if placed is not None else None
    _add_rows(report, measured, bare_measured, under_orders, placed, bare_placed)
    return report


def _add_rows(
    report: StoreReport,
    measured: dict[str, Measurement],
    bare: dict[str, Measurement],
    under_orders: OrdersUnderLoad | None,
    placed: CheckoutResult | None,
    bare_placed: CheckoutResult | None,
) -> None:
    for name, measurement in measured.items():
        report.rows.append(row(report.name, name, measurement, bare[name]))
    if under_orders is not None:
        report.orders = under_orders.orders()
        note = f"{report.orders['achieved_rate']:.2f} orders/s achieved"
        report.rows.append(row(report.name, ORDERS, under_orders.page, bare[PAGE_REST_NAME], note))
    if placed is not None and bare_placed is not None:
        ceiling = bare_placed.checkout_measurement()
        report.rows.append(row(report.name, CHECKOUTS, placed.checkout_measurement(), ceiling, "per s: checkouts"))
        report.checkout_failures = dict(placed.failures)
        report.checkout_client_ceiling = {
            "checkouts_per_second_against_bare": round(ceiling.requests_per_second, 1),
            "requests_per_second_against_bare": round(2 * ceiling.requests_per_second, 1),
        }
