"""Admin types: products of every status, categories, coupons, settings and orders as a merchant sees them."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import strawberry
from strawberry.scalars import JSON

from shopgraph.db.models import Category as CategoryRow
from shopgraph.db.models import Variant as VariantRow
from shopgraph.domain.carts.admin_coupons import CouponRecord
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.catalog.admin_reads import ProductRecord, ProductRecordPage
from shopgraph.domain.orders.admin_actions import AdminOrderPage as AdminOrderPageModel
from shopgraph.domain.stores.config import AdminStoreConfig as AdminStoreConfigModel
from shopgraph.schema import described
from shopgraph.schema.cart_types import coupon_value
from shopgraph.schema.order_types import Order
from shopgraph.schema.types import Money, ProductAttribute, StoreConfig


@strawberry.type(name="Variant")
class AdminVariant:
    row: strawberry.Private[VariantRow]
    currency: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def product_id(self) -> strawberry.ID:
        return strawberry.ID(self.row.product_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def sku(self) -> str:
        return self.row.sku

    @strawberry.field
    def price(self) -> Money:
        return Money.of(self.row.price_minor, self.currency)

    @described.field(description="null: not tracked")
    def stock(self) -> int | None:
        return self.row.stock

    @strawberry.field
    def low_stock_threshold(self) -> int | None:
        return self.row.low_stock_threshold

    @strawberry.field
    def options(self) -> JSON:
        return cast(JSON, self.row.options)

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def created_at(self) -> float:
        return self.row.created_at

    @strawberry.field
    def updated_at(self) -> float:
        return self.row.updated_at


@strawberry.type(name="Product")
class AdminProduct:
    record: strawberry.Private[ProductRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.product.id)

    @strawberry.field
    def slug(self) -> str:
        return self.record.product.slug

    @strawberry.field
    def name(self) -> str:
        return self.record.product.name

    @strawberry.field
    def description(self) -> str:
        return self.record.product.description

    @described.field(description="active (on the storefront), draft or archived")
    def status(self) -> str:
        return self.record.product.status

    @strawberry.field
    def price(self) -> Money:
        return Money.of(self.record.product.price_minor, self.record.currency)

    @strawberry.field
    def compare_at_price(self) -> Money | None:
        minor = self.record.product.compare_at_price_minor
        return None if minor is None else Money.of(minor, self.record.currency)

    @strawberry.field
    def images(self) -> list[str]:
        return list(self.record.product.images)

    @strawberry.field
    def category_id(self) -> strawberry.ID | None:
        category_id = self.record.product.category_id
        return None if category_id is None else strawberry.ID(category_id)

    @strawberry.field
    def attributes(self) -> list[ProductAttribute]:
        return [ProductAttribute(name=name, value=value) for name, value in self.record.product.attributes.items()]

    @described.field(description="units available: the product's own, or the sum of its variants'; null: not tracked")
    def stock(self) -> int | None:
        return self.record.stock

    @strawberry.field
    def in_stock(self) -> bool:
        return self.record.in_stock

    @strawberry.field
    def low_stock_threshold(self) -> int | None:
        return self.record.product.low_stock_threshold

    @strawberry.field
    def variants(self) -> list[AdminVariant]:
        return [AdminVariant(row=variant, currency=self.record.currency) for variant in self.record.variants]

    @strawberry.field
    def created_at(self) -> float:
        return self.record.product.created_at

    @strawberry.field
    def updated_at(self) -> float:
        return self.record.product.updated_at


@strawberry.type(name="ProductPage")
class AdminProductPage:
    items: list[AdminProduct]
    total: int
    page: int
    limit: int

    @classmethod
    def of(cls, page: ProductRecordPage) -> AdminProductPage:
        items = [AdminProduct(record=record) for record in page.items]
        return cls(items=items, total=page.total, page=page.page, limit=page.limit)


@strawberry.type(name="Category")
class AdminCategory:
    row: strawberry.Private[CategoryRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def parent_id(self) -> strawberry.ID | None:
        return None if self.row.parent_id is None else strawberry.ID(self.row.parent_id)

    @strawberry.field
    def position(self) -> int:
        return self.row.position


@strawberry.type(name="Coupon")
class AdminCoupon:
    record: strawberry.Private[CouponRecord]

    @property
    def _rule(self) -> CouponRule:
        return CouponRule.from_row(self.record.coupon)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.coupon.id)

    @strawberry.field
    def code(self) -> str:
        return self.record.coupon.code

    @described.field(description="percentage, fixed or free_shipping")
    def type(self) -> str:
        return self.record.coupon.type

    @described.field(description="the percentage, or the amount off in main units; 0 for free_shipping")
    def value(self) -> Decimal:
        return coupon_value(self._rule, self.record.currency)

    @strawberry.field
    def active(self) -> bool:
        return self.record.coupon.active

    @strawberry.field
    def starts_at(self) -> float | None:
        return self.record.coupon.starts_at

    @strawberry.field
    def ends_at(self) -> float | None:
        return self.record.coupon.ends_at

    @strawberry.field
    def min_subtotal(self) -> Money | None:
        minor = self.record.coupon.min_subtotal_minor
        return None if minor is None else Money.of(minor, self.record.currency)

    @strawberry.field
    def usage_limit(self) -> int | None:
        return self.record.coupon.usage_limit

    @strawberry.field
    def used_count(self) -> int:
        return self.record.coupon.used_count

    @strawberry.field
    def once_per_customer(self) -> bool:
        return self.record.coupon.once_per_customer

    @described.field(description="empty, with categoryIds empty too: every product")
    def product_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(item) for item in self.record.coupon.product_ids]

    @strawberry.field
    def category_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(item) for item in self.record.coupon.category_ids]

    @strawberry.field
    def created_at(self) -> float:
        return self.record.coupon.created_at


@strawberry.type(description="which payment keys are set; their values are never shown")
class PaymentKeysSet:
    stripe_secret_key: bool
    stripe_publishable_key: bool
    stripe_webhook_secret: bool
    razorpay_key_id: bool
    razorpay_key_secret: bool
    razorpay_webhook_secret: bool


@strawberry.type(name="StoreConfig")
class AdminStoreConfig(StoreConfig):
    settings: strawberry.Private[AdminStoreConfigModel]

    @classmethod
    def of(cls, settings: AdminStoreConfigModel) -> AdminStoreConfig:
        return cls(model=settings.config, settings=settings)

    @strawberry.field
    def stripe_mode(self) -> str | None:
        return self.settings.stripe_mode

    @strawberry.field
    def storefront_url(self) -> str | None:
        return self.settings.storefront_url

    @strawberry.field
    def contact_email(self) -> str | None:
        return self.settings.contact_email

    @strawberry.field
    def cors_origins(self) -> list[str]:
        return list(self.settings.config.cors_origins)

    @strawberry.field
    def domains(self) -> list[str]:
        return list(self.settings.domains)

    @strawberry.field
    def pending_order_ttl_minutes(self) -> int:
        return self.settings.pending_order_ttl_minutes

    @strawberry.field
    def payment_keys_set(self) -> PaymentKeysSet:
        return PaymentKeysSet(**self.settings.payment_keys_set)


@strawberry.type(name="Order")
class AdminOrder(Order):
    @strawberry.field
    def customer_phone(self) -> str | None:
        return self.found.order.customer_phone

    @described.field(description="the payment provider's id of this payment (cs_..., pi_..., order_...)")
    def payment_reference(self) -> str | None:
        return self.found.order.provider_reference

    @strawberry.field
    def expires_at(self) -> float | None:
        return self.found.order.expires_at

    @strawberry.field
    def cancelled_at(self) -> float | None:
        return self.found.order.cancelled_at

    @strawberry.field
    def updated_at(self) -> float:
        return self.found.order.updated_at


@strawberry.type(name="OrderPage")
class AdminOrderPage:
    items: list[AdminOrder]
    total: int
    page: int
    limit: int

    @classmethod
    def of(cls, page: AdminOrderPageModel) -> AdminOrderPage:
        items = [AdminOrder(found=found) for found in page.orders]
        return cls(items=items, total=page.total, page=page.page, limit=page.limit)
