"""Prometheus metrics (prometheus_client): the series, their per-request recording, and the exposition.

With `serve --workers N`, each process writes its samples to files in PROMETHEUS_MULTIPROC_DIR and `/metrics` adds
them up, whichever process answers; `serve` makes (or empties) that folder before the processes start.
"""

from __future__ import annotations

import atexit
import hmac
import ipaddress
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

# Only the series themselves; a `_created` twin of every counter doubles the page for no use here.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "shopgraph_http_requests",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "shopgraph_http_request_duration_seconds",
    "Time from a request's arrival to its answer, by route template",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ORDERS_CREATED = Counter("shopgraph_orders_created", "Orders placed at checkout")
WEBHOOK_DELIVERIES = Counter(
    "shopgraph_webhook_deliveries", "Merchant webhook delivery attempts, by outcome", ["outcome"]
)


class RequestMetrics:
    """Keeps each label set's children, so a request costs two dictionary lookups and two increments."""

    def __init__(self) -> None:
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        children = self._children.get((route, method, status))
        if children is None:
            children = self._children[(route, method, status)] = (
                HTTP_REQUESTS.labels(route, method, str(status)),
                HTTP_DURATION.labels(route),
            )
        children[0].inc()
        children[1].observe(seconds)


REQUESTS = RequestMetrics()


class _Gauge:
    """A value read at scrape time (from the database), in whichever process answers."""

    def __init__(self, name: str, documentation: str, value: float) -> None:
        self.family = GaugeMetricFamily(name, documentation, value=value)

    def collect(self) -> list[GaugeMetricFamily]:
        return [self.family]


EMAIL_DELIVERIES = Counter("shopgraph_email_deliveries", "Email delivery attempts, by outcome", ["outcome"])


@dataclass(frozen=True)
class DeliveryGauges:
    """The worker's backlog, read from the database at scrape time."""

    outbox_pending: int
    webhook_deliveries_pending: int = 0
    webhook_endpoints_backed_off: int = 0
    webhook_endpoints_disabled: int = 0


def exposition(gauges: DeliveryGauges) -> bytes:
    """The text format: every process's samples, and the gauges read just now."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        samples = generate_latest(registry)
    else:
        samples = generate_latest(REGISTRY)
    now = CollectorRegistry()
    for name, documentation, reading in (
        (
            "shopgraph_outbox_pending",
            "Outbox work not yet delivered: emails, events not yet fanned out, and webhook deliveries",
            gauges.outbox_pending,
        ),
        (
            "shopgraph_webhook_deliveries_pending",
            "Webhook deliveries not yet delivered",
            gauges.webhook_deliveries_pending,
        ),
        (
            "shopgraph_webhook_endpoints_backed_off",
            "Webhook endpoints backed off after failures in a row (circuit open)",
            gauges.webhook_endpoints_backed_off,
        ),
        ("shopgraph_webhook_endpoints_disabled", "Webhook endpoints disabled", gauges.webhook_endpoints_disabled),
    ):
        now.register(_Gauge(name, documentation, reading))
    return samples + generate_latest(now)


def may_read(client_host: str | None, authorization: str | None, token: str | None) -> bool:
    """Loopback clients may; others with `Authorization: Bearer <SHOPGRAPH_METRICS_TOKEN>`."""
    if client_host is not None:
        try:
            if ipaddress.ip_address(client_host).is_loopback:
                return True
        except ValueError:
            pass
    if not token or not authorization:
        return False
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


def prepare_multiprocess_metrics() -> Path:
    """Before `serve` starts several processes: the folder they share, emptied of an earlier run's files."""
    given = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        return folder
    folder = Path(tempfile.mkdtemp(prefix="shopgraph-metrics-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[MULTIPROCESS_DIR_VARIABLE] = str(folder)
    return folder


def serve_worker_metrics(port: int) -> None:
    """`shopgraph worker --metrics-port`: its own samples, on loopback, from a thread of prometheus_client's."""
    start_http_server(port, addr="127.0.0.1")
