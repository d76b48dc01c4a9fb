"""JSON responses and the `{"message", "code"}` error body."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from shopgraph.errors import DomainError


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def json_bytes(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_bytes(dumps(payload), status, headers)


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response({"message": message, "code": code}, status, headers)


def domain_error_response(error: DomainError) -> Response:
    return json_response(error.as_dict(), error.status, error.headers() or None)
