"""`inventory.low`: sent once when a product's or variant's stock falls below its threshold.

A flag on the row remembers that the event went out; it is cleared when stock is back at or above the threshold,
so the next dip is reported again. One `UPDATE ... RETURNING` per table flips the flag where it disagrees with the
stock, which also makes two concurrent checkouts report a dip once.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Product, Variant
from shopgraph.domain.events.merchant_events import EventType, emit


def _is_low(model: type[Product] | type[Variant]) -> ColumnElement[bool]:
    # NULL stock (untracked) or NULL threshold (no alert) is never low.
    return func.coalesce(model.stock < model.low_stock_threshold, false())


async def _flip_flags(
    session: AsyncSession, project_id: str, model: type[Product] | type[Variant], ids: Collection[str]
) -> list[Any]:
    """Rows whose flag changed, with their new flag; only rows that became low are reported."""
    if not ids:
        return []
    columns = [model.id, model.stock, model.low_stock_threshold, model.low_stock_notified]
    if model is Variant:
        columns += [Variant.product_id, Variant.sku, Variant.name]
    else:
        columns += [Product.name]
    result = await session.execute(
        update(model)
        .where(model.project_id == project_id, model.id.in_(ids), model.low_stock_notified != _is_low(model))
        .values(low_stock_notified=_is_low(model))
        .returning(*columns)
        .execution_options(synchronize_session=False)
    )
    return [row for row in result.all() if row.low_stock_notified]


async def check_low_stock(
    session: AsyncSession, project_id: str, *, product_ids: Collection[str] = (), variant_ids: Collection[str] = ()
) -> int:
    """Call after changing the stock of these rows; emits `inventory.low` for each that just went low."""
    products = await _flip_flags(session, project_id, Product, set(product_ids))
    variants = await _flip_flags(session, project_id, Variant, set(variant_ids))
    for product in products:
        await emit(session, project_id, EventType.INVENTORY_LOW, _product_data(product))
    if variants:
        names = dict(
            (
                await session.execute(
                    select(Product.id, Product.name).where(Product.id.in_({row.product_id for row in variants}))
                )
            ).all()
        )
        for variant in variants:
            await emit(session, project_id, EventType.INVENTORY_LOW, _variant_data(variant, names))
    return len(products) + len(variants)


def _product_data(row: Any) -> dict[str, Any]:
    return {
        "product_id": row.id,
        "variant_id": None,
        "sku": None,
        "name": row.name,
        "variant_name": None,
        "stock": row.stock,
        "low_stock_threshold": row.low_stock_threshold,
    }


def _variant_data(row: Any, product_names: dict[str, str]) -> dict[str, Any]:
    return {
        "product_id": row.product_id,
        "variant_id": row.id,
        "sku": row.sku,
        "name": product_names.get(row.product_id, row.name),
        "variant_name": row.name,
        "stock": row.stock,
        "low_stock_threshold": row.low_stock_threshold,
    }
