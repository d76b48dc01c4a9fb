"""Catalog rows written as given, shared by the demo loader, imports and the admin API (which checks its input first).

The caller bumps the catalog version when its unit of work is done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Product, ProductAttribute, ProductStatus, Variant
from shopgraph.domain.catalog.names import SLUG, slugify
from shopgraph.errors import InvalidInput
from shopgraph.ids import new_id, now_ms

PRODUCT_STATUSES = tuple(ProductStatus)


def _check_slug(slug: str) -> str:
    if not SLUG.match(slug) or len(slug) > 200:
        raise InvalidInput("slug: lowercase letters and digits separated by '-', '_' or '.'", field="slug")
    return slug


def _check_non_negative(name: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput(f"{name}: must not be negative", field=name)


def attribute_rows(product: Product) -> list[ProductAttribute]:
    """The indexed copy of a product's custom attributes, one row per attribute."""
    return [
        ProductAttribute(product_id=product.id, project_id=product.project_id, name=key, value=str(value)[:500])
        for key, value in product.attributes.items()
    ]


async def add_category(
    session: AsyncSession,
    project_id: str,
    *,
    name: str,
    slug: str | None = None,
    parent_id: str | None = None,
    description: str = "",
    position: int = 0,
) -> Category:
    category = Category(
        id=new_id("cat"),
        project_id=project_id,
        parent_id=parent_id,
        name=name,
        slug=_check_slug(slug or slugify(name)),
        description=description,
        position=position,
    )
    session.add(category)
    await session.flush()
    return category


async def add_product(
    session: AsyncSession,
    project_id: str,
    *,
    name: str,
    price_minor: int,
    slug: str | None = None,
    description: str = "",
    category_id: str | None = None,
    compare_at_price_minor: int | None = None,
    images: Sequence[str] = (),
    attributes: Mapping[str, Any] | None = None,
    status: str = ProductStatus.ACTIVE,
    stock: int | None = None,
    low_stock_threshold: int | None = None,
    variants: Sequence[Mapping[str, Any]] = (),
    created_at: int | None = None,
) -> Product:
    _check_non_negative("price", price_minor)
    _check_non_negative("compare_at_price", compare_at_price_minor)
    _check_non_negative("stock", stock)
    if status not in PRODUCT_STATUSES:
        raise InvalidInput(f"status: must be one of {', '.join(PRODUCT_STATUSES)}", field="status")
    stamp = created_at or now_ms()
    product = Product(
        id=new_id("prod"),
        project_id=project_id,
        category_id=category_id,
        slug=_check_slug(slug or slugify(name)),
        name=name,
        description=description,
        price_minor=price_minor,
        compare_at_price_minor=compare_at_price_minor,
        images=list(images),
        attributes=dict(attributes or {}),
        status=status,
        stock=stock,
        low_stock_threshold=low_stock_threshold,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(product)
    session.add_all(attribute_rows(product))
    for position, spec in enumerate(variants):
        variant_price = spec.get("price_minor", price_minor)
        _check_non_negative("variant price", variant_price)
        _check_non_negative("variant stock", spec.get("stock"))
        session.add(
            Variant(
                id=new_id("var"),
                project_id=project_id,
                product_id=product.id,
                name=spec["name"],
                sku=spec["sku"],
                price_minor=variant_price,
                stock=spec.get("stock"),
                low_stock_threshold=spec.get("low_stock_threshold"),
                options=dict(spec.get("options", {})),
                position=position,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    await session.flush()
    return product
