"""The storefront catalog: a per-project snapshot read with a few Core selects, queried in memory.

Every catalog write bumps `projects.catalog_version` and, in the same transaction, logs which products that
version touched (`catalog_changes`). A process whose snapshot is older reads the log since its version and
reloads just those products; it builds a whole new snapshot only when the log no longer reaches back to its
version, or a version changed the whole catalog (categories, settings, imports).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import Executable, Select, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import CatalogChange, Category, Product, ProductStatus, Project, StoreSettings, Variant
from shopgraph.db.statements import changed_rows
from shopgraph.domain.catalog.index import CatalogIndex, Filters, attribute_text
from shopgraph.ids import now_ms
from shopgraph.lru import LRU

# Past this many touched products a whole rebuild is as cheap as reloading them one by one.
MAX_TOUCHED = 2000
_ID_CHUNK = 500


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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
    # What a search looks in; None (as loaded) derives it from the name and description when asked, so the
    # index's joined search string is the only copy of it a snapshot holds.
    search_text: str | None = field(default=None, repr=False, compare=False)

    @property
    def searched_text(self) -> str:
        if self.search_text is not None:
            return self.search_text
        return f"{self.name}\n{self.description}".casefold()

    @property
    def stock(self) -> int | None:
        return product_stock(self.own_stock, [variant.stock for variant in self.variants])

    @property
    def in_stock(self) -> bool:
        return product_in_stock(self.own_stock, [variant.stock for variant in self.variants])

    def attribute_matches(self, name: str, wanted: str) -> bool:
        value = self.attributes.get(name)
        values = value if isinstance(value, list) else [value]
        return any(value is not None and attribute_text(value) == wanted for value in values)


@dataclass(frozen=True, slots=True)
class CategoryView:
    id: str
    name: str
    slug: str
    description: str
    parent_id: str | None
    position: int
    children: tuple[CategoryView, ...]


class CatalogSnapshot:
    """One catalog version of a project. A newer version may take over the index (`advanced`); the categories,
    which only a whole rebuild changes, are shared."""

    def __init__(
        self,
        project_id: str,
        version: int,
        currency: str,
        products: Iterable[ProductView] | CatalogIndex,
        categories: list[CategoryView] | CatalogSnapshot,
    ) -> None:
        self.project_id = project_id
        self.version = version
        self.currency = currency
        self.index = products if isinstance(products, CatalogIndex) else CatalogIndex(products)
        self.products_by_slug = self.index.by_slug
        self.products_by_id = self.index.by_id
        self.categories_by_id: dict[str, CategoryView]
        self.categories_by_slug: dict[str, CategoryView]
        self.category_roots: tuple[CategoryView, ...]
        self._descendants: dict[str, frozenset[str]]
        if isinstance(categories, CatalogSnapshot):
            self.categories_by_id = categories.categories_by_id
            self.categories_by_slug = categories.categories_by_slug
            self.category_roots = categories.category_roots
            self._descendants = categories._descendants
        else:
            self.categories_by_id = {}
            self.category_roots = _build_tree(categories, self.categories_by_id)
            self.categories_by_slug = {}
            for category in self.categories_by_id.values():
                self.categories_by_slug.setdefault(category.slug, category)
            self._descendants = {}
        # Rendered responses keyed by their door and query: built once per catalog version.
        self.rendered: LRU[Any, Any] = LRU(1024)

    def advanced(self, version: int, changed: dict[str, ProductView | None]) -> CatalogSnapshot:
        """The next version: this snapshot's index with the changed products put in (None: no longer listed).

        The index is changed in place and handed over, so this snapshot must not be served any more."""
        for product_id, product in changed.items():
            self.index.replace(product_id, product)
        return CatalogSnapshot(self.project_id, version, self.currency, self.index, self)

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

    def page(self, sort: str, wanted: Filters, start: int, count: int) -> tuple[list[ProductView], int]:
        return self.index.page(sort, wanted, start, count)


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


def _version_and_currency(project_id: str) -> Select[int, str]:
    return (
        select(Project.catalog_version, StoreSettings.default_currency)
        .join(StoreSettings, StoreSettings.project_id == Project.id)
        .where(Project.id == project_id)
    )


def _products_select(project_id: str) -> Select[Any]:
    return select(
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


def _variants_select(project_id: str) -> Select[Any]:
    return (
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


class _Shared:
    """One object for each value that many products repeat: category ids, attribute and option dicts, variant names,
    prices, stock and timestamps. Equal values share one object; dicts are shared only with dicts written alike
    (`repr`, which tells 1, 1.0 and True apart and keeps the order), and a snapshot never changes them."""

    __slots__ = ("_dicts", "_values")

    def __init__(self) -> None:
        self._values: dict[object, Any] = {}
        self._dicts: dict[str, dict[str, Any]] = {}

    def value(self, value: Any) -> Any:
        if value is None:
            return None
        return self._values.setdefault((type(value), value), value)

    def mapping(self, value: dict[str, Any] | None) -> dict[str, Any]:
        if not value:
            value = {}
        return self._dicts.setdefault(repr(value), value)


def _variant_views(variant_rows: Iterable[Any], shared: _Shared, into: dict[str, list[VariantView]]) -> None:
    """Adds the variants of `variant_rows` to `into`, by product id, in the rows' order."""
    value, mapping = shared.value, shared.mapping
    for row in variant_rows:
        product_id = value(row.product_id)
        into.setdefault(product_id, []).append(
            VariantView(
                row.id,
                product_id,
                value(row.name),
                row.sku,
                value(row.price_minor),
                value(row.stock),
                mapping(row.options),
            )
        )


def _product_views(currency: str, product_rows: Iterable[Any], shared: _Shared) -> list[ProductView]:
    """The products of `product_rows`, without their variants (`_with_variants` puts them in)."""
    value, mapping = shared.value, shared.mapping
    return [
        ProductView(
            id=value(row.id),
            slug=row.slug,
            name=row.name,
            description=row.description or "",
            price_minor=value(row.price_minor),
            compare_at_price_minor=value(row.compare_at_price_minor),
            currency=currency,
            images=tuple(row.images or ()),
            category_id=value(row.category_id),
            attributes=mapping(row.attributes),
            own_stock=value(row.stock),
            variants=(),
            created_at=value(row.created_at),
            updated_at=value(row.updated_at),
        )
        for row in product_rows
    ]


def _with_variants(products: list[ProductView], variants: dict[str, list[VariantView]]) -> list[ProductView]:
    return [
        replace(product, variants=tuple(found)) if (found := variants.get(product.id)) else product
        for product in products
    ]


# Rows are turned into views a partition at a time while they stream in, so a whole catalog's rows (and the
# JSON they decode to) never sit in memory at once beside the views made of them.
_PARTITION = 2000


async def load_snapshot(session: AsyncSession, project_id: str) -> CatalogSnapshot:
    """Four statements, whatever the size of the catalog."""
    version, currency = (await session.execute(_version_and_currency(project_id))).one()
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
    categories = [
        CategoryView(row.id, row.name, row.slug, row.description or "", row.parent_id, row.position, ())
        for row in category_rows
    ]
    shared = _Shared()
    for category in categories:
        shared.value(category.id)
    products: list[ProductView] = []
    streamed = await session.stream(_products_select(project_id))
    async for rows in streamed.partitions(_PARTITION):
        products += _product_views(currency, rows, shared)
    variants: dict[str, list[VariantView]] = {}
    streamed_variants = await session.stream(_variants_select(project_id))
    async for rows in streamed_variants.partitions(_PARTITION):
        _variant_views(rows, shared, variants)
    del shared
    return CatalogSnapshot(project_id, version, currency, _with_variants(products, variants), categories)


Execute = Callable[[Executable], Any]  # Connection.execute or Session.execute: a Result


def advance_snapshot(
    execute: Execute, snapshot: CatalogSnapshot, project_id: str, most_touched: int = MAX_TOUCHED
) -> CatalogSnapshot | None:
    """`snapshot` itself when it is current, else advanced by the logged changes since its version (four statements,
    rows only for the touched products); None when the log does not reach back to it, names the whole catalog, or
    touches more than `most_touched` products: then a new snapshot is needed.

    `execute` runs a statement on a connection inside one read transaction (repeatable read on PostgreSQL), so the
    version, the log and the rows agree. Nothing is changed until every row is read."""
    version, currency = execute(_version_and_currency(project_id)).one()
    if version <= snapshot.version:
        return snapshot
    if currency != snapshot.currency or version - snapshot.version > most_touched:
        return None
    logged = execute(
        select(CatalogChange.version, CatalogChange.product_ids)
        .where(
            CatalogChange.project_id == project_id,
            CatalogChange.version > snapshot.version,
            CatalogChange.version <= version,
        )
        .order_by(CatalogChange.version)
    ).all()
    touched: set[str] = set()
    for expected, (logged_version, product_ids) in enumerate(logged, start=snapshot.version + 1):
        if logged_version != expected or product_ids is None:
            return None
        touched.update(product_ids)
    if len(logged) != version - snapshot.version or len(touched) > most_touched:
        return None
    changed: dict[str, ProductView | None] = dict.fromkeys(touched)
    ordered = sorted(touched)
    for start in range(0, len(ordered), _ID_CHUNK):
        chunk = ordered[start : start + _ID_CHUNK]
        product_rows = execute(_products_select(project_id).where(Product.id.in_(chunk))).all()
        variant_rows = execute(_variants_select(project_id).where(Variant.product_id.in_(chunk))).all()
        shared = _Shared()
        variants: dict[str, list[VariantView]] = {}
        _variant_views(variant_rows, shared, variants)
        for product in _with_variants(_product_views(currency, product_rows, shared), variants):
            changed[product.id] = product
    return snapshot.advanced(version, changed)


async def refresh_snapshot(session: AsyncSession, snapshot: CatalogSnapshot | None, project_id: str) -> CatalogSnapshot:
    """The current catalog: `snapshot` advanced by the change log when it can be (`advance_snapshot`), else a new
    snapshot. Call it inside one read transaction (repeatable read on PostgreSQL)."""
    if snapshot is not None:
        current = snapshot
        advanced = await session.run_sync(lambda sync: advance_snapshot(sync.execute, current, project_id))
        if advanced is not None:
            return advanced
    return await load_snapshot(session, project_id)


async def bump_catalog_version(
    session: AsyncSession, project_id: str, product_ids: Collection[str] | None = None
) -> None:
    """Every catalog write ends here, in its own transaction: the next request on every process sees the new version
    and reloads the products in `product_ids`; None (the default) means the whole catalog may have changed."""
    version = (
        await session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(catalog_version=Project.catalog_version + 1)
            .returning(Project.catalog_version)
        )
    ).scalar_one()
    await session.execute(
        insert(CatalogChange).values(
            project_id=project_id,
            version=version,
            product_ids=None if product_ids is None else sorted(set(product_ids)),
            created_at=now_ms(),
        )
    )


async def trim_catalog_changes(session: AsyncSession, *, older_than_ms: int) -> int:
    """Forgets logged changes made before `older_than_ms`; a process whose snapshot is older rebuilds it whole."""
    result = await session.execute(
        delete(CatalogChange)
        .where(CatalogChange.created_at < older_than_ms)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result)
