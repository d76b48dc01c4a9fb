"""Query-string parsing: every bad value is a 400 that names its parameter."""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams

from shopgraph import money
from shopgraph.domain.catalog.queries import DEFAULT_SORT, ProductQuery
from shopgraph.errors import InvalidParameter

_WHOLE = re.compile(r"^-?\d{1,9}$")
_ATTRIBUTE_PREFIX = "attr."
# OpenAPI's deepObject form of the same filter, which generated clients send.
_DEEP_ATTRIBUTE = re.compile(r"^attr\[([^\[\]]+)\]$")


def whole_number(params: QueryParams, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.match(raw.strip()):
        raise InvalidParameter(name, f"{raw[:40]!r} is not a whole number")
    return int(raw)


def boolean(params: QueryParams, name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in {"", "false", "0", "no"}:
        return False
    if raw in {"true", "1", "yes"}:
        return True
    raise InvalidParameter(name, "must be true or false")


def amount(params: QueryParams, name: str, currency: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return money.parse_amount(raw, currency)
    except ValueError as exc:
        raise InvalidParameter(name, f"{raw[:40]!r} is not a price in {currency}: {exc}") from exc


def text(params: QueryParams, name: str) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    return raw.strip() or None


def product_query(params: QueryParams, currency: str) -> ProductQuery:
    return ProductQuery(
        page=whole_number(params, "page", 1),
        limit=whole_number(params, "limit", 20),
        category_id=text(params, "category_id") or text(params, "category"),
        sort=text(params, "sort") or DEFAULT_SORT,
        search=text(params, "q"),
        min_price_minor=amount(params, "min_price", currency),
        max_price_minor=amount(params, "max_price", currency),
        in_stock=boolean(params, "in_stock"),
        attributes=attribute_filters(params),
    )


def attribute_filters(params: QueryParams) -> tuple[tuple[str, str], ...]:
    """`attr.color=red` as the guides write it, or `attr[color]=red` as the OpenAPI document's deepObject does."""
    filters = []
    for key, value in params.multi_items():
        if key.startswith(_ATTRIBUTE_PREFIX):
            filters.append((key[len(_ATTRIBUTE_PREFIX) :], value.strip()))
        elif key.startswith("attr["):
            if (deep := _DEEP_ATTRIBUTE.match(key)) is None:
                raise InvalidParameter("attr", f"{key[:40]!r} is not attr[<name>]")
            filters.append((deep.group(1), value.strip()))
    return tuple(filters)
