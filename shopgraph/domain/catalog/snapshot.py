"""The storefront catalog: a per-project snapshot read with a few Core selects, queried in memory.

A snapshot is built once per catalog version; every catalog write bumps `projects.catalog_version`, so the
next request on any process sees a new version and builds a new snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Product, ProductStatus, Project, StoreSettings, Variant
from shopgraph.lru import LRU


class ProductSort(StrEnum):
    """The orders a snapshot lists its products in; created_at is newest first."""

    CREATED_AT = "created_at"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME_ASC = "name_asc"


def product_stock(own_stock: int | None, variant_stocks: Sequence[int | None]) -> int | None:
    """Units available; None when not tracked. A product with variants has their sum, if all of them are tracked."""
    if not variant_stocks:
        return own_stock
    tracked = [stock for stock in variant_stocks if stock is not None]
    return sum(tracked) if len(tracked) == len(variant_stocks) else None


def product_in_stock(own_stock: int | None, variant_stocks: Sequence[int | None]) -> bool:
    """Whether it can be bought now: untracked stock never runs out; a product with variants, when any of them can."""
    stocks = variant_stocks or [own_stock]
    return any(stock is None or stock > 0 for stock in stocks)


@dataclass(frozen=True)
class VariantView:
    id: str
    product_id: str
    name: str
    sku: str
    price_minor: int
    stock: int | None
    options: dict[str, Any]

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


@dataclass(frozen=True)
class ProductView:
    id: str
    slug: str
    name: str
    description: str
    price_minor: int
    compare_at_price_minor: int | None
    currency: str
    images: tuple[str, ...]
    category_id: str | None
    attributes: dict[str, Any]
    own_stock: int | None
    variants: tuple[VariantView, ...]
    created_at: int
    updated_at: int
    search_text: str = field(repr=False, compare=False)

    @property
    def stock(self) -> int | None:
        return product_stock(self.own_stock, [variant.stock for variant in self.variants])

    @property
    def in_stock(self) -> bool:
        return product_in_stock(self.own_stock, [variant.stock for variant in self.variants])

    def attribute_matches(self, name: str, wanted: str) -> bool:
        value = self.attributes.get(name)
        values = value if isinstance(value, list) else [value]
        return any(value is not None and _attribute_text(value) == wanted for value in values)


def _attribute_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).casefold()


@dataclass(frozen=True)
class CategoryView:
    id: str
    name: str
    slug: str
    description: str
    parent_id: str | None
    position: int
    children: tuple[CategoryView, ...]


class CatalogSnapshot:
    def __init__(
        self,
        project_id: str,
        version: int,
        currency: str,
        products: list[ProductView],
        categories: list[CategoryView],
    ) -> None:
        self.project_id = project_id
        self.version = version
        self.currency = currency
        self.products_by_slug = {product.slug: product for product in products}
        self.products_by_id = {product.id: product for product in products}
        self.categories_by_id: dict[str, CategoryView] = {}
        self.category_roots = _build_tree(categories, self.categories_by_id)
        self._newest_first = sorted(products, key=lambda p: (p.created_at, p.id), reverse=True)
        self._sorted: dict[str, list[ProductView]] = {}
        self._descendants: dict[str, frozenset[str]] = {}
        # Rendered responses keyed by their door and query: built once per catalog version.
        self.rendered: LRU[Any, Any] = LRU(1024)

    def sorted_products(self, sort: str) -> list[ProductView]:
        cached = self._sorted.get(sort)
        if cached is not None:
            return cached
        if sort == ProductSort.PRICE_ASC:
            result = sorted(self._newest_first, key=lambda p: p.price_minor)
        elif sort == ProductSort.PRICE_DESC:
            result = sorted(self._newest_first, key=lambda p: p.price_minor, reverse=True)
        elif sort == ProductSort.NAME_ASC:
            result = sorted(self._newest_first, key=lambda p: (p.name.casefold(), p.id))
        else:
            result = self._newest_first
        self._sorted[sort] = result
        return result

    def category_with_descendants(self, category_id: str) -> frozenset[str]:
        cached = self._descendants.get(category_id)
        if cached is None:
            ids: set[str] = set()
            pending = [self.categories_by_id[category_id]]
            while pending:
                category = pending.pop()
                if category.id not in ids:
                    ids.add(category.id)
                    pending.extend(category.children)
            cached = self._descendants[category_id] = frozenset(ids)
        return cached


def _build_tree(rows: Iterable[CategoryView], index: dict[str, CategoryView]) -> tuple[CategoryView, ...]:
    rows = list(rows)
    known = {row.id for row in rows}
    children: dict[str | None, list[CategoryView]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in known else None
        children.setdefault(parent, []).append(row)

    def build(parent_id: str | None, seen: frozenset[str]) -> tuple[CategoryView, ...]:
        built = []
        for row in sorted(children.get(parent_id, ()), key=lambda c: (c.position, c.name.casefold(), c.id)):
            if row.id in seen:
                continue
            node = CategoryView(
                row.id,
                row.name,
                row.slug,
                row.description,
                row.parent_id,
                row.position,
                build(row.id, seen | {row.id}),
            )
            index[node.id] = node
            built.append(node)
        return tuple(built)

    return build(None, frozenset())


async def load_snapshot(session: AsyncSession, project_id: str) -> CatalogSnapshot:
    """Four statements, whatever the size of the catalog."""
    version, currency = (
        await session.execute(
            select(Project.catalog_version, StoreSettings.default_currency)
            .join(StoreSettings, StoreSettings.project_id == Project.id)
            .where(Project.id == project_id)
        )
    ).one()
    category_rows = (
        await session.execute(
            select(
                Category.id,
                Category.name,
                Category.slug,
                Category.description,
                Category.parent_id,
                Category.position,
            ).where(Category.project_id == project_id)
        )
    ).all()
    product_rows = (
        await session.execute(
            select(
                Product.id,
                Product.slug,
                Product.name,
                Product.description,
                Product.price_minor,
                Product.compare_at_price_minor,
                Product.images,
                Product.category_id,
                Product.attributes,
                Product.stock,
                Product.created_at,
                Product.updated_at,
            ).where(Product.project_id == project_id, Product.status == ProductStatus.ACTIVE)
        )
    ).all()
    variant_rows = (
        await session.execute(
            select(
                Variant.id,
                Variant.product_id,
                Variant.name,
                Variant.sku,
                Variant.price_minor,
                Variant.stock,
                Variant.options,
            )
            .join(Product, Product.id == Variant.product_id)
            .where(Variant.project_id == project_id, Product.status == ProductStatus.ACTIVE)
            .order_by(Variant.position, Variant.created_at, Variant.id)
        )
    ).all()
    variants: dict[str, list[VariantView]] = {}
    for row in variant_rows:
        variants.setdefault(row.product_id, []).append(
            VariantView(row.id, row.product_id, row.name, row.sku, row.price_minor, row.stock, row.options or {})
        )
    products = [
        ProductView(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description or "",
            price_minor=row.price_minor,
            compare_at_price_minor=row.compare_at_price_minor,
            currency=currency,
            images=tuple(row.images or ()),
            category_id=row.category_id,
            attributes=row.attributes or {},
            own_stock=row.stock,
            variants=tuple(variants.get(row.id, ())),
            created_at=row.created_at,
            updated_at=row.updated_at,
            search_text=f"{row.name}\n{row.description or ''}".casefold(),
        )
        for row in product_rows
    ]
    categories = [
        CategoryView(row.id, row.name, row.slug, row.description or "", row.parent_id, row.position, ())
        for row in category_rows
    ]
    return CatalogSnapshot(project_id, version, currency, products, categories)


async def bump_catalog_version(session: AsyncSession, project_id: str) -> None:
    """Every catalog write ends here: the next request on every process builds a new snapshot."""
    await session.execute(
        update(Project).where(Project.id == project_id).values(catalog_version=Project.catalog_version + 1)
    )
