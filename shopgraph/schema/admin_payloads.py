"""Admin units of work and mutation payloads: a domain error becomes `userErrors`, and its unit of work rolls back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shopgraph.db.models import Category as CategoryRow
from shopgraph.domain.catalog.admin_products import VariantChange
from shopgraph.domain.catalog.admin_reads import ProductRecord
from shopgraph.domain.stores.config import AdminStoreConfig as AdminStoreConfigModel
from shopgraph.errors import DomainError
from shopgraph.resolvers.admin_coupons import CouponRecord
from shopgraph.resolvers.orders import OrderWithItems
from shopgraph.schema.admin_types import (
    AdminCategory,
    AdminCoupon,
    AdminOrder,
    AdminProduct,
    AdminStoreConfig,
    AdminVariant,
)
from shopgraph.schema.cart_types import UserError
from shopgraph.schema.context import GraphQLContext

T = TypeVar("T")
Work = Callable[[AsyncSession, str], Awaitable[T]]


async def write(info: Info, work: Work[T]) -> T | DomainError:
    """Runs `work(session, project_id)` in one unit of work: committed, or rolled back and its error returned."""
    context: GraphQLContext = info.context
    try:
        async with context.runtime.database.write() as session:
            return await work(session, context.project.project_id)
    except DomainError as error:
        return error


async def read(info: Info, work: Work[T]) -> T:
    context: GraphQLContext = info.context
    async with context.runtime.database.read() as session:
        return await work(session, context.project.project_id)


def _errors(error: DomainError) -> list[UserError]:
    return [UserError.of(error)]


@strawberry.type
class ProductPayload:
    product: AdminProduct | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: ProductRecord | DomainError) -> ProductPayload:
        if isinstance(result, DomainError):
            return cls(product=None, user_errors=_errors(result))
        return cls(product=AdminProduct(record=result), user_errors=[])


@strawberry.type
class VariantPayload:
    variant: AdminVariant | None
    product: AdminProduct | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: VariantChange | DomainError) -> VariantPayload:
        if isinstance(result, DomainError):
            return cls(variant=None, product=None, user_errors=_errors(result))
        record = result.product
        variant = next((row for row in record.variants if row.id == result.variant_id), None)
        return cls(
            variant=None if variant is None else AdminVariant(row=variant, currency=record.currency),
            product=AdminProduct(record=record),
            user_errors=[],
        )


@strawberry.type
class CategoryPayload:
    category: AdminCategory | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: CategoryRow | DomainError) -> CategoryPayload:
        if isinstance(result, DomainError):
            return cls(category=None, user_errors=_errors(result))
        return cls(category=AdminCategory(row=result), user_errors=[])


@strawberry.type
class CouponPayload:
    coupon: AdminCoupon | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: CouponRecord | DomainError) -> CouponPayload:
        if isinstance(result, DomainError):
            return cls(coupon=None, user_errors=_errors(result))
        return cls(coupon=AdminCoupon(record=result), user_errors=[])


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: str | DomainError) -> DeletePayload:
        if isinstance(result, DomainError):
            return cls(deleted_id=None, user_errors=_errors(result))
        return cls(deleted_id=strawberry.ID(result), user_errors=[])


@strawberry.type
class StoreConfigPayload:
    store_config: AdminStoreConfig | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: AdminStoreConfigModel | DomainError) -> StoreConfigPayload:
        if isinstance(result, DomainError):
            return cls(store_config=None, user_errors=_errors(result))
        return cls(store_config=AdminStoreConfig.of(result), user_errors=[])


@strawberry.type
class OrderPayload:
    order: AdminOrder | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: OrderWithItems | DomainError) -> OrderPayload:
        if isinstance(result, DomainError):
            return cls(order=None, user_errors=_errors(result))
        return cls(order=AdminOrder(found=result), user_errors=[])
