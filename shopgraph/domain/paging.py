"""Pages of a list: the page and limit checked alike everywhere, a total and one page read in two statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Base
from shopgraph.errors import InvalidParameter

MAX_LIMIT = 100

Row = TypeVar("Row", bound=Base)


def check_page(page: int, limit: int, *, page_name: str = "page", limit_name: str = "limit") -> None:
    """The names are the caller's: a REST parameter or a GraphQL argument."""
    if page < 1:
        raise InvalidParameter(page_name, "must be a whole number of at least 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(limit_name, f"must be a whole number from 1 to {MAX_LIMIT}")


async def fetch_page(
    session: AsyncSession,
    model: type[Row],
    conditions: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    *,
    page: int,
    limit: int,
) -> tuple[int, list[Row]]:
    """How many rows match, and the rows of this page in this order."""
    total = await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    rows = await session.scalars(
        select(model).where(*conditions).order_by(*order_by).offset((page - 1) * limit).limit(limit)
    )
    return total, list(rows.all())
