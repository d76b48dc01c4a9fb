"""The load benchmark's own pure parts: wrk output, percentiles, the order driver's window, the request lists, the
import file, and its small HTTP client against a loopback server. No load is generated here."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.catalog import SeededCatalog, product_spec
from bench.clients import DriverResult, PlacedOrder
from bench.http import Connection, HTTPFailure
from bench.importing import COLUMNS, write_csv
from bench.measurement import percentile
from bench.processes import BenchError
from bench.targets import GRAPHQL_PRODUCT, SORTS, filtered_requests, graphql_body
from bench.wrk import parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.21ms    1.02ms  31.40ms   91.25%
    Req/Sec     6.14k   312.55     6.60k    82.00%
  Latency Distribution
     50%    5.04ms
     75%    5.40ms
     90%    6.01ms
     99%    1.20s
  61102 requests in 10.00s, 1.01GB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 17
Requests/sec:   6109.63
Transfer/sec:    103.21MB
"""


def test_wrk_output_gives_rate_percentiles_and_errors_apart_from_error_statuses() -> None:
    measured = parse_wrk(WRK_OUTPUT)

    assert measured.requests == 61102
    assert measured.requests_per_second == pytest.approx(6109.63)
    assert measured.p50_ms == pytest.approx(5.04)
    assert measured.p99_ms == pytest.approx(1200.0)
    assert (measured.errors, measured.non_2xx) == (7, 17)


def test_wrk_output_without_a_rate_is_an_error() -> None:
    with pytest.raises(BenchError):
        parse_wrk("unable to connect to 127.0.0.1:9 Connection refused")


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(value) for value in range(1, 101)]

    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


def test_the_order_driver_counts_what_completed_inside_the_window() -> None:
    result = DriverResult(target_rate=10, seconds=14)
    result.orders = [
        PlacedOrder(launched=1.0, finished=2.5, outcome="ok"),  # launched before, completed inside
        PlacedOrder(launched=3.0, finished=3.1, outcome="ok"),
        PlacedOrder(launched=4.0, finished=13.0, outcome="ok"),  # completed after the window
        PlacedOrder(launched=5.0, finished=5.2, outcome="non_2xx"),
        PlacedOrder(launched=6.0, finished=36.0, outcome="error"),
    ]

    summary = result.summary(2.0, 12.0)

    assert summary["achieved_rate"] == 0.2
    assert (summary["launched"], summary["completed_late"]) == (4, 1)
    assert (summary["errors"], summary["non_2xx"]) == (1, 1)


def _catalog() -> SeededCatalog:
    return SeededCatalog(
        slug="bench",
        public_key="pk_x",
        secret_key="sk_x",
        products=100,
        product_slugs=[product_spec(index).slug for index in range(100)],
        root_category_ids=["cat_a", "cat_b"],
        leaf_category_ids=["cat_c", "cat_d"],
    )


def test_filtered_requests_cover_every_filter_and_sort_and_outnumber_any_response_cache() -> None:
    rest, graphql = filtered_requests(_catalog())

    assert len(rest) == len(graphql) > 2 * 1024
    parameters = [parse_qs(urlsplit(line).query) for line in rest]
    seen = {name for query in parameters for name in query}
    assert {"q", "category_id", "min_price", "max_price", "in_stock", "attr.color", "attr.material"} <= seen
    assert {query.get("sort", [None])[0] for query in parameters} == set(SORTS)
    assert {int(query["page"][0]) for query in parameters} == set(range(1, 51))
    assert all(line.startswith("/graphql\t{") for line in graphql)


def test_the_import_file_has_a_row_per_variant_and_the_product_cells_once(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"

    write_csv(path, 4)

    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 12
    assert [row["name"] != "" for row in rows[:3]] == [True, False, False]
    assert len({row["variant_sku"] for row in rows}) == 12


async def test_the_http_client_reads_both_body_framings_and_resends_after_an_idle_close() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    ]
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # One answer per connection, then the server closes it, as uvicorn does with an idle one.
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answers.pop(0))
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with listener, Connection(f"http://127.0.0.1:{port}") as connection:
        first = await connection.request("GET", "/a")
        await asyncio.sleep(0.05)
        second = await connection.request("GET", "/b")
        listener.close()
        await listener.wait_closed()
        with pytest.raises(HTTPFailure):
            await connection.request("GET", "/c")

    assert (first.status, first.body) == (200, b"hello")
    assert (second.status, second.body) == (201, b"abcde")
    assert connections == 2


def test_a_slug_in_the_product_template_makes_the_graphql_document_the_server_is_sent() -> None:
    template = graphql_body(GRAPHQL_PRODUCT, {"slug": "{}"})
    prefix, suffix = template.split("{}", 1)  # as lua/requests.lua splits it, at the first "{}"

    assert prefix + "linen-shirt-7" + suffix == graphql_body(GRAPHQL_PRODUCT, {"slug": "linen-shirt-7"})
