"""The results: rows with their share of the bare ceiling, printed as a table and written as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.measurement import Measurement


@dataclass(frozen=True)
class Row:
    store: str
    target: str
    per_second: float
    p50_ms: float
    p99_ms: float
    bare_per_second: float | None
    share_of_bare_percent: float | None
    requests: int
    errors: int
    non_2xx: int
    note: str = ""


def row(store: str, target: str, measured: Measurement, bare: Measurement | None, note: str = "") -> Row:
    ceiling = bare.requests_per_second if bare is not None else None
    return Row(
        store=store,
        target=target,
        per_second=round(measured.requests_per_second, 1),
        p50_ms=round(measured.p50_ms, 2),
        p99_ms=round(measured.p99_ms, 2),
        bare_per_second=round(ceiling, 1) if ceiling is not None else None,
        share_of_bare_percent=round(100 * measured.requests_per_second / ceiling, 1) if ceiling else None,
        requests=measured.requests,
        errors=measured.errors,
        non_2xx=measured.non_2xx,
        note=note,
    )


@dataclass
class StoreReport:
    """One database at one catalog size."""

    database: str
    products: int
    seed_seconds: float
    rows: list[Row] = field(default_factory=list)
    stock_changes: dict[str, Any] | None = None
    orders: dict[str, Any] | None = None
    memory_mb: dict[str, dict[str, float]] = field(default_factory=dict)
    checkout_client_ceiling: dict[str, Any] | None = None
    checkout_failures: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.database}, {self.products:,} products"


def _cell(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "" if value is None else f"{value:,.{digits}f}{suffix}"


def table_lines(rows: list[Row]) -> list[str]:
    width = max([len(item.target) for item in rows] + [6])
    header = f"{'target':<{width}}  {'per s':>9}  {'p50 ms':>8}  {'p99 ms':>9}  {'bare/s':>9}  {'of bare':>8}  errors"
    lines = [header]
    for item in rows:
        failures = f"{item.errors}/{item.non_2xx}" if item.errors or item.non_2xx else ""
        if item.requests == 0:
            lines.append(f"{item.target:<{width}}  no request completed within the duration  {failures}")
            continue
        lines.append(
            f"{item.target:<{width}}  {_cell(item.per_second):>9}  {_cell(item.p50_ms, 2):>8}"
            f"  {_cell(item.p99_ms, 2):>9}"
            f"  {_cell(item.bare_per_second):>9}  {_cell(item.share_of_bare_percent, 1, ' %'):>8}  {failures}"
            + (f"  ({item.note})" if item.note else "")
        )
    return lines


def print_store(report: StoreReport) -> None:
    print(f"\n== {report.name} (seeded in {report.seed_seconds:.1f}s)")
    if report.rows:
        print("\n".join(table_lines(report.rows)))
        print("errors column: transport errors / non-2xx responses")
    if report.orders:
        driver = report.orders
        print(
            f"order driver, while the page was measured: {driver['achieved_rate']:.2f} orders/s completed of "
            f"{driver['target_rate']:g} asked ({driver['launched']} launched, {driver['completed_late']} completed "
            f"after the window, {driver['errors']} errors, {driver['non_2xx']} non-2xx, {driver['not_launched']} "
            f"not launched: too many in flight); order p50 {driver['order_p50_ms']:.0f} ms, "
            f"p99 {driver['order_p99_ms']:.0f} ms"
        )
    if report.orders and report.orders["failures"]:
        print(f"order driver failures: {report.orders['failures']}")
    if report.checkout_failures:
        print(f"checkout failures: {report.checkout_failures}")
    if report.stock_changes:
        stock = report.stock_changes
        print(
            f"first page request after a stock change ({stock['changes']}x each): REST median "
            f"{stock['rest_median_ms']:.1f} ms, max {stock['rest_max_ms']:.1f} ms; GraphQL median "
            f"{stock['graphql_median_ms']:.1f} ms, max {stock['graphql_max_ms']:.1f} ms "
            f"(inventorySet itself: median {stock['inventory_set_median_ms']:.1f} ms)"
        )
    for moment, memory in report.memory_mb.items():
        print(f"server memory {moment}: RSS {memory['rss_mb']:.0f} MB, peak {memory['peak_rss_mb']:.0f} MB")


def print_import(report: dict[str, Any]) -> None:
    print(f"\n== import of {report['products']:,} products x {report['variants_each']} variants, {report['database']}")
    for run in report["runs"]:
        probe = run.get("catalog_probe")
        probing = (
            f"; catalog p99 meanwhile {probe['p99_ms']:.1f} ms ({probe['requests']} probes, "
            f"{probe['errors']} errors, {probe['non_2xx']} non-2xx)"
            if probe
            else ""
        )
        done = f" ({run['records_done']:,} records done)" if run["exit_status"] is None and run["records_done"] else ""
        print(
            f"{run['name']}: {run['seconds']:.1f}s, peak RSS {run['peak_rss_mb']:.0f} MB, "
            f"exit {run['exit_status']}: {run['summary']}{done}{probing}"
        )


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=asdict) + "\n")
