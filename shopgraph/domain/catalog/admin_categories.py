"""Admin writes and reads of the category tree; a category never becomes its own ancestor."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Product
from shopgraph.domain.catalog.admin_fields import slug
from shopgraph.domain.catalog.admin_reads import ensure_category, ensure_slug_free
from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.names import SLUG, slugify
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import add_category
from shopgraph.domain.conflicts import concurrent_writes_as_conflict
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import integer, invalid, not_found, optional_id, read_fields, require, text

CATEGORY_FIELDS = {
    "name": ("name", text(200)),
    "slug": ("slug", slug),
    "parent_id": ("parent_id", optional_id),
    "description": ("description", text(20_000, required=False)),
    "position": ("position", integer),
}


async def list_categories(session: AsyncSession, project_id: str) -> list[Category]:
    """Every category, flat, in tree order of siblings: position, then name."""
    return list(
        (
            await session.scalars(
                select(Category)
                .where(Category.project_id == project_id)
                .order_by(Category.position, Category.name, Category.id)
            )
        ).all()
    )


async def _category(session: AsyncSession, project_id: str, category_id: str) -> Category:
    category = await session.scalar(
        select(Category).where(Category.id == category_id, Category.project_id == project_id)
    )
    if category is None:
        raise not_found("category")
    return category


async def _ensure_not_own_ancestor(session: AsyncSession, project_id: str, category_id: str, parent_id: str) -> None:
    parents = dict(
        (await session.execute(select(Category.id, Category.parent_id).where(Category.project_id == project_id))).all()
    )
    ancestor: str | None = parent_id
    seen: set[str] = set()
    while ancestor is not None and ancestor not in seen:
        if ancestor == category_id:
            raise invalid(
                "parentId",
                "a category cannot be placed under itself or its descendants",
                CatalogErrorCode.CATEGORY_CYCLE,
            )
        seen.add(ancestor)
        ancestor = parents.get(ancestor)


async def create_category(session: AsyncSession, project_id: str, given: Mapping[str, object]) -> Category:
    values = read_fields(CATEGORY_FIELDS, given)
    require(values, ("name", "name"))
    values.setdefault("slug", slugify(values["name"]).rstrip("-"))
    if not SLUG.match(values["slug"]):
        raise invalid("slug", "give a slug: none can be made from this name", code=ErrorCode.INVALID_SLUG)
    await ensure_category(session, project_id, values.get("parent_id"), "parentId")
    await ensure_slug_free(session, Category, project_id, values["slug"])
    with concurrent_writes_as_conflict():
        category = await add_category(session, project_id, **values)
    await bump_catalog_version(session, project_id)
    return category


async def update_category(
    session: AsyncSession, project_id: str, category_id: str, given: Mapping[str, object]
) -> Category:
    category = await _category(session, project_id, category_id)
    values = read_fields(CATEGORY_FIELDS, given)
    if "slug" in values:
        await ensure_slug_free(session, Category, project_id, values["slug"], except_id=category.id)
    if values.get("parent_id") is not None:
        await ensure_category(session, project_id, values["parent_id"], "parentId")
        await _ensure_not_own_ancestor(session, project_id, category.id, values["parent_id"])
    for column, value in values.items():
        setattr(category, column, value)
    with concurrent_writes_as_conflict():
        await session.flush()
    await bump_catalog_version(session, project_id)
    return category


async def delete_category(session: AsyncSession, project_id: str, category_id: str) -> str:
    """Its children move up to its parent; its products are left without a category."""
    category = await _category(session, project_id, category_id)
    await session.execute(
        update(Category)
        .where(Category.project_id == project_id, Category.parent_id == category.id)
        .values(parent_id=category.parent_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Product)
        .where(Product.project_id == project_id, Product.category_id == category.id)
        .values(category_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.delete(category)
    await session.flush()
    await bump_catalog_version(session, project_id)
    return category_id
