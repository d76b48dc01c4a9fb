"""Against a real `shopgraph serve`: a body trickled in is cut off with a 408, a client leaving mid-body is no error."""

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
