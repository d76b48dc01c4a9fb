"""Catalog import: records written in batches, matched to the catalog by product slug and variant SKU.

`import_products` creates what is new, updates what differs and leaves the rest alone, so importing the same file
twice changes nothing. The records come from `import_files` (JSON or CSV).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import object_mapper

from shopgraph.db.engine import Database
from shopgraph.db.models import Category, Product, ProductAttribute, StoreSettings, Variant
from shopgraph.domain.catalog.import_records import (
    ImportOutcome,
    ImportRecord,
    ImportRecords,
    ProductRecord,
    RejectedRecord,
    Rejection,
    VariantRecord,
)
from shopgraph.domain.catalog.low_stock import check_low_stock
from shopgraph.domain.catalog.names import slugify
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import add_category, add_product, attribute_rows
from shopgraph.domain.stores.projects import project_by_slug
from shopgraph.errors import DomainError
from shopgraph.ids import new_id, now_ms

BATCH_SIZE = 100
CATALOG_TABLES = ("categories", "products", "product_attributes", "variants")
Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def add(self, outcome: ImportOutcome | Sequence[Rejection]) -> None:
        if not isinstance(outcome, str):
            self.rejected += 1
            self.rejections.extend(outcome)
        elif outcome == "created":
            self.created += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass(frozen=True)
class ImportTarget:
    project_id: str
    currency: str


async def import_target(session: AsyncSession, slug: str) -> ImportTarget:
    """The project to import into and its currency, which prices in the file are read in."""
    project = await project_by_slug(session, slug)
    currency = await session.scalar(
        select(StoreSettings.default_currency).where(StoreSettings.project_id == project.id)
    )
    return ImportTarget(project.id, currency or "USD")


# Categories


def _ascii_slug(name: str) -> str:
    return slugify(unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode())


class CategoryIndex:
    """A project's categories by parent and name, to find a path such as `Apparel > T-Shirts` or create it."""

    def __init__(self, project_id: str, categories: Iterable[Category]) -> None:
        self.project_id = project_id
        self._ids: dict[tuple[str | None, str], str] = {}
        self._slugs: dict[str, str] = {}
        self.created = 0
        for category in categories:
            self._remember(category)

    @classmethod
    async def load(cls, session: AsyncSession, project_id: str) -> CategoryIndex:
        categories = await session.scalars(select(Category).where(Category.project_id == project_id))
        return cls(project_id, categories)

    def _remember(self, category: Category) -> None:
        self._ids[(category.parent_id, category.name.casefold())] = category.id
        self._slugs[category.id] = category.slug

    def find(self, path: Sequence[str]) -> str | None:
        parent_id: str | None = None
        for name in path:
            parent_id = self._ids.get((parent_id, name.casefold()))
            if parent_id is None:
                return None
        return parent_id

    async def find_or_create(self, session: AsyncSession, path: Sequence[str]) -> str | None:
        parent_id: str | None = None
        for name in path:
            found = self._ids.get((parent_id, name.casefold()))
            if found is None:
                slug = self._free_slug(name, parent_id)
                category = await add_category(session, self.project_id, name=name, slug=slug, parent_id=parent_id)
                self._remember(category)
                self.created += 1
                found = category.id
            parent_id = found
        return parent_id

    def _free_slug(self, name: str, parent_id: str | None) -> str:
        taken = set(self._slugs.values())
        base = _ascii_slug(name) or "category"
        candidates = [base] if parent_id is None else [base, _ascii_slug(f"{self._slugs[parent_id]}-{base}")]
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        number = 2
        while f"{base[:190]}-{number}" in taken:
            number += 1
        return f"{base[:190]}-{number}"


# Writing

NEW_CATEGORY = "(a category the import would create)"
WRITTEN = ("created", "updated")


async def import_products(
    database: Database,
    project_id: str,
    records: ImportRecords,
    *,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Records written BATCH_SIZE at a time, each batch in one unit of work that also logs the products it touched
    (or the whole catalog, when the batch added a category), so a running server reloads only those products.

    A batch that fails as a whole (a row changed by someone else meanwhile) is written again one record at a time,
    so only the record at fault is refused. A dry run reads each record in its own unit of work."""
    summary = ImportSummary(dry_run=dry_run)
    async with database.read() as session:
        categories = await CategoryIndex.load(session, project_id)
    done = 0
    total = len(records)
    remaining = iter(records)
    while batch := list(islice(remaining, BATCH_SIZE)):
        if dry_run:
            outcomes = []
            for record in batch:
                outcome, categories = await _import_record(database, project_id, record, categories, dry_run=True)
                outcomes.append(outcome)
        else:
            outcomes, categories = await _import_batch(database, project_id, batch, categories)
        for outcome in outcomes:
            summary.add(outcome)
            done += 1
            if progress is not None:
                progress(done, total)
    if summary.created and not dry_run:
        await database.analyze(CATALOG_TABLES)
    return summary


async def _import_batch(
    database: Database, project_id: str, batch: Sequence[ImportRecord], categories: CategoryIndex
) -> tuple[list[ImportOutcome | Sequence[Rejection]], CategoryIndex]:
    try:
        async with database.write() as session:
            created_categories = categories.created
            outcomes, touched = await _write_batch(session, project_id, batch, categories)
            if categories.created != created_categories:
                await bump_catalog_version(session, project_id)
            elif touched:
                await bump_catalog_version(session, project_id, touched)
        return outcomes, categories
    except (DomainError, IntegrityError):
        async with database.read() as session:
            categories = await CategoryIndex.load(session, project_id)
    return await _import_one_by_one(database, project_id, batch, categories)


async def _import_one_by_one(
    database: Database, project_id: str, batch: Sequence[ImportRecord], categories: CategoryIndex
) -> tuple[list[ImportOutcome | Sequence[Rejection]], CategoryIndex]:
    outcomes: list[ImportOutcome | Sequence[Rejection]] = []
    written = False
    try:
        for record in batch:
            outcome, categories = await _import_record(database, project_id, record, categories, dry_run=False)
            outcomes.append(outcome)
            written = written or outcome in WRITTEN
    finally:
        if written:
            await _announce(database, project_id)
    return outcomes, categories


async def _write_batch(
    session: AsyncSession, project_id: str, batch: Sequence[ImportRecord], categories: CategoryIndex
) -> tuple[list[ImportOutcome | Sequence[Rejection]], list[str]]:
    """The outcome of each record and the ids of the products written, with one query per kind of existing row."""
    products = [record for record in batch if isinstance(record, ProductRecord)]
    existing = await _existing_products(session, project_id, [record.slug for record in products])
    variants = await _existing_variants(session, [product.id for product in existing.values()])
    owners = await _sku_owners(session, project_id, [variant.sku for record in products for variant in record.variants])
    outcomes: list[ImportOutcome | Sequence[Rejection]] = []
    written: list[str] = []
    new_rows: dict[type[Product | ProductAttribute | Variant], list[dict[str, Any]]] = {
        Product: [],
        ProductAttribute: [],
        Variant: [],
    }
    for record in batch:
        if isinstance(record, RejectedRecord):
            outcomes.append(record.rejections)
            continue
        product = existing.get(record.slug)
        clashes = [
            Rejection(variant.location, variant.sku_field, f"{variant.sku} belongs to product {owners[variant.sku][1]}")
            for variant in record.variants
            if variant.sku in owners and (product is None or owners[variant.sku][0] != product.id)
        ]
        if clashes:
            outcomes.append(clashes)
            continue
        category_id = await _category_id(session, record, categories, write=True)
        if product is None:
            product = _new_product(project_id, record, category_id)
            new_rows[Product].append(_row_of(product))
            new_rows[ProductAttribute].extend(_row_of(row) for row in attribute_rows(product))
            new_rows[Variant].extend(
                _row_of(_new_variant(product, variant, position)) for position, variant in enumerate(record.variants)
            )
            outcome: ImportOutcome = "created"
        else:
            outcome = await _update_product(
                session, product, variants.get(product.id, []), record, category_id, write=True
            )
        outcomes.append(outcome)
        if outcome in WRITTEN:
            written.append(product.id)
    if written:
        await session.flush()
        for model, rows in new_rows.items():
            if rows:
                await session.execute(insert(model), rows)
        variant_ids = (await session.scalars(select(Variant.id).where(Variant.product_id.in_(written)))).all()
        await check_low_stock(session, project_id, product_ids=written, variant_ids=variant_ids)
    return outcomes, written


def _row_of(row: Product | ProductAttribute | Variant) -> dict[str, Any]:
    """The column values of a new row, for one multi-row INSERT per table and batch."""
    given = row.__dict__
    return {
        attribute.key: given[attribute.key] for attribute in object_mapper(row).column_attrs if attribute.key in given
    }


async def _existing_products(session: AsyncSession, project_id: str, slugs: Sequence[str]) -> dict[str, Product]:
    if not slugs:
        return {}
    rows = await session.scalars(select(Product).where(Product.project_id == project_id, Product.slug.in_(slugs)))
    return {product.slug: product for product in rows}


async def _existing_variants(session: AsyncSession, product_ids: Sequence[str]) -> dict[str, list[Variant]]:
    by_product: dict[str, list[Variant]] = {}
    if product_ids:
        rows = await session.scalars(
            select(Variant).where(Variant.product_id.in_(product_ids)).order_by(Variant.position)
        )
        for variant in rows:
            by_product.setdefault(variant.product_id, []).append(variant)
    return by_product


async def _sku_owners(session: AsyncSession, project_id: str, skus: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The product id and slug owning each of these SKUs in the catalog."""
    if not skus:
        return {}
    rows = await session.execute(
        select(Variant.sku, Product.id, Product.slug)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.project_id == project_id, Variant.sku.in_(skus))
    )
    return {sku: (product_id, slug) for sku, product_id, slug in rows}


def _new_product(project_id: str, record: ProductRecord, category_id: str | None) -> Product:
    stamp = now_ms()
    return Product(
        id=new_id("prod"),
        project_id=project_id,
        category_id=category_id,
        slug=record.slug,
        name=record.name,
        description=record.description,
        price_minor=record.price_minor,
        compare_at_price_minor=record.compare_at_price_minor,
        images=list(record.images),
        attributes=record.attributes.applied_to({}),
        status=record.status,
        stock=record.stock,
        low_stock_threshold=record.low_stock_threshold,
        created_at=stamp,
        updated_at=stamp,
    )


async def _announce(database: Database, project_id: str) -> None:
    async with database.write() as session:
        await bump_catalog_version(session, project_id)


async def _import_record(
    database: Database, project_id: str, record: ImportRecord, categories: CategoryIndex, *, dry_run: bool
) -> tuple[ImportOutcome | Sequence[Rejection], CategoryIndex]:
    """The outcome, and the category index to go on with (reloaded when a unit of work was rolled back)."""
    if isinstance(record, RejectedRecord):
        return record.rejections, categories
    try:
        async with database.read() if dry_run else database.write() as session:
            return await _import_product(session, project_id, record, categories, write=not dry_run), categories
    except (DomainError, IntegrityError) as error:
        reason = error.message if isinstance(error, DomainError) else "changed by someone else meanwhile; import again"
        async with database.read() as session:
            return [Rejection(record.location, "", reason)], await CategoryIndex.load(session, project_id)


async def _import_product(
    session: AsyncSession, project_id: str, record: ProductRecord, categories: CategoryIndex, *, write: bool
) -> ImportOutcome | Sequence[Rejection]:
    product = await session.scalar(select(Product).where(Product.project_id == project_id, Product.slug == record.slug))
    clashes = await _sku_clashes(session, project_id, record, product)
    if clashes:
        return clashes
    category_id = await _category_id(session, record, categories, write=write)
    if product is None:
        if write:
            product = await _create_product(session, project_id, record, category_id)
            await _check_low_stock(session, product)
        return "created"
    variants = list(await session.scalars(select(Variant).where(Variant.product_id == product.id)))
    outcome = await _update_product(session, product, variants, record, category_id, write=write)
    if write and outcome == "updated":
        await session.flush()
        await _check_low_stock(session, product)
    return outcome


async def _check_low_stock(session: AsyncSession, product: Product) -> None:
    variant_ids = (await session.scalars(select(Variant.id).where(Variant.product_id == product.id))).all()
    await check_low_stock(session, product.project_id, product_ids=[product.id], variant_ids=variant_ids)


async def _sku_clashes(
    session: AsyncSession, project_id: str, record: ProductRecord, product: Product | None
) -> list[Rejection]:
    if not record.variants:
        return []
    query = (
        select(Variant.sku, Product.slug)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.project_id == project_id, Variant.sku.in_([variant.sku for variant in record.variants]))
    )
    if product is not None:
        query = query.where(Variant.product_id != product.id)
    owners = {sku: slug for sku, slug in await session.execute(query)}
    return [
        Rejection(variant.location, variant.sku_field, f"{variant.sku} belongs to product {owners[variant.sku]}")
        for variant in record.variants
        if variant.sku in owners
    ]


async def _category_id(
    session: AsyncSession, record: ProductRecord, categories: CategoryIndex, *, write: bool
) -> str | None:
    if not record.category:
        return None
    if write:
        return await categories.find_or_create(session, record.category)
    return categories.find(record.category) or NEW_CATEGORY


async def _create_product(
    session: AsyncSession, project_id: str, record: ProductRecord, category_id: str | None
) -> Product:
    return await add_product(
        session,
        project_id,
        name=record.name,
        slug=record.slug,
        price_minor=record.price_minor,
        description=record.description,
        category_id=category_id,
        compare_at_price_minor=record.compare_at_price_minor,
        images=record.images,
        attributes=record.attributes.applied_to({}),
        status=record.status,
        stock=record.stock,
        low_stock_threshold=record.low_stock_threshold,
        variants=[
            _variant_columns(variant) | {"options": variant.options.applied_to({})} for variant in record.variants
        ],
    )


def _product_columns(record: ProductRecord, category_id: str | None) -> dict[str, Any]:
    optional = {
        "description": record.description,
        "compare_at_price_minor": record.compare_at_price_minor,
        "category_id": category_id,
        "status": record.status,
        "stock": record.stock,
        "low_stock_threshold": record.low_stock_threshold,
        "images": list(record.images),
    }
    given = {"category_id" if name == "category" else name for name in record.given}
    return {"name": record.name, "price_minor": record.price_minor} | {
        column: value for column, value in optional.items() if column in given
    }


def _variant_columns(variant: VariantRecord, *, only_given: bool = False) -> dict[str, Any]:
    optional = {
        "name": variant.name,
        "price_minor": variant.price_minor,
        "stock": variant.stock,
        "low_stock_threshold": variant.low_stock_threshold,
    }
    columns = {column: value for column, value in optional.items() if not only_given or column in variant.given}
    return {"sku": variant.sku} | columns


def _differences(row: Product | Variant, wanted: Mapping[str, Any]) -> dict[str, Any]:
    return {column: value for column, value in wanted.items() if getattr(row, column) != value}


async def _update_product(
    session: AsyncSession,
    product: Product,
    variants: list[Variant],
    record: ProductRecord,
    category_id: str | None,
    *,
    write: bool,
) -> ImportOutcome:
    product_changes = _differences(product, _product_columns(record, category_id))
    attributes = record.attributes.applied_to(product.attributes or {})
    if attributes != (product.attributes or {}):
        product_changes["attributes"] = attributes
    by_sku = {variant.sku: variant for variant in variants}
    variant_changes = [
        (by_sku[variant.sku], changes)
        for variant in record.variants
        if variant.sku in by_sku and (changes := _variant_changes(by_sku[variant.sku], variant))
    ]
    new_variants = [variant for variant in record.variants if variant.sku not in by_sku]
    if not (product_changes or variant_changes or new_variants):
        return "unchanged"
    if write:
        _apply(product, product_changes | {"updated_at": now_ms()})
        for row, changes in variant_changes:
            _apply(row, changes)
        next_position = max((variant.position for variant in variants), default=-1) + 1
        session.add_all(_new_variant(product, variant, next_position + i) for i, variant in enumerate(new_variants))
        if "attributes" in product_changes:
            await session.execute(delete(ProductAttribute).where(ProductAttribute.product_id == product.id))
            session.add_all(attribute_rows(product))
    return "updated"


def _variant_changes(row: Variant, variant: VariantRecord) -> dict[str, Any]:
    changes = _differences(row, _variant_columns(variant, only_given=True))
    options = variant.options.applied_to(row.options or {})
    if options != (row.options or {}):
        changes["options"] = options
    return changes


def _apply(row: Product | Variant, changes: Mapping[str, Any]) -> None:
    for column, value in changes.items():
        setattr(row, column, value)


def _new_variant(product: Product, variant: VariantRecord, position: int) -> Variant:
    stamp = now_ms()
    return Variant(
        id=new_id("var"),
        project_id=product.project_id,
        product_id=product.id,
        options=variant.options.applied_to({}),
        position=position,
        created_at=stamp,
        updated_at=stamp,
        **_variant_columns(variant),
    )


__all__ = [
    "ImportSummary",
    "ImportTarget",
    "import_products",
    "import_target",
]
