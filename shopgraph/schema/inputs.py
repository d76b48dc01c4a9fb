"""What a caller wrote in a GraphQL input, as the domain takes it: fields by their Python names, enums as values."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from strawberry.types.unset import UnsetType


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return given(value)
    return value


def given(input: object) -> dict[str, Any]:
    """The fields the caller wrote (null included), by their Python names; enums as their values."""
    if not dataclasses.is_dataclass(input) or isinstance(input, type):
        raise TypeError(f"not a GraphQL input: {input!r}")
    return {
        field.name: _plain(getattr(input, field.name))
        for field in dataclasses.fields(input)
        if not isinstance(getattr(input, field.name), UnsetType)
    }
