"""Stock: taken with conditional updates, so it never goes below zero whatever the concurrency."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Product, Variant
from shopgraph.errors import InsufficientStock


@dataclass(frozen=True)
class StockLine:
    product_id: str
    variant_id: str | None
    quantity: int
    name: str = ""


def _target(line: StockLine) -> tuple[type[Product] | type[Variant], str]:
    return (Variant, line.variant_id) if line.variant_id else (Product, line.product_id)


async def take_stock(session: AsyncSession, lines: Iterable[StockLine]) -> None:
    """Takes every line or raises (and the caller's unit of work rolls back what was taken)."""
    # A fixed order keeps two concurrent checkouts from locking the same rows in opposite orders.
    for line in sorted(lines, key=lambda item: (item.variant_id or "", item.product_id)):
        model, row_id = _target(line)
        result = await session.execute(
            update(model)
            .where(model.id == row_id, (model.stock.is_(None)) | (model.stock >= line.quantity))
            .values(stock=model.stock - line.quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise InsufficientStock(
                f"not enough stock of {line.name or row_id} for {line.quantity}",
                field="items",
                extra={"product_id": line.product_id, "variant_id": line.variant_id},
            )


async def return_stock(session: AsyncSession, lines: Iterable[StockLine]) -> None:
    for line in sorted(lines, key=lambda item: (item.variant_id or "", item.product_id)):
        model, row_id = _target(line)
        await session.execute(
            update(model)
            .where(model.id == row_id, model.stock.is_not(None))
            .values(stock=model.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )
