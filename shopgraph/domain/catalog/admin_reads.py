"""Admin reads of the catalog: products of every status with their variants, in a few statements whatever the page
size, and the look-ups admin writes check against (a row of this store, a slug or a SKU still free).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Product, Variant
from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.snapshot import product_in_stock, product_stock
from shopgraph.domain.catalog.writes import PRODUCT_STATUSES
from shopgraph.domain.fields import not_found
from shopgraph.domain.paging import check_page, fetch_page
from shopgraph.domain.stores.config import store_currency
from shopgraph.errors import Conflict, InvalidInput, InvalidParameter

InStore = TypeVar("InStore", Product, Variant)


@dataclass(frozen=True)
class ProductRecord:
    """A product of any status with its variants, as the admin sees it."""

    product: Product
    variants: tuple[Variant, ...]
    currency: str

    @property
    def stock(self) -> int | None:
        return product_stock(self.product.stock, [variant.stock for variant in self.variants])

    @property
    def in_stock(self) -> bool:
        return product_in_stock(self.product.stock, [variant.stock for variant in self.variants])


@dataclass(frozen=True)
class ProductRecordPage:
    items: tuple[ProductRecord, ...]
    total: int
    page: int
    limit: int


async def _variants_of(session: AsyncSession, product_ids: Sequence[str]) -> dict[str, list[Variant]]:
    rows = (
        await session.scalars(
            select(Variant)
            .where(Variant.product_id.in_(product_ids))
            .order_by(Variant.position, Variant.created_at, Variant.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    by_product: dict[str, list[Variant]] = {}
    for row in rows:
        by_product.setdefault(row.product_id, []).append(row)
    return by_product


async def _in_store(
    session: AsyncSession, model: type[InStore], project_id: str, row_id: str, what: str, field: str
) -> InStore:
    """The row of this store, read afresh; anything else (another store's, none) is not found."""
    row = await session.scalar(
        select(model)
        .where(model.id == row_id, model.project_id == project_id)
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise not_found(what, field)
    return row


async def product_in_store(session: AsyncSession, project_id: str, product_id: str, field: str = "id") -> Product:
    return await _in_store(session, Product, project_id, product_id, "product", field)


async def variant_in_store(session: AsyncSession, project_id: str, variant_id: str, field: str = "id") -> Variant:
    return await _in_store(session, Variant, project_id, variant_id, "variant", field)


async def ensure_slug_free(
    session: AsyncSession, model: type[Product] | type[Category], project_id: str, value: str, except_id: str = ""
) -> None:
    taken = await session.scalar(
        select(model.id).where(model.project_id == project_id, model.slug == value, model.id != except_id).limit(1)
    )
    if taken is not None:
        what = "product" if model is Product else "category"
        raise Conflict(
            f"slug: {value!r} is already used by another {what}", code=CatalogErrorCode.SLUG_TAKEN, field="slug"
        )


async def ensure_skus_free(
    session: AsyncSession, project_id: str, skus: Sequence[tuple[str, str]], except_id: str = ""
) -> None:
    """`skus` are (field, sku) pairs; a SKU is unique within a store."""
    seen: set[str] = set()
    for field, value in skus:
        if value in seen:
            raise Conflict(f"{field}: SKU {value!r} is given twice", code=CatalogErrorCode.SKU_TAKEN, field=field)
        seen.add(value)
    if not skus:
        return
    taken = set(
        (
            await session.scalars(
                select(Variant.sku).where(
                    Variant.project_id == project_id, Variant.sku.in_(seen), Variant.id != except_id
                )
            )
        ).all()
    )
    for field, value in skus:
        if value in taken:
            raise Conflict(
                f"{field}: SKU {value!r} is already used by another variant",
                code=CatalogErrorCode.SKU_TAKEN,
                field=field,
            )


async def ensure_category(session: AsyncSession, project_id: str, category_id: str | None, field: str) -> None:
    if category_id is None:
        return
    found = await session.scalar(
        select(Category.id).where(Category.id == category_id, Category.project_id == project_id)
    )
    if found is None:
        raise not_found("category", field)


async def load_product(session: AsyncSession, project_id: str, product_id: str) -> ProductRecord:
    product = await product_in_store(session, project_id, product_id)
    variants = (await _variants_of(session, [product.id])).get(product.id, [])
    return ProductRecord(product, tuple(variants), await store_currency(session, project_id))


async def find_product(
    session: AsyncSession, project_id: str, *, id: str | None = None, slug: str | None = None
) -> ProductRecord | None:
    if id is None and slug is None:
        raise InvalidInput("give an id or a slug", field="id")
    query = select(Product.id).where(Product.project_id == project_id)
    if id is not None:
        query = query.where(Product.id == id)
    if slug is not None:
        query = query.where(Product.slug == slug)
    product_id = await session.scalar(query)
    return None if product_id is None else await load_product(session, project_id, product_id)


def _search(project_id: str, search: str) -> ColumnElement[bool]:
    needle = search.strip().lower()
    sku_match = select(Variant.product_id).where(
        Variant.project_id == project_id, func.lower(Variant.sku).contains(needle, autoescape=True)
    )
    return or_(
        func.lower(Product.name).contains(needle, autoescape=True),
        func.lower(Product.description).contains(needle, autoescape=True),
        func.lower(Product.slug).contains(needle, autoescape=True),
        Product.id.in_(sku_match),
    )


async def _with_descendants(session: AsyncSession, project_id: str, category_id: str) -> set[str]:
    """The category and every category below it, as the storefront's `category_id` filter counts them."""
    parents = dict(
        (await session.execute(select(Category.id, Category.parent_id).where(Category.project_id == project_id))).all()
    )
    found = {category_id} if category_id in parents else set()
    grew = True
    while grew:
        below = {child for child, parent in parents.items() if parent in found and child not in found}
        found |= below
        grew = bool(below)
    return found


async def list_products(
    session: AsyncSession,
    project_id: str,
    *,
    search: str | None = None,
    status: str | None = None,
    category_id: str | None = None,
    page: int = 1,
    limit: int = 20,
) -> ProductRecordPage:
    """Products of every status, newest first; `search` matches name, description, slug or a variant's SKU."""
    check_page(page, limit)
    if status is not None and status not in PRODUCT_STATUSES:
        raise InvalidParameter("status", f"must be one of {', '.join(PRODUCT_STATUSES)}")
    conditions: list[ColumnElement[bool]] = [Product.project_id == project_id]
    if status is not None:
        conditions.append(Product.status == status)
    if category_id is not None:
        conditions.append(Product.category_id.in_(await _with_descendants(session, project_id, category_id)))
    if search and search.strip():
        conditions.append(_search(project_id, search))
    newest_first = (Product.created_at.desc(), Product.id.desc())
    total, products = await fetch_page(session, Product, conditions, newest_first, page=page, limit=limit)
    variants = await _variants_of(session, [product.id for product in products]) if products else {}
    currency = await store_currency(session, project_id)
    items = tuple(ProductRecord(product, tuple(variants.get(product.id, ())), currency) for product in products)
    return ProductRecordPage(items, total, page, limit)
