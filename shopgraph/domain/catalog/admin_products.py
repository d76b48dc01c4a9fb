"""Admin writes of products, variants and stock, validated; every write bumps the catalog version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import CartItem, Product, ProductAttribute, Variant
from shopgraph.db.statements import changed_rows
from shopgraph.domain.catalog import inventory
from shopgraph.domain.catalog.admin_fields import attributes, images, options, sku, slug
from shopgraph.domain.catalog.admin_reads import (
    ProductRecord,
    ensure_category,
    ensure_skus_free,
    ensure_slug_free,
    load_product,
    product_in_store,
    variant_in_store,
)
from shopgraph.domain.catalog.low_stock import check_low_stock
from shopgraph.domain.catalog.names import SLUG, slugify
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import PRODUCT_STATUSES, add_product, attribute_rows
from shopgraph.domain.conflicts import concurrent_writes_as_conflict
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import (
    amount,
    choice,
    integer,
    invalid,
    not_found,
    optional_amount,
    optional_id,
    read_fields,
    require,
    text,
    whole_number,
)
from shopgraph.domain.stores.config import store_currency
from shopgraph.ids import new_id, now_ms

_COUNT = whole_number(minimum=0, optional=True)
PRODUCT_FIELDS = {
    "name": ("name", text(300)),
    "slug": ("slug", slug),
    "description": ("description", text(20_000, required=False)),
    "price": ("price_minor", amount),
    "compare_at_price": ("compare_at_price_minor", optional_amount),
    "category_id": ("category_id", optional_id),
    "images": ("images", images),
    "attributes": ("attributes", attributes),
    "status": ("status", choice(PRODUCT_STATUSES)),
    "low_stock_threshold": ("low_stock_threshold", _COUNT),
}
NEW_PRODUCT_FIELDS = {**PRODUCT_FIELDS, "stock": ("stock", _COUNT)}
VARIANT_FIELDS = {
    "name": ("name", text(300)),
    "sku": ("sku", sku),
    "price": ("price_minor", amount),
    "low_stock_threshold": ("low_stock_threshold", _COUNT),
    "options": ("options", options),
    "position": ("position", integer),
}
NEW_VARIANT_FIELDS = {**VARIANT_FIELDS, "stock": ("stock", _COUNT)}


@dataclass(frozen=True)
class VariantChange:
    variant_id: str
    product: ProductRecord


def _new_variants(given: object, currency: str) -> list[dict[str, Any]]:
    if given is None:
        return []
    if not isinstance(given, list | tuple):
        raise invalid("variants", "must be a list")
    variants = []
    for index, item in enumerate(given):
        prefix = f"variants.{index}."
        if not isinstance(item, Mapping):
            raise invalid(prefix.rstrip("."), "must be an object")
        values = read_fields(NEW_VARIANT_FIELDS, item, currency=currency, prefix=prefix)
        require(values, ("name", "name"), ("sku", "sku"), prefix=prefix)
        values.pop("position", None)
        variants.append(values)
    return variants


async def create_product(session: AsyncSession, project_id: str, given: Mapping[str, object]) -> ProductRecord:
    """A product, with its variants if given; the slug defaults to one made from the name."""
    currency = await store_currency(session, project_id)
    fields = dict(given)
    variants = _new_variants(fields.pop("variants", None), currency)
    values = read_fields(NEW_PRODUCT_FIELDS, fields, currency=currency)
    require(values, ("name", "name"), ("price_minor", "price"))
    values.setdefault("slug", slugify(values["name"]).rstrip("-"))
    if not SLUG.match(values["slug"]):
        raise invalid("slug", "give a slug: none can be made from this name", code=ErrorCode.INVALID_SLUG)
    for variant in variants:
        variant.setdefault("price_minor", values["price_minor"])
    await ensure_category(session, project_id, values.get("category_id"), "categoryId")
    await ensure_slug_free(session, Product, project_id, values["slug"])
    await ensure_skus_free(
        session, project_id, [(f"variants.{index}.sku", variant["sku"]) for index, variant in enumerate(variants)]
    )
    with concurrent_writes_as_conflict():
        product = await add_product(session, project_id, **values, variants=variants)
    await bump_catalog_version(session, project_id, [product.id])
    created = await load_product(session, project_id, product.id)
    await check_low_stock(
        session, project_id, product_ids=[product.id], variant_ids=[variant.id for variant in created.variants]
    )
    return created


async def update_product(
    session: AsyncSession, project_id: str, product_id: str, given: Mapping[str, object]
) -> ProductRecord:
    """Changes the given fields; attributes are replaced as a whole, and their indexed rows with them."""
    product = await product_in_store(session, project_id, product_id)
    values = read_fields(PRODUCT_FIELDS, given, currency=await store_currency(session, project_id))
    if "slug" in values:
        await ensure_slug_free(session, Product, project_id, values["slug"], except_id=product.id)
    if "category_id" in values:
        await ensure_category(session, project_id, values["category_id"], "categoryId")
    for column, value in values.items():
        setattr(product, column, value)
    product.updated_at = now_ms()
    if "attributes" in values:
        await session.execute(delete(ProductAttribute).where(ProductAttribute.product_id == product.id))
        session.add_all(attribute_rows(product))
    with concurrent_writes_as_conflict():
        await session.flush()
    await bump_catalog_version(session, project_id, [product.id])
    if "low_stock_threshold" in values:
        await check_low_stock(session, project_id, product_ids=[product.id])
    return await load_product(session, project_id, product.id)


async def delete_product(session: AsyncSession, project_id: str, product_id: str) -> str:
    """Removes the product, its variants and the cart lines holding it; orders keep their copies of the lines."""
    product = await product_in_store(session, project_id, product_id)
    await session.execute(delete(CartItem).where(CartItem.product_id == product.id))
    await session.execute(delete(ProductAttribute).where(ProductAttribute.product_id == product.id))
    await session.execute(delete(Variant).where(Variant.product_id == product.id))
    await session.execute(delete(Product).where(Product.id == product.id))
    session.expunge(product)
    await bump_catalog_version(session, project_id, [product_id])
    return product_id


async def _touch(session: AsyncSession, project_id: str, product: Product) -> ProductRecord:
    product.updated_at = now_ms()
    with concurrent_writes_as_conflict():
        await session.flush()
    await bump_catalog_version(session, project_id, [product.id])
    return await load_product(session, project_id, product.id)


async def create_variant(
    session: AsyncSession, project_id: str, product_id: str, given: Mapping[str, object]
) -> VariantChange:
    """A variant of a product; its price defaults to the product's, its position to the end."""
    product = await product_in_store(session, project_id, product_id, field="productId")
    values = read_fields(NEW_VARIANT_FIELDS, given, currency=await store_currency(session, project_id))
    require(values, ("name", "name"), ("sku", "sku"))
    await ensure_skus_free(session, project_id, [("sku", values["sku"])])
    if "position" not in values:
        last = await session.scalar(select(func.max(Variant.position)).where(Variant.product_id == product.id))
        values["position"] = 0 if last is None else last + 1
    values.setdefault("price_minor", product.price_minor)
    stamp = now_ms()
    variant = Variant(
        id=new_id("var"), project_id=project_id, product_id=product.id, created_at=stamp, updated_at=stamp, **values
    )
    session.add(variant)
    change = VariantChange(variant.id, await _touch(session, project_id, product))
    await check_low_stock(session, project_id, variant_ids=[variant.id])
    return change


async def update_variant(
    session: AsyncSession, project_id: str, variant_id: str, given: Mapping[str, object]
) -> VariantChange:
    variant = await variant_in_store(session, project_id, variant_id)
    values = read_fields(VARIANT_FIELDS, given, currency=await store_currency(session, project_id))
    if "sku" in values:
        await ensure_skus_free(session, project_id, [("sku", values["sku"])], except_id=variant.id)
    product = await product_in_store(session, project_id, variant.product_id)
    for column, value in values.items():
        setattr(variant, column, value)
    variant.updated_at = now_ms()
    change = VariantChange(variant.id, await _touch(session, project_id, product))
    if "low_stock_threshold" in values:
        await check_low_stock(session, project_id, variant_ids=[variant.id])
    return change


async def delete_variant(session: AsyncSession, project_id: str, variant_id: str) -> VariantChange:
    """Removes the variant and the cart lines holding it; of two deletions racing, the second finds nothing."""
    variant = await variant_in_store(session, project_id, variant_id)
    await session.execute(delete(CartItem).where(CartItem.variant_id == variant.id))
    if not changed_rows(await session.execute(delete(Variant).where(Variant.id == variant.id))):
        raise not_found("variant")
    session.expunge(variant)
    product = await product_in_store(session, project_id, variant.product_id)
    return VariantChange(variant.id, await _touch(session, project_id, product))


async def set_inventory(
    session: AsyncSession,
    project_id: str,
    *,
    product_id: str | None = None,
    variant_id: str | None = None,
    stock: int | None,
) -> ProductRecord:
    """Sets the stock of a variant, or of a product without variants; None means not tracked."""
    if variant_id is not None:
        variant = await variant_in_store(session, project_id, variant_id, field="variantId")
        if product_id is not None and product_id != variant.product_id:
            raise not_found("variant of this product", "variantId")
        product_id = variant.product_id
    elif product_id is not None:
        await product_in_store(session, project_id, product_id, field="productId")
    else:
        raise invalid("productId", "give a productId or a variantId")
    await inventory.set_stock(session, project_id, product_id=product_id, variant_id=variant_id, stock=stock)
    return await load_product(session, project_id, product_id)
