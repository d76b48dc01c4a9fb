"""Against a real `shopgraph serve`: headers or a body trickled in are cut off with a 408, silent connections are
closed, a client leaving mid-body is no error."""

from __future__ import annotations

import json
import re
import select
import socket
import time
from pathlib import Path

from tests.test_serve_operations import serving

CART_ITEMS = "/api/v1/public/projects/demo/ecommerce/cart/slow/items"


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _head(directory: Path, length: int) -> bytes:
    """The request line and headers, with the demo's public key as `serve --demo` printed it."""
    key = re.search(r"public key\s+(pk_\S+)", (directory / "stdout.txt").read_text())
    assert key is not None
    return (
        f"POST {CART_ITEMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {key.group(1)}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_body_sent_a_byte_at_a_time_is_cut_off_with_a_408(tmp_path: Path) -> None:
    with (
        serving(tmp_path, environment={"SHOPGRAPH_BODY_TIMEOUT_SECONDS": "1.5"}) as (base_url, _stderr),
        _connect(base_url) as connection,
    ):
        # given
        connection.sendall(_head(tmp_path, 200))
        started = time.monotonic()

        # when: a byte every 0.3 s, far too slow for 200 bytes in 1.5 s
        answer = b""
        connection.settimeout(0.3)
        while time.monotonic() - started < 10:
            # Once the server has answered it closes, and a byte sent after that draws a reset that can discard the
            # answer before it is read: send only while nothing is waiting to be read.
            waiting, _, _ = select.select([connection], [], [], 0)
            if not answer and not waiting:
                try:
                    connection.sendall(b" ")
                except OSError:
                    break
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started

    # then
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"REQUEST_TIMEOUT" in answer
    assert b"connection: close" in answer.lower()
    assert elapsed < 6  # cut off, and the connection closed, soon after the timeout


def test_a_client_leaving_mid_body_is_logged_quietly(tmp_path: Path) -> None:
    with serving(tmp_path) as (base_url, stderr):
        # when
        with _connect(base_url) as connection:
            connection.sendall(_head(tmp_path, 100) + b'{"productId": ')
            time.sleep(0.3)
        time.sleep(1.0)

    # then
    records = [json.loads(line) for line in stderr.read_text().splitlines() if line.strip()]
    left = [record for record in records if "client left" in record.get("message", "")]
    assert len(left) == 1 and left[0]["level"] in {"INFO", "DEBUG"}, records
    assert not [record for record in records if record["level"] in {"ERROR", "CRITICAL"}], records
    assert "Traceback" not in stderr.read_text()


def _read_until_closed(connection: socket.socket, seconds: float, trickle: bytes = b"") -> tuple[bytes, float]:
    """Sends `trickle` a byte every 0.3 s while nothing is waiting to be read; answers what came back and when the
    server closed the connection."""
    started = time.monotonic()
    answer, position = b"", 0
    connection.settimeout(0.3)
    while time.monotonic() - started < seconds:
        waiting, _, _ = select.select([connection], [], [], 0)
        if not answer and not waiting and position < len(trickle):
            try:
                connection.sendall(trickle[position : position + 1])
            except OSError:
                break
            position += 1
        try:
            chunk = connection.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        answer += chunk
    return answer, time.monotonic() - started


def test_headers_sent_a_byte_at_a_time_are_cut_off_with_a_408(tmp_path: Path) -> None:
    with (
        serving(tmp_path, environment={"SHOPGRAPH_HEADER_TIMEOUT_SECONDS": "1.5"}) as (base_url, stderr),
        _connect(base_url) as connection,
    ):
        # when: the request line and headers, a byte every 0.3 s (about 60 s for all of them)
        answer, elapsed = _read_until_closed(connection, 10, _head(tmp_path, 2))
        time.sleep(0.3)

    # then
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"REQUEST_TIMEOUT" in answer and b"connection: close" in answer.lower()
    assert elapsed < 6
    records = [json.loads(line) for line in stderr.read_text().splitlines() if line.strip()]
    assert [record for record in records if "headers did not arrive" in record.get("message", "")], records
    assert not [record for record in records if record["level"] in {"ERROR", "CRITICAL"}], records


def test_connections_that_send_nothing_are_all_closed_and_the_server_keeps_answering(tmp_path: Path) -> None:
    with serving(tmp_path, environment={"SHOPGRAPH_HEADER_TIMEOUT_SECONDS": "1"}) as (base_url, _stderr):
        # given: twenty silent connections, and one that sends a whole request at once
        silent = [_connect(base_url) for _ in range(20)]
        try:
            with _connect(base_url) as prompt:
                prompt.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                answered, _ = _read_until_closed(prompt, 5)

            # when
            results = [_read_until_closed(connection, 8) for connection in silent]
        finally:
            for connection in silent:
                connection.close()

    # then: nothing is sent to a client that sent nothing; every connection is closed soon after the deadline
    assert answered.startswith(b"HTTP/1.1 200"), answered
    assert [answer for answer, _elapsed in results] == [b""] * 20
    assert max(elapsed for _answer, elapsed in results) < 5


def _one_health_answer(connection: socket.socket) -> bytes:
    answer = b""
    while not answer.endswith(b'{"status":"ok"}'):
        chunk = connection.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def test_a_kept_alive_connection_gets_a_fresh_deadline_for_each_request(tmp_path: Path) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with (
        serving(tmp_path, environment={"SHOPGRAPH_HEADER_TIMEOUT_SECONDS": "1"}) as (base_url, _stderr),
        _connect(base_url) as connection,
    ):
        # given: one request answered, then a pause longer than the deadline (uvicorn's keep-alive allows 5 s)
        connection.sendall(request)
        first = _one_health_answer(connection)
        time.sleep(1.5)

        # when: the next request on the same connection, at once, and then a third one trickled in
        connection.sendall(request)
        second = _one_health_answer(connection)
        third, elapsed = _read_until_closed(connection, 8, request)

    # then
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200"), (first, second)
    assert third.startswith(b"HTTP/1.1 408"), third
    assert elapsed < 5
