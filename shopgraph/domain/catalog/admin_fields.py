"""Catalog values as the admin gives them: slugs, SKUs, images, custom attributes and variant options."""

from __future__ import annotations

from typing import Any

from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.names import ATTRIBUTE_NAME, SLUG
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import FieldProblem

MAX_IMAGES = 50
MAX_ATTRIBUTES = 100


def slug(value: object, _currency: str) -> str:
    if not isinstance(value, str) or len(value) > 200 or not SLUG.match(value):
        raise FieldProblem("lowercase letters and digits separated by '-', '_' or '.'", ErrorCode.INVALID_SLUG)
    return value


def sku(value: object, _currency: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100:
        raise FieldProblem("1 to 100 characters", CatalogErrorCode.INVALID_SKU)
    return value.strip()


def images(value: object, _currency: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_IMAGES:
        raise FieldProblem(f"must be a list of at most {MAX_IMAGES} URLs")
    if not all(isinstance(url, str) and 0 < len(url) <= 2000 for url in value):
        raise FieldProblem("each image is a URL of 1 to 2000 characters")
    return list(value)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def attributes(value: object, _currency: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_ATTRIBUTES:
        raise FieldProblem(f"must be an object of at most {MAX_ATTRIBUTES} attributes")
    for name, item in value.items():
        if not ATTRIBUTE_NAME.match(name):
            raise FieldProblem(f"{name!r}: attribute names use letters, digits, '_', '-' and '.'")
        if not (_scalar(item) or (isinstance(item, list) and all(_scalar(part) for part in item))):
            raise FieldProblem(f"{name!r}: a value is text, a number, true/false or a list of those")
    return dict(value)


def options(value: object, _currency: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_ATTRIBUTES or not all(map(_scalar, value.values())):
        raise FieldProblem('must be an object such as {"size": "M"}')
    return dict(value)
