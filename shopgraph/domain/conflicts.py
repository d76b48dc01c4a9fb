"""Unique keys taken by a concurrent write between a check and an insert: a conflict to retry, not a crash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from shopgraph.domain.error_codes import ErrorCode
from shopgraph.errors import Conflict


@contextmanager
def concurrent_writes_as_conflict() -> Iterator[None]:
    try:
        yield
    except IntegrityError as exc:
        raise Conflict("another change to the store got in the way; try again", code=ErrorCode.CONFLICT) from exc
