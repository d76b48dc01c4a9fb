"""Admin reads of the catalog: products of every status with their variants, in a few statements whatever the page
size, and the look-ups admin writes check against (a row of this store, a slug or a SKU still free).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Product, Variant
from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.writes import PRODUCT_STATUSES
from shopgraph.domain.fields import not_found
from shopgraph.domain.stores.config import store_currency
from shopgraph.errors import Conflict, InvalidInput, InvalidParameter

MAX_LIMIT = 100


@dataclass(frozen=True)
class ProductRecord:
    """A product of any status with its variants, as the admin sees it."""

    product: Product
    variants: tuple[Variant, ...]
    currency: str

    @property
    def stock(self) -> int | None:
        if not self.variants:
            return self.product.stock
        stocks = [variant.stock for variant in self.variants]
        return None if any(stock is None for stock in stocks) else sum(stocks)  # type: ignore[arg-type]

    @property
    def in_stock(self) -> bool:
        if self.variants:
            return any(variant.stock is None or variant.stock > 0 for variant in self.variants)
        return self.product.stock is None or self.product.stock > 0


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


async def product_in_store(session: AsyncSession, project_id: str, product_id: str, field: str = "id") -> Product:
    product = await session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.project_id == project_id)
        .execution_options(populate_existing=True)
    )
    if product is None:
        raise not_found("product", field)
    return product


async def variant_in_store(session: AsyncSession, project_id: str, variant_id: str, field: str = "id") -> Variant:
    variant = await session.scalar(
        select(Variant)
        .where(Variant.id == variant_id, Variant.project_id == project_id)
        .execution_options(populate_existing=True)
    )
    if variant is None:
        raise not_found("variant", field)
    return variant


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


def _search(query: Select[Any], project_id: str, search: str) -> Select[Any]:
    needle = search.strip().lower()
    sku_match = select(Variant.product_id).where(
        Variant.project_id == project_id, func.lower(Variant.sku).contains(needle, autoescape=True)
    )
    return query.where(
        or_(
            func.lower(Product.name).contains(needle, autoescape=True),
            func.lower(Product.description).contains(needle, autoescape=True),
            func.lower(Product.slug).contains(needle, autoescape=True),
            Product.id.in_(sku_match),
        )
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
    if page < 1:
        raise InvalidParameter("page", "must be a whole number of at least 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    if status is not None and status not in PRODUCT_STATUSES:
        raise InvalidParameter("status", f"must be one of {', '.join(PRODUCT_STATUSES)}")
    query = select(Product).where(Product.project_id == project_id)
    if status is not None:
        query = query.where(Product.status == status)
    if category_id is not None:
        query = query.where(Product.category_id.in_(await _with_descendants(session, project_id, category_id)))
    if search and search.strip():
        query = _search(query, project_id, search)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    products = (
        await session.scalars(
            query.order_by(Product.created_at.desc(), Product.id.desc()).offset((page - 1) * limit).limit(limit)
        )
    ).all()
    variants = await _variants_of(session, [product.id for product in products]) if products else {}
    currency = await store_currency(session, project_id)
    items = tuple(ProductRecord(product, tuple(variants.get(product.id, ())), currency) for product in products)
    return ProductRecordPage(items, total, page, limit)
