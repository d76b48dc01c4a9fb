"""Load benchmark: the catalog read path (REST and GraphQL) against a bare Starlette endpoint serving the same bytes.

.venv/bin/python bench/run.py [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import httpx
from sqlalchemy import func, select

from shopgraph.db.engine import Database
from shopgraph.db.migrate import upgrade_database
from shopgraph.db.models import Product
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import add_product
from shopgraph.domain.demo import load_demo_catalog
from shopgraph.domain.stores.projects import create_project

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "latest.json"
HOST = "127.0.0.1"
PRODUCTS_PATH = "/api/v1/ecommerce/products?limit=20"
ACTIVE_PRODUCTS = 1000
VARIANTS_EACH = 3
PAGE_SIZE = 20
WARMUP_SECONDS = 2.0
SERVER_CPU = 0
LOAD_CPU = 1
STARTUP_SECONDS = 30.0
SHOPGRAPH_APP = ["shopgraph.app:create_app", "--factory"]
BARE_APP = ["bare_app:app", "--app-dir", str(BENCH)]
BARE = "bare Starlette (same bytes)"
GRAPHQL_QUERY = (
    "query Page { products(limit: 20) { total items { id slug name description price { amount currency } "
    "compareAtPrice { amount } images categoryId attributes { name value } stock inStock "
    "variants { id name sku price { amount } stock inStock options } createdAt updatedAt } } }"
)


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @property
    def method(self) -> str:
        return "GET" if self.body is None else "POST"


@dataclass(frozen=True)
class Measurement:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class Row:
    target: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    share_of_bare_percent: float
    requests: int
    errors: int


class LoadGenerator(Protocol):
    name: str

    def run(self, target: Target, seconds: float, connections: int) -> Measurement: ...


def can_pin() -> bool:
    return shutil.which("taskset") is not None and {SERVER_CPU, LOAD_CPU} <= os.sched_getaffinity(0)


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if can_pin() else command


def run_bounded(command: list[str], seconds: float, env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds, env=env, check=False)
    if completed.returncode != 0:
        raise BenchError(f"{command[0]} failed ({completed.returncode}): {completed.stderr.strip()[-2000:]}")
    return completed.stdout


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(output: str, percent: int) -> float:
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise BenchError(f"no p{percent} in wrk output:\n{output}")
    return float(found.group(1)) * _UNIT_MS[found.group(2)]


def _wrk_count(pattern: str, output: str) -> list[int]:
    found = re.search(pattern, output, re.MULTILINE)
    return [int(value) for value in found.groups()] if found else [0]


def parse_wrk(output: str) -> Measurement:
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise BenchError(f"no Requests/sec in wrk output:\n{output}")
    socket_errors = _wrk_count(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = _wrk_count(r"Non-2xx or 3xx responses: (\d+)", output)
    return Measurement(
        requests=_wrk_count(r"^\s*(\d+) requests in", output)[0],
        requests_per_second=float(rate.group(1)),
        p50_ms=_wrk_ms(output, 50),
        p99_ms=_wrk_ms(output, 99),
        errors=sum(socket_errors) + sum(non_2xx),
    )


class Wrk:
    name = "wrk"

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def run(self, target: Target, seconds: float, connections: int) -> Measurement:
        command = [self.executable, "--latency", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s"]
        command += ["--timeout", "5s"]
        env = None
        if target.body is None:
            for name, value in target.headers.items():
                command += ["-H", f"{name}: {value}"]
        else:
            command += ["-s", str(BENCH / "graphql.lua")]
            env = {**os.environ, "BENCH_GRAPHQL_BODY": target.body}
            env["BENCH_AUTHORIZATION"] = target.headers["Authorization"]
        output = run_bounded(pinned(LOAD_CPU, [*command, target.url]), seconds + 30, env)
        return parse_wrk(output)


class PythonLoad:
    name = "python (bench/loadgen.py)"

    def run(self, target: Target, seconds: float, connections: int) -> Measurement:
        command = [sys.executable, str(BENCH / "loadgen.py"), target.url, "--method", target.method]
        command += ["--duration", f"{seconds:g}", "--connections", str(connections)]
        for name, value in target.headers.items():
            command += ["--header", f"{name}: {value}"]
        if target.body is not None:
            command += ["--body", target.body]
        result = json.loads(run_bounded(pinned(LOAD_CPU, command), seconds + 30))
        return Measurement(
            requests=result["requests"],
            requests_per_second=result["requests_per_second"],
            p50_ms=result["p50_ms"],
            p99_ms=result["p99_ms"],
            errors=result["errors"] + result["non_2xx"],
        )


def _install_wrk() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        if subprocess.run(install, env=env, capture_output=True, timeout=300, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300, check=False)
            subprocess.run(install, env=env, capture_output=True, timeout=300, check=False)


def pick_load_generator(choice: str) -> LoadGenerator:
    if choice == "python":
        return PythonLoad()
    if shutil.which("wrk") is None and os.geteuid() == 0:
        print("wrk not found: installing it with apt-get", flush=True)
        _install_wrk()
    executable = shutil.which("wrk")
    return Wrk(executable) if executable else PythonLoad()


def _bench_variants(index: int) -> list[dict[str, Any]]:
    return [
        {
            "name": size,
            "sku": f"BENCH-{index:04d}-{size}",
            "price_minor": 1000 + index,
            "stock": (index + position) % 7,
            "options": {"size": size},
        }
        for position, size in enumerate(("S", "M", "L")[:VARIANTS_EACH])
    ]


async def _active_products(database: Database, project_id: str) -> int:
    async with database.read() as session:
        statement = select(func.count()).where(Product.project_id == project_id, Product.status == "active")
        return int(await session.scalar(statement) or 0)


async def seed(url: str) -> str:
    """The demo project grown to ACTIVE_PRODUCTS active products; returns its public key."""
    database = Database(url)
    try:
        async with database.write() as session:
            created = await create_project(session, "demo", name="Demo Store")
            await load_demo_catalog(session, created.id)
        missing = ACTIVE_PRODUCTS - await _active_products(database, created.id)
        async with database.write() as session:
            for index in range(missing):
                await add_product(
                    session,
                    created.id,
                    name=f"Bench Product {index:04d}",
                    price_minor=1000 + index,
                    description=f"Benchmark product number {index}, with three sizes.",
                    compare_at_price_minor=1500 + index if index % 3 == 0 else None,
                    images=[f"https://picsum.photos/seed/bench-{index}/800/800"],
                    attributes={"color": ("red", "blue", "green")[index % 3], "material": "cotton"},
                    variants=_bench_variants(index),
                )
            await bump_catalog_version(session, created.id)
        if await _active_products(database, created.id) != ACTIVE_PRODUCTS:
            raise BenchError("the catalog did not reach the expected size")
        return created.public_key
    finally:
        await database.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"server did not answer /healthz within {STARTUP_SECONDS:g}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def server(app: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    """A uvicorn process pinned to the server CPU; yields its base URL and stops it however the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *app, "--host", HOST, "--port", str(port), "--workers", "1"]
    command += ["--no-access-log", "--log-level", "warning"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            pinned(SERVER_CPU, command),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://{HOST}:{port}"
        _wait_healthy(base, process, log)
        yield base
    finally:
        _stop(process)


def fetch(target: Target) -> bytes:
    response = httpx.request(target.method, target.url, headers=target.headers, content=target.body, timeout=30.0)
    if response.status_code != 200:
        raise BenchError(f"{target.name}: HTTP {response.status_code}: {response.text[:500]}")
    return response.content


def check_products_page(body: bytes) -> list[str]:
    page = json.loads(body)
    ids = [product["id"] for product in page["products"]]
    if (
        page["total"] != ACTIVE_PRODUCTS
        or len(ids) != PAGE_SIZE
        or len(page["products"][0]["variants"]) != VARIANTS_EACH
    ):
        raise BenchError(f"unexpected products page: total={page['total']}, items={len(ids)}")
    return ids


def check_same_bytes(target: Target, expected: bytes) -> None:
    if fetch(target) != expected:
        raise BenchError(f"{target.name}: the body differs from the first REST response")


def check_graphql(target: Target, expected_ids: list[str]) -> None:
    answer = json.loads(fetch(target))
    if answer.get("errors"):
        raise BenchError(f"{target.name}: {answer['errors']}")
    page = answer["data"]["products"]
    if page["total"] != ACTIVE_PRODUCTS or [item["id"] for item in page["items"]] != expected_ids:
        raise BenchError(f"{target.name}: the page differs from the REST page")


def measure(load: LoadGenerator, target: Target, duration: float, connections: int) -> Measurement:
    print(f"  {target.name}: warm-up {WARMUP_SECONDS:g}s, then {duration:g}s", flush=True)
    load.run(target, WARMUP_SECONDS, connections)
    return load.run(target, duration, connections)


def measure_shopgraph(
    base: str, public_key: str, load: LoadGenerator, duration: float, connections: int
) -> tuple[bytes, dict[str, Measurement]]:
    auth = {"Authorization": f"Bearer {public_key}"}
    rest = Target("REST GET /products", base + PRODUCTS_PATH, auth)
    graphql_body = json.dumps({"query": GRAPHQL_QUERY})
    graphql = Target(
        "GraphQL POST /graphql", base + "/graphql", {**auth, "Content-Type": "application/json"}, graphql_body
    )
    body = fetch(rest)
    expected_ids = check_products_page(body)
    check_same_bytes(rest, body)
    check_graphql(graphql, expected_ids)
    return body, {target.name: measure(load, target, duration, connections) for target in (rest, graphql)}


def measure_bare(base: str, body: bytes, load: LoadGenerator, duration: float, connections: int) -> Measurement:
    bare = Target(BARE, base + PRODUCTS_PATH)
    check_same_bytes(bare, body)
    return measure(load, bare, duration, connections)


def run_targets(workdir: Path, load: LoadGenerator, duration: float, connections: int) -> dict[str, Measurement]:
    url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    print(f"seeding {ACTIVE_PRODUCTS} products in {workdir}", flush=True)
    upgrade_database(url)
    public_key = asyncio.run(seed(url))
    # The load comes from one address; a limit it can never reach keeps the limiter's cost in the figures.
    env = {**os.environ, "SHOPGRAPH_DATABASE_URL": url, "SHOPGRAPH_RATE_LIMIT": "100000000/minute"}
    with server(SHOPGRAPH_APP, env, workdir / "shopgraph.log") as base:
        body, measured = measure_shopgraph(base, public_key, load, duration, connections)
    body_file = workdir / "products.json"
    body_file.write_bytes(body)
    with server(BARE_APP, {**env, "BENCH_BODY_FILE": str(body_file)}, workdir / "bare.log") as base:
        return {BARE: measure_bare(base, body, load, duration, connections), **measured}


def rows(measured: dict[str, Measurement]) -> list[Row]:
    ceiling = measured[BARE].requests_per_second
    return [
        Row(
            target=name,
            requests_per_second=round(result.requests_per_second, 1),
            p50_ms=round(result.p50_ms, 2),
            p99_ms=round(result.p99_ms, 2),
            share_of_bare_percent=round(100 * result.requests_per_second / ceiling, 1) if ceiling else 0.0,
            requests=result.requests,
            errors=result.errors,
        )
        for name, result in measured.items()
    ]


def print_table(table: list[Row]) -> None:
    width = max(len(row.target) for row in table)
    print(f"\n{'target':<{width}}  {'req/s':>9}  {'p50 ms':>8}  {'p99 ms':>8}  {'of bare':>8}")
    for row in table:
        print(
            f"{row.target:<{width}}  {row.requests_per_second:>9.1f}  {row.p50_ms:>8.2f}  {row.p99_ms:>8.2f}"
            f"  {row.share_of_bare_percent:>7.1f}%"
        )
    for row in table:
        if row.errors:
            print(f"warning: {row.target}: {row.errors} errors or non-2xx responses")


def write_results(table: list[Row], load: LoadGenerator, args: argparse.Namespace) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_seconds": args.duration,
        "warmup_seconds": WARMUP_SECONDS,
        "connections": args.connections,
        "load_generator": load.name,
        "pinned": can_pin(),
        "python": platform.python_version(),
        "active_products": ACTIVE_PRODUCTS,
        "variants_each": VARIANTS_EACH,
        "results": [asdict(row) for row in table],
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections")
    parser.add_argument("--loadgen", choices=("auto", "python"), default="auto", help="auto: wrk if available")
    args = parser.parse_args()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    load = pick_load_generator(args.loadgen)
    print(f"load generator: {load.name}; pinned: {can_pin()}", flush=True)
    if isinstance(load, PythonLoad):
        print("note: the Python load generator saturates its core long before the server does", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="shopgraph-bench-") as workdir:
            table = rows(run_targets(Path(workdir), load, args.duration, args.connections))
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print_table(table)
    write_results(table, load, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
