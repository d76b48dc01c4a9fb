"""Stock: taken with conditional updates, so it never goes below zero whatever the concurrency.

Every change ends with the low-stock check of the rows it touched (`low_stock`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Product, Variant
from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.low_stock import check_low_stock
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.errors import InsufficientStock, InvalidInput, NotFound
from shopgraph.ids import now_ms


@dataclass(frozen=True)
class StockLine:
    product_id: str
    variant_id: str | None
    quantity: int
    name: str = ""


def _target(line: StockLine) -> tuple[type[Product] | type[Variant], str]:
    return (Variant, line.variant_id) if line.variant_id else (Product, line.product_id)


def _in_lock_order(lines: Iterable[StockLine]) -> list[StockLine]:
    # A fixed order keeps two concurrent checkouts from locking the same rows in opposite orders.
    return sorted(lines, key=lambda item: (item.variant_id or "", item.product_id))


async def _check_lines(session: AsyncSession, project_id: str, lines: Sequence[StockLine]) -> None:
    await check_low_stock(
        session,
        project_id,
        product_ids=[line.product_id for line in lines if not line.variant_id],
        variant_ids=[line.variant_id for line in lines if line.variant_id],
    )


def _build_take(model: type[Product] | type[Variant]) -> Any:
    quantity: Any = bindparam("quantity")
    return (
        update(model)
        .where(
            model.id == bindparam("row_id"),
            # Not "project_id": an UPDATE keeps its columns' names for its own parameters.
            model.project_id == bindparam("in_project"),
            (model.stock.is_(None)) | (model.stock >= quantity),
        )
        .values(stock=model.stock - quantity)
        .returning(model.stock, model.low_stock_threshold, model.low_stock_notified)
        .execution_options(synchronize_session=False)
    )


# Built once (see `db.statements.Prepared`): one of them runs for every line of every order.
_TAKE = {Product: _build_take(Product), Variant: _build_take(Variant)}


def _disagrees(row: Any) -> bool:
    low = row.stock is not None and row.low_stock_threshold is not None and row.stock < row.low_stock_threshold
    return bool(row.low_stock_notified) != low


async def take_stock(session: AsyncSession, project_id: str, lines: Iterable[StockLine]) -> None:
    """Takes every line or raises (and the caller's unit of work rolls back what was taken).

    Each update answers the row's low-stock flag and threshold, so the low-stock check runs only for rows whose
    flag now disagrees with their stock, which is rare: most orders cost one statement per line."""
    ordered = _in_lock_order(lines)
    flip: list[StockLine] = []
    for line in ordered:
        model, row_id = _target(line)
        row = (
            await session.execute(_TAKE[model], {"row_id": row_id, "in_project": project_id, "quantity": line.quantity})
        ).first()
        if row is None:
            raise InsufficientStock(
                f"not enough stock of {line.name or row_id} for {line.quantity}",
                field="items",
                extra={"product_id": line.product_id, "variant_id": line.variant_id},
            )
        if _disagrees(row):
            flip.append(line)
    if flip:
        await _check_lines(session, project_id, flip)


async def return_stock(session: AsyncSession, project_id: str, lines: Iterable[StockLine]) -> None:
    ordered = _in_lock_order(lines)
    for line in ordered:
        model, row_id = _target(line)
        await session.execute(
            update(model)
            .where(model.id == row_id, model.project_id == project_id, model.stock.is_not(None))
            .values(stock=model.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )
    await _check_lines(session, project_id, ordered)


async def set_stock(
    session: AsyncSession,
    project_id: str,
    *,
    product_id: str | None = None,
    variant_id: str | None = None,
    stock: int | None,
) -> None:
    """Sets the stock of a variant, or of a product without variants; None stops tracking it."""
    if stock is not None and (isinstance(stock, bool) or not isinstance(stock, int) or stock < 0):
        raise InvalidInput("stock: a whole number of at least 0, or null to stop tracking", field="stock")
    if variant_id is None and product_id is None:
        raise InvalidInput("give a productId or a variantId", field="productId")
    if variant_id is None and await _has_variants(session, project_id, str(product_id)):
        raise InvalidInput(
            "this product keeps its stock on its variants: give a variantId",
            code=CatalogErrorCode.HAS_VARIANTS,
            field="variantId",
        )
    model: type[Product] | type[Variant] = Variant if variant_id else Product
    conditions = [model.id == (variant_id or product_id), model.project_id == project_id]
    if variant_id and product_id:
        conditions.append(Variant.product_id == product_id)
    owner = Variant.product_id if variant_id else Product.id
    changed = (
        (
            await session.execute(
                update(model)
                .where(*conditions)
                .values(stock=stock, updated_at=now_ms())
                .returning(owner)
                .execution_options(synchronize_session=False)
            )
        )
        .scalars()
        .all()
    )
    if len(changed) != 1:
        if variant_id:
            raise NotFound(
                "no variant with this id in this store", code=CatalogErrorCode.VARIANT_NOT_FOUND, field="variantId"
            )
        raise NotFound(
            "no product with this id in this store", code=CatalogErrorCode.PRODUCT_NOT_FOUND, field="productId"
        )
    await check_low_stock(
        session,
        project_id,
        product_ids=[] if variant_id else [str(product_id)],
        variant_ids=[variant_id] if variant_id else [],
    )
    await bump_catalog_version(session, project_id, changed)


async def _has_variants(session: AsyncSession, project_id: str, product_id: str) -> bool:
    return bool(
        await session.scalar(select(exists().where(Variant.product_id == product_id, Variant.project_id == project_id)))
    )
