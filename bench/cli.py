"""Load benchmark of shopgraph against a bare Starlette ceiling; see bench/README.md.

.venv/bin/python -m bench [--products 1000,100000] [--database sqlite,postgresql] [--scenarios ...]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench.importing import run_import
from bench.processes import BENCH, ROOT, BenchError, can_pin, pin_this_process_to_load_cpu, stop_all
from bench.report import StoreReport, print_import, print_store, write_json
from bench.runner import run_store
from bench.scenarios import SCENARIOS, WARMUP_SECONDS, Settings
from bench.wrk import Wrk, find_wrk

ALL_SCENARIOS = (*SCENARIOS, "import")
DATABASES = ("sqlite", "postgresql")
RESULTS = BENCH / "results" / "latest.json"


def _choices(allowed: tuple[str, ...]) -> Any:
    def parse(text: str) -> list[str]:
        chosen = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [part for part in chosen if part not in allowed]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma separated)")
        return chosen

    return parse


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError("give product counts like 1000,100000") from error
    if not counts or any(count < 20 for count in counts):
        raise argparse.ArgumentTypeError("each product count must be at least 20 (one page)")
    return counts


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from error
    if value <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenarios",
        type=_choices(ALL_SCENARIOS),
        default=list(ALL_SCENARIOS),
        help=f"comma separated, of {','.join(ALL_SCENARIOS)} (default: all)",
    )
    parser.add_argument("--products", type=_counts, default=[1000, 100_000], help="catalog sizes (default 1000,100000)")
    parser.add_argument(
        "--database",
        type=_choices(DATABASES),
        default=["sqlite"],
        help="sqlite, postgresql or both (default sqlite); PostgreSQL at 127.0.0.1:5432, user postgres",
    )
    parser.add_argument("--duration", type=_positive, default=10.0, help="seconds measured per target (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections for reads (default 32)")
    parser.add_argument("--clients", type=int, default=16, help="closed-loop clients for cart adds and checkouts")
    parser.add_argument("--order-rate", type=_positive, default=10.0, help="orders/s placed during the page load")
    parser.add_argument("--stock-changes", type=int, default=20, help="stock changes timed per door (default 20)")
    parser.add_argument("--import-products", type=int, default=100_000, help="products in the import file")
    parser.add_argument(
        "--import-probe-rate",
        type=float,
        default=20.0,
        help="catalog requests/s to a server during the import (0: no server)",
    )
    parser.add_argument("--import-timeout", type=_positive, default=1800.0, help="seconds allowed per import")
    parser.add_argument(
        "--profile", action="store_true", help="sample the shopgraph server with py-spy (bench/results/profile-*.txt)"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS.relative_to(ROOT)})"
    )
    return parser


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _load_average() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


LOAD_AT_START = _load_average()


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "pinned": can_pin(),
        "load_average_at_start": LOAD_AT_START,
    }


def _report(
    args: argparse.Namespace, wrk: Wrk, stores: list[StoreReport], imports: list[dict[str, Any]], started: float
) -> dict[str, Any]:
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "settings": {
            "scenarios": args.scenarios,
            "duration_seconds": args.duration,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": args.connections,
            "clients": args.clients,
            "order_rate": args.order_rate,
            "stock_changes": args.stock_changes,
            "load_generator": wrk.name,
        },
        "machine": _machine(),
        "load_average_now": _load_average(),
        "stores": [asdict(store) for store in stores],
        "imports": imports,
    }


def run(args: argparse.Namespace) -> int:
    scenarios = set(args.scenarios)
    settings = Settings(
        args.duration,
        args.connections,
        args.clients,
        args.order_rate,
        args.stock_changes,
        args.output.parent if args.profile else None,
        args.output.parent,
    )
    wrk = Wrk(find_wrk())
    pin_this_process_to_load_cpu()
    print(
        f"pinned (server on CPU 0; wrk and the Python clients on CPU 1): {can_pin()}; "
        f"load average {' '.join(LOAD_AT_START)}",
        flush=True,
    )
    started = time.perf_counter()
    stores: list[StoreReport] = []
    imports: list[dict[str, Any]] = []
    workdir = Path(tempfile.mkdtemp(prefix="shopgraph-bench-"))
    try:
        for database in args.database:
            if scenarios - {"import"}:
                for products in args.products:
                    stores.append(run_store(database, products, scenarios - {"import"}, settings, wrk, workdir))
                    print_store(stores[-1])
                    write_json(args.output, _report(args, wrk, stores, imports, started))
            if "import" in scenarios:
                imports.append(
                    run_import(
                        database,
                        args.import_products,
                        args.import_probe_rate,
                        args.import_timeout,
                        workdir,
                        args.output.parent,
                    )
                )
                print_import(imports[-1])
                write_json(args.output, _report(args, wrk, stores, imports, started))
    finally:
        stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nall done in {time.perf_counter() - started:.0f}s; written to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        return run(args)
    except (BenchError, subprocess.SubprocessError, OSError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
