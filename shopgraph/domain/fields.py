"""Reading input: each given field checked and converted, an error naming the field as the caller wrote it.

The admin's fields arrive as a mapping of snake_case names to values (absent = unchanged); amounts are in the store's
main units and leave here as integer minor units. A customer's email is read the same way wherever one is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from shopgraph import money
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.errors import InvalidInput, NotFound

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_AMOUNT_MINOR = 10**15
MAX_TIMESTAMP_MS = 10**14

Parse = Callable[[object, str], Any]
FieldSpecs = Mapping[str, tuple[str, Parse]]


class FieldProblem(ValueError):
    def __init__(self, message: str, code: str = ErrorCode.INVALID_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def validate_email(value: object, field: str = "email") -> str:
    if not isinstance(value, str) or len(value) > 320 or not EMAIL.match(value.strip()):
        raise InvalidInput(f"{field}: not an email address", code=ErrorCode.INVALID_EMAIL, field=field)
    return value.strip().lower()


def is_http_url(value: str) -> bool:
    """An http(s) URL with a host, of at most 2000 characters."""
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and len(value) <= 2000


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def invalid(field: str, message: str, code: str = ErrorCode.INVALID_INPUT) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", code=code, field=field)


def not_found(what: str, field: str = "id") -> NotFound:
    return NotFound(f"{field}: no such {what} in this store", code=ErrorCode.NOT_FOUND, field=field)


def read_fields(
    specs: FieldSpecs, given: Mapping[str, object], *, currency: str = "", prefix: str = ""
) -> dict[str, Any]:
    """Column values for the given fields; the first bad one raises `InvalidInput` naming it."""
    values: dict[str, Any] = {}
    for name, raw in given.items():
        field = prefix + camel(name)
        if name not in specs:
            raise invalid(field, "cannot be set here")
        column, parse = specs[name]
        try:
            values[column] = parse(raw, currency)
        except FieldProblem as problem:
            raise invalid(field, problem.message, problem.code) from problem
    return values


def require(values: Mapping[str, object], *columns_and_fields: tuple[str, str], prefix: str = "") -> None:
    for column, field in columns_and_fields:
        if values.get(column) is None:
            raise invalid(prefix + field, "is required")


def text(limit: int, *, required: bool = True) -> Parse:
    def parse(value: object, _currency: str) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise FieldProblem("must not be empty")
        if len(value) > limit:
            raise FieldProblem(f"at most {limit} characters")
        return value.strip() if required else value

    return parse


def optional_text(limit: int) -> Parse:
    def parse(value: object, currency: str) -> str | None:
        return None if value is None or value == "" else text(limit)(value, currency)

    return parse


def amount(value: object, currency: str) -> int:
    if value is None:
        raise FieldProblem("must not be null", ErrorCode.INVALID_AMOUNT)
    try:
        minor = money.parse_amount(value, currency)
    except ValueError as exc:
        raise FieldProblem(f"{exc} (an amount in {currency})", ErrorCode.INVALID_AMOUNT) from exc
    if minor < 0:
        raise FieldProblem("must not be negative", ErrorCode.INVALID_AMOUNT)
    if minor > MAX_AMOUNT_MINOR:
        raise FieldProblem("is too large", ErrorCode.INVALID_AMOUNT)
    return minor


def optional_amount(value: object, currency: str) -> int | None:
    return None if value is None else amount(value, currency)


def whole_number(*, minimum: int, optional: bool) -> Parse:
    def parse(value: object, _currency: str) -> int | None:
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise FieldProblem(f"must be a whole number of at least {minimum}")
        return value

    return parse


def integer(value: object, _currency: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldProblem("must be a whole number")
    return value


def boolean(value: object, _currency: str) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem("must be true or false")
    return value


def choice(options: Sequence[str]) -> Parse:
    def parse(value: object, _currency: str) -> str:
        if value not in options:
            raise FieldProblem(f"must be one of {', '.join(options)}")
        return str(value)

    return parse


def optional_id(value: object, _currency: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise FieldProblem("not an id")
    return value


def ids(value: object, _currency: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) and 0 < len(item) <= 40 for item in value):
        raise FieldProblem("must be a list of ids")
    return list(dict.fromkeys(value))


def timestamp(value: object, _currency: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_TIMESTAMP_MS:
        raise FieldProblem("must be epoch milliseconds")
    if value != int(value):
        raise FieldProblem("must be whole epoch milliseconds")
    return int(value)


def decimal(value: object, _currency: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise FieldProblem("must be a number")
    return Decimal(value)
