"""The admin's mutation payloads: the changed thing, or the domain's refusal as `userErrors`."""

from __future__ import annotations

import strawberry

from shopgraph.db.models import Category as CategoryRow
from shopgraph.domain.carts.admin_coupons import CouponRecord
from shopgraph.domain.catalog.admin_products import VariantChange
from shopgraph.domain.catalog.admin_reads import ProductRecord
from shopgraph.domain.orders.reads import OrderWithItems
from shopgraph.domain.stores.config import AdminStoreConfig as AdminStoreConfigModel
from shopgraph.errors import DomainError
from shopgraph.schema.admin_types import (
    AdminCategory,
    AdminCoupon,
    AdminOrder,
    AdminProduct,
    AdminStoreConfig,
    AdminVariant,
)
from shopgraph.schema.payloads import UserError, errors_of


@strawberry.type
class ProductPayload:
    product: AdminProduct | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: ProductRecord | DomainError) -> ProductPayload:
        if isinstance(result, DomainError):
            return cls(product=None, user_errors=errors_of(result))
        return cls(product=AdminProduct(record=result), user_errors=[])


@strawberry.type
class VariantPayload:
    variant: AdminVariant | None
    product: AdminProduct | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: VariantChange | DomainError) -> VariantPayload:
        if isinstance(result, DomainError):
            return cls(variant=None, product=None, user_errors=errors_of(result))
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
            return cls(category=None, user_errors=errors_of(result))
        return cls(category=AdminCategory(row=result), user_errors=[])


@strawberry.type
class CouponPayload:
    coupon: AdminCoupon | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: CouponRecord | DomainError) -> CouponPayload:
        if isinstance(result, DomainError):
            return cls(coupon=None, user_errors=errors_of(result))
        return cls(coupon=AdminCoupon(record=result), user_errors=[])


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: str | DomainError) -> DeletePayload:
        if isinstance(result, DomainError):
            return cls(deleted_id=None, user_errors=errors_of(result))
        return cls(deleted_id=strawberry.ID(result), user_errors=[])


@strawberry.type
class StoreConfigPayload:
    store_config: AdminStoreConfig | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: AdminStoreConfigModel | DomainError) -> StoreConfigPayload:
        if isinstance(result, DomainError):
            return cls(store_config=None, user_errors=errors_of(result))
        return cls(store_config=AdminStoreConfig.of(result), user_errors=[])


@strawberry.type
class OrderPayload:
    order: AdminOrder | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: OrderWithItems | DomainError) -> OrderPayload:
        if isinstance(result, DomainError):
            return cls(order=None, user_errors=errors_of(result))
        return cls(order=AdminOrder(found=result), user_errors=[])
