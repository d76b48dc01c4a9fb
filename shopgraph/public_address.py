"""The address customers reach shopgraph at, for the absolute links it hands out (hosted pages, checkout defaults)."""

from __future__ import annotations

from starlette.requests import Request

from shopgraph.settings import Settings


def public_url(settings: Settings, request: Request) -> str:
    """SHOPGRAPH_PUBLIC_URL when set, else the request's own scheme, host and root path; never a trailing slash."""
    if settings.public_url:
        return settings.public_url
    return str(request.base_url).rstrip("/")
