"""`shopgraph import` at catalog scale: a generated CSV imported into a new project, then imported again unchanged;
wall time and peak RSS of the import process, and optionally the catalog's latency on a server running meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import re
import subprocess
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.catalog import AISLES, DEPARTMENTS, VARIANTS_EACH, product_spec
from bench.clients import probe
from bench.measurement import Measurement
from bench.processes import LOAD_CPU, SHOPGRAPH_APP, memory_of, pinned, server, spawn, stop
from bench.seeding import cli_env, create_project, fresh_database, server_env, shopgraph_command
from bench.targets import PAGE_PATH

SLUG = "imports"
COLUMNS = (
    *("slug", "name", "description", "price", "compare_at_price", "category", "status", "stock", "images"),
    *("attr.color", "attr.material", "variant_name", "variant_sku", "variant_price", "variant_stock"),
    "variant_option.size",
)
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected")
PROGRESS = re.compile(r"^(\d+)/(\d+) records$", re.MULTILINE)


def _price(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def write_csv(path: Path, products: int) -> None:
    """The benchmark catalog as an import file: one row per variant, the product's cells on its first row."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for index in range(products):
            spec = product_spec(index)
            product = [
                spec.slug,
                spec.name,
                spec.description,
                _price(spec.price_minor),
                _price(spec.compare_at_price_minor) if spec.compare_at_price_minor else "",
                f"{DEPARTMENTS[spec.department]} > {AISLES[spec.aisle]}",
                "active",
                "",
                "|".join(spec.images),
                spec.color,
                spec.material,
            ]
            for position, variant in enumerate(spec.variants):
                cells = product if position == 0 else [spec.slug] + [""] * (len(product) - 1)
                stock = "" if variant.stock is None else str(variant.stock)
                writer.writerow([*cells, variant.name, variant.sku, _price(variant.price_minor), stock, variant.size])


def _wait_with_rusage(process: subprocess.Popen[bytes], limit: float) -> tuple[int | None, float, float]:
    """Waits for the process (polling wait4, which gives its own resource usage); exit status (None: timed
    out), seconds, and peak RSS in MB."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024
        time.sleep(0.05)
    peak = memory_of(process.pid).peak_rss_mb
    stop(process)
    return None, time.perf_counter() - started, peak


class Probe:
    """The catalog page requested at a fixed rate from a thread of its own, until stopped."""

    def __init__(self, base: str, auth: str, rate: float) -> None:
        self.rate = rate
        self._stopping = threading.Event()
        self.measured: Measurement | None = None

        def run() -> None:
            running = lambda: not self._stopping.is_set()  # noqa: E731
            self.measured = asyncio.run(probe(base, PAGE_PATH, {"Authorization": auth}, rate, running))[0]

        self._thread = threading.Thread(target=run, name="catalog-probe", daemon=True)
        self._thread.start()

    def stop(self) -> Measurement | None:
        self._stopping.set()
        self._thread.join(timeout=120)
        return self.measured


def _import_once(url: str, path: Path, log: Path, limit: float, probe: Probe | None) -> dict[str, Any]:
    command = pinned(LOAD_CPU, [*shopgraph_command(), "import", SLUG, str(path)])
    process = spawn(command, env=cli_env(url), log=log)
    try:
        exit_status, seconds, peak_mb = _wait_with_rusage(process, limit)
    finally:
        stop(process)
        measured = probe.stop() if probe is not None else None
    output = log.read_text(errors="replace")
    found = SUMMARY.search(output)
    progress = PROGRESS.findall(output)
    result: dict[str, Any] = {
        "exit_status": exit_status,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "summary": found.group(0) if found else ("timed out" if exit_status is None else "no summary printed"),
        "counts": [int(count) for count in found.groups()] if found else None,
        # How far it got: what a run stopped by its time limit still tells.
        "records_done": int(progress[-1][0]) if progress else None,
    }
    if measured is not None:
        result["catalog_probe"] = {"rate": probe.rate if probe is not None else None, **asdict(measured)}
    return result


def run_import(
    database: str, products: int, probe_rate: float, timeout: float, workdir: Path, log_dir: Path | None = None
) -> dict[str, Any]:
    directory = workdir / f"{database}-import"
    directory.mkdir()
    path = directory / "products.csv"
    print(f"\n== import: {products:,} products x {VARIANTS_EACH} variants into {database}", flush=True)
    started = time.perf_counter()
    write_csv(path, products)
    report: dict[str, Any] = {
        "database": database,
        "products": products,
        "variants_each": VARIANTS_EACH,
        "csv_mb": round(path.stat().st_size / 2**20, 1),
        "csv_written_seconds": round(time.perf_counter() - started, 1),
        "runs": [],
    }
    with fresh_database(database, directory, "import") as url:
        keys = create_project(url, SLUG)
        serving = (
            server(SHOPGRAPH_APP, server_env(url), (log_dir or directory) / f"server-{database}-import.log")
            if probe_rate > 0
            else None
        )
        with serving if serving is not None else contextlib.nullcontext() as running:
            for number, name in enumerate(("import", "re-import, unchanged file")):
                print(f"   {name} (time limit {timeout:g}s)", flush=True)
                log = directory / f"import-{number}.log"
                auth = f"Bearer {keys['public_key']}"
                probing = Probe(running.base, auth, probe_rate) if running is not None else None
                result = _import_once(url, path, log, timeout, probing)
                report["runs"].append({"name": name, **result})
                if result["exit_status"] is None:
                    break
    return report
