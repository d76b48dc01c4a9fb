"""Projects (stores) and their keys."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph import money
from shopgraph.db.models import Project, StoreSettings
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.stores.error_codes import StoreErrorCode
from shopgraph.domain.stores.keys import issue_keys
from shopgraph.errors import Conflict, InvalidInput, NotFound
from shopgraph.ids import new_id

PROJECT_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class CreatedProject:
    id: str
    slug: str
    name: str
    public_key: str
    secret_key: str


def validate_project_slug(slug: str) -> str:
    if not PROJECT_SLUG.match(slug):
        raise InvalidInput(
            "slug: use 1 to 64 lowercase letters, digits and inner hyphens, such as my-store",
            code=ErrorCode.INVALID_SLUG,
            field="slug",
        )
    return slug


async def create_project(
    session: AsyncSession, slug: str, *, name: str | None = None, currency: str = "USD"
) -> CreatedProject:
    validate_project_slug(slug)
    currency = currency.strip().upper()
    if not money.is_currency_code(currency):
        raise InvalidInput("currency: must be a three-letter ISO 4217 code such as USD", field="currency")
    if await session.scalar(select(Project.id).where(Project.slug == slug)):
        raise Conflict(f"a project with slug {slug!r} already exists", code=StoreErrorCode.PROJECT_EXISTS)
    project = Project(id=new_id("proj"), slug=slug, name=(name or slug).strip()[:200] or slug)
    session.add(project)
    await session.flush()
    session.add(StoreSettings(project_id=project.id, default_currency=currency, cors_origins=[]))
    public_key, secret_key = await issue_keys(session, project.id)
    return CreatedProject(project.id, project.slug, project.name, public_key, secret_key)


async def project_by_slug(session: AsyncSession, slug: str) -> Project:
    project = await session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise NotFound(f"no project with slug {slug!r}", code=StoreErrorCode.PROJECT_NOT_FOUND)
    return project
