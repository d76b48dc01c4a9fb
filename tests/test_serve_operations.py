"""`shopgraph serve` as deployed: one JSON line per request on stderr, forwarded headers believed only from the
proxy's address, and metrics added up across `--workers`."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.server import free_port
from tests.support.cli import SHOPGRAPH, shopgraph_environment, stop
from tests.test_cli import wait_until_healthy

ROUTE = "/api/v1/public/projects/{project_slug}/ecommerce/config"
CONFIG = "/api/v1/public/projects/demo/ecommerce/config"


@contextmanager
def serving(directory: Path, *options: str, environment: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stderr_path = directory / "stderr.txt"
    with (directory / "stdout.txt").open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [str(SHOPGRAPH), "serve", "--demo", "--port", str(port), *options],
            cwd=directory,
            env={**shopgraph_environment(None), "SHOPGRAPH_LOG_FORMAT": "json", **(environment or {})},
            stdout=stdout,
            stderr=stderr,
        )
        try:
            wait_until_healthy(process, base_url, stderr_path)
            yield base_url, stderr_path
        finally:
            stop(process)


def requests_counted(metrics_text: str, route: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples
        if sample.name == "shopgraph_http_requests_total" and sample.labels.get("route") == route
    )


def test_each_request_is_one_json_line_and_uvicorn_writes_no_access_line(tmp_path: Path) -> None:
    with serving(tmp_path) as (base_url, stderr):
        # when
        for _ in range(3):
            assert httpx.get(base_url + CONFIG, timeout=10).status_code == 200

    # then
    records = [json.loads(line) for line in stderr.read_text().splitlines() if line.strip()]
    access = [record for record in records if record["logger"] == "shopgraph.access" and record["route"] == ROUTE]
    assert len(access) == 3
    assert {record["project"] for record in access} == {"demo"}
    assert not [record for record in records if record["logger"] == "uvicorn.access"]
    assert {record["logger"] for record in records} >= {"uvicorn.error", "shopgraph.access"}


def test_forwarded_addresses_are_believed_from_the_proxy_only(tmp_path: Path) -> None:
    # given: the proxy is this machine (127.0.0.1), as by default
    outside = {"X-Forwarded-For": "203.0.113.50"}
    with serving(tmp_path, "--forwarded-allow-ips", "127.0.0.1") as (base_url, _stderr):
        # when
        through_proxy = httpx.get(f"{base_url}/metrics", headers=outside, timeout=10)
        on_the_machine = httpx.get(f"{base_url}/metrics", timeout=10)

    # then: the client the proxy names is not loopback, so it does not see the metrics
    assert through_proxy.status_code == 404
    assert on_the_machine.status_code == 200


def test_with_no_proxy_believed_a_forwarded_header_changes_nothing(tmp_path: Path) -> None:
    with serving(tmp_path, "--forwarded-allow-ips", "") as (base_url, _stderr):
        response = httpx.get(f"{base_url}/metrics", headers={"X-Forwarded-For": "203.0.113.50"}, timeout=10)
    assert response.status_code == 200


def test_the_rate_limit_counts_the_forwarded_client(tmp_path: Path) -> None:
    with serving(tmp_path, environment={"SHOPGRAPH_RATE_LIMIT": "3/minute"}) as (base_url, _stderr):
        # when
        first = [httpx.get(base_url + CONFIG, headers={"X-Forwarded-For": "203.0.113.1"}, timeout=10) for _ in range(4)]
        other = httpx.get(base_url + CONFIG, headers={"X-Forwarded-For": "203.0.113.2"}, timeout=10)

    # then
    assert [response.status_code for response in first] == [200, 200, 200, 429]
    assert other.status_code == 200


def test_metrics_add_up_the_requests_of_every_worker_process(tmp_path: Path) -> None:
    # given: a metrics folder left over from an earlier run
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"left over")
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with serving(tmp_path, "--workers", "2", "--no-worker", environment=environment) as (base_url, stderr):
        # when: requests on fresh connections, so both processes answer some
        for _ in range(20):
            assert httpx.get(base_url + CONFIG, timeout=10).status_code == 200
        scrapes = [httpx.get(f"{base_url}/metrics", timeout=10).text for _ in range(6)]
        files = sorted(path.name for path in folder.glob("counter_*.db"))

    # then: whichever process answers the scrape, it counts all twenty, from each process's own file
    assert {requests_counted(text, ROUTE) for text in scrapes} == {20}
    assert "counter_999999.db" not in files and len(files) >= 2, files
    started = [line for line in stderr.read_text().splitlines() if "Started server process" in line]
    assert len(started) == 2


def test_a_worker_of_its_own_serves_its_metrics_on_loopback(tmp_path: Path) -> None:
    # given
    port = free_port()
    environment = {**shopgraph_environment(f"sqlite+aiosqlite:///{tmp_path / 'shopgraph.db'}")}
    process = subprocess.Popen(
        [str(SHOPGRAPH), "worker", "--metrics-port", str(port)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # when
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline and not text:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        stop(process)

    # then
    assert "shopgraph_webhook_deliveries_total" in text or "# TYPE shopgraph_webhook_deliveries counter" in text
