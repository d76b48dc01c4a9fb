"""Statements that read the same on SQLite and PostgreSQL: `INSERT ... ON CONFLICT`, and how many rows a
conditional `UPDATE` or `DELETE` changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def changed_rows(result: Result[Any]) -> int:
    """The rows an `UPDATE` or `DELETE` matched; a conditional update that lost a race matched none."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount
