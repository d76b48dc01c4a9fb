"""Urlencoded form bodies, as the server-rendered pages (dashboard, hosted storefront) post them."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

from shopgraph.errors import InvalidInput
from shopgraph.unstorable_text import UNSTORABLE_MESSAGE, nul_location

MAX_FORM_BYTES = 256 * 1024


async def form_of(request: Request) -> dict[str, str]:
    """The last value of each field; an oversized body reads as an empty form, text with NUL is refused."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    form = {name: values[-1] for name, values in parsed.items()}
    where = nul_location(form)
    if where:
        raise InvalidInput(f"{where}: {UNSTORABLE_MESSAGE}", field=where)
    return form
