"""Statements that read the same on SQLite and PostgreSQL: `INSERT ... ON CONFLICT`, how many rows a conditional
`UPDATE` or `DELETE` changed, one writer at a time for a piece of work (`take_turns`), and the statements of hot
paths built once (`Prepared`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import CursorResult, Result, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def insert_for(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def changed_rows(result: Result[Any]) -> int:
    """The rows an `UPDATE` or `DELETE` matched; a conditional update that lost a race matched none."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount


async def take_turns(session: AsyncSession, key: int) -> None:
    """Until this transaction ends, every other one that takes turns on `key` waits here: a transaction-level
    advisory lock on PostgreSQL. A SQLite write transaction (`BEGIN IMMEDIATE`) already has the database to itself."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


class Prepared(Generic[T]):
    """A statement of a hot path, built once per dialect and run with its values as bind parameters.

    Building a SQLAlchemy statement and hashing it for the compiled cache costs more than running it on SQLite (a
    few hundred microseconds, inside the write lock for a write); a statement built once hashes from memory. `build`
    receives the dialect's `insert` (for `ON CONFLICT`)."""

    def __init__(self, build: Callable[[Callable[[Any], Any]], T]) -> None:
        self._build = build
        self._built: dict[str, T] = {}

    def __call__(self, session: AsyncSession) -> T:
        dialect = session.get_bind().dialect.name
        statement = self._built.get(dialect)
        if statement is None:
            statement = self._built[dialect] = self._build(
                postgresql.insert if dialect == "postgresql" else sqlite.insert
            )
        return statement
