"""Units of work for resolvers, and what a mutation answers when the domain refuses: `userErrors`, with the unit of
work rolled back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shopgraph.errors import DomainError
from shopgraph.schema.context import GraphQLContext

T = TypeVar("T")
Work = Callable[[AsyncSession, str], Awaitable[T]]


@strawberry.type
class UserError:
    field: str | None
    message: str
    code: str

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(field=error.field, message=error.message, code=error.code)


async def attempt(call: Awaitable[T]) -> T | DomainError:
    """The call's result, or the domain error it raised."""
    try:
        return await call
    except DomainError as error:
        return error


async def write(info: Info, work: Work[T]) -> T | DomainError:
    """Runs `work(session, project_id)` in one unit of work: committed, or rolled back and its error returned."""
    context: GraphQLContext = info.context

    async def in_unit_of_work() -> T:
        async with context.runtime.database.write() as session:
            return await work(session, context.project.project_id)

    return await attempt(in_unit_of_work())


async def read(info: Info, work: Work[T]) -> T:
    context: GraphQLContext = info.context
    async with context.runtime.database.read() as session:
        return await work(session, context.project.project_id)


def errors_of(error: DomainError) -> list[UserError]:
    return [UserError.of(error)]
