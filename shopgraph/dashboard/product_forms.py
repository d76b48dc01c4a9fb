"""Reading the product forms into what the domain takes: text fields as they are, lists and numbers parsed."""

from __future__ import annotations

import json
from typing import Any

from shopgraph.db.models import Product
from shopgraph.errors import InvalidParameter

TEXT_FIELDS = ("name", "slug", "description", "price", "status")
OPTIONAL_TEXT_FIELDS = ("compare_at_price", "category_id")


def whole_number(value: str) -> int | str | None:
    """An empty field means none; anything but digits goes on as typed, for the domain to refuse by name."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def _attribute_value(text: str) -> Any:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if isinstance(parsed, int | float | bool | list) else text


def attributes(text: str, *, field: str = "attributes") -> dict[str, Any]:
    """One `name: value` a line; numbers, true/false and JSON lists are kept as such."""
    found: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise InvalidParameter(field, f"line {number}: write one 'name: value' a line")
        found[name.strip()] = _attribute_value(value.strip())
    return found


def product_given(form: dict[str, str]) -> dict[str, object]:
    given: dict[str, object] = {name: form[name].strip() for name in TEXT_FIELDS if name in form}
    if "description" in form:
        given["description"] = form["description"]
    for name in OPTIONAL_TEXT_FIELDS:
        if name in form:
            given[name] = form[name].strip() or None
    if "images" in form:
        given["images"] = [line.strip() for line in form["images"].splitlines() if line.strip()]
    if "attributes" in form:
        given["attributes"] = attributes(form["attributes"])
    if "low_stock_threshold" in form:
        given["low_stock_threshold"] = whole_number(form["low_stock_threshold"])
    if "stock" in form:
        given["stock"] = whole_number(form["stock"])
    return given


def attributes_text(product: Product) -> str:
    return options_text(product.attributes)


def options_text(named: dict[str, Any]) -> str:
    """Attributes or options as the form shows them, one `name: value` a line."""
    lines = []
    for name, value in named.items():
        shown = value if isinstance(value, str) else json.dumps(value)
        lines.append(f"{name}: {shown}")
    return "\n".join(lines)
