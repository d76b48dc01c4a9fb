"""Request bodies: a JSON object, with the guides' camelCase names or their snake_case twins."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request

from shopgraph.domain.fields import camel
from shopgraph.errors import InvalidInput
from shopgraph.unstorable_text import UNSTORABLE_MESSAGE, nul_location

_CAMEL_HUMP = re.compile(r"(?<!^)(?=[A-Z])")


async def json_object(request: Request, *, required: bool = True) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise InvalidInput("the request needs a JSON object body", code="INVALID_BODY")
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("the body is not valid JSON", code="INVALID_JSON") from exc
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", code="INVALID_BODY")
    where = nul_location(body)
    if where:
        raise InvalidInput(f"{where}: {UNSTORABLE_MESSAGE}", field=where)
    return body


def field(body: dict[str, Any], name: str, default: Any = None) -> Any:
    """`productId` or `product_id`, whichever the caller sent."""
    if name in body:
        return body[name]
    snake = _CAMEL_HUMP.sub("_", name).lower()
    return body.get(snake, default)


def body_fields(body: dict[str, Any], names: Iterable[str], aliases: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The named fields (snake_case) as the guides write them in camelCase, or as their snake_case twins;
    `aliases` gives another name a field goes by when its own is absent."""
    found = {name: field(body, camel(name)) for name in names}
    for name, alias in (aliases or {}).items():
        if found.get(name) is None:
            found[name] = field(body, alias)
    return found
