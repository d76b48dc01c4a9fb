"""Inputs of the admin schema. A field left out is left unchanged: `given` hands the domain only what was given."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from shopgraph.db.models import CouponType, ProductStatus

UNSET: Any = strawberry.UNSET


strawberry.enum(ProductStatus)
strawberry.enum(CouponType)


@strawberry.input(description="a variant; its price defaults to the product's")
class VariantInput:
    name: str
    sku: str
    price: Decimal | None = UNSET
    stock: int | None = strawberry.field(default=UNSET, description="null or left out: not tracked")
    low_stock_threshold: int | None = UNSET
    options: JSON | None = UNSET
    position: int | None = UNSET


@strawberry.input
class VariantUpdateInput:
    name: str | None = UNSET
    sku: str | None = UNSET
    price: Decimal | None = UNSET
    low_stock_threshold: int | None = UNSET
    options: JSON | None = UNSET
    position: int | None = UNSET


@strawberry.input(description="amounts in the store's currency, main units (29.99)")
class ProductCreateInput:
    name: str
    price: Decimal
    slug: str | None = strawberry.field(default=UNSET, description="made from the name when left out")
    description: str | None = UNSET
    compare_at_price: Decimal | None = UNSET
    category_id: strawberry.ID | None = UNSET
    images: list[str] | None = UNSET
    attributes: JSON | None = strawberry.field(default=UNSET, description='an object such as {"color": "red"}')
    status: ProductStatus | None = UNSET
    stock: int | None = strawberry.field(default=UNSET, description="for a product without variants; null: untracked")
    low_stock_threshold: int | None = UNSET
    variants: list[VariantInput] | None = UNSET


@strawberry.input(description="stock is changed with inventorySet, variants with variantCreate/Update/Delete")
class ProductUpdateInput:
    name: str | None = UNSET
    price: Decimal | None = UNSET
    slug: str | None = UNSET
    description: str | None = UNSET
    compare_at_price: Decimal | None = UNSET
    category_id: strawberry.ID | None = UNSET
    images: list[str] | None = UNSET
    attributes: JSON | None = strawberry.field(default=UNSET, description="replaces every attribute")
    status: ProductStatus | None = UNSET
    low_stock_threshold: int | None = UNSET


@strawberry.input
class CategoryCreateInput:
    name: str
    slug: str | None = strawberry.field(default=UNSET, description="made from the name when left out")
    parent_id: strawberry.ID | None = UNSET
    description: str | None = UNSET
    position: int | None = UNSET


@strawberry.input
class CategoryUpdateInput:
    name: str | None = UNSET
    slug: str | None = UNSET
    parent_id: strawberry.ID | None = strawberry.field(default=UNSET, description="null: a root category")
    description: str | None = UNSET
    position: int | None = UNSET


@strawberry.input(description="value: the percentage (10 = 10 %) or the amount off; none for FREE_SHIPPING")
class CouponCreateInput:
    code: str
    type: CouponType
    value: Decimal | None = UNSET
    active: bool | None = UNSET
    starts_at: float | None = strawberry.field(default=UNSET, description="epoch milliseconds")
    ends_at: float | None = strawberry.field(default=UNSET, description="epoch milliseconds, after startsAt")
    min_subtotal: Decimal | None = UNSET
    usage_limit: int | None = UNSET
    once_per_customer: bool | None = UNSET
    product_ids: list[strawberry.ID] | None = UNSET
    category_ids: list[strawberry.ID] | None = UNSET


@strawberry.input
class CouponUpdateInput:
    code: str | None = UNSET
    type: CouponType | None = UNSET
    value: Decimal | None = UNSET
    active: bool | None = UNSET
    starts_at: float | None = UNSET
    ends_at: float | None = UNSET
    min_subtotal: Decimal | None = UNSET
    usage_limit: int | None = UNSET
    once_per_customer: bool | None = UNSET
    product_ids: list[strawberry.ID] | None = UNSET
    category_ids: list[strawberry.ID] | None = UNSET


@strawberry.input(description="the settings of `shopgraph project set`; null clears an optional one")
class StoreConfigInput:
    default_currency: str | None = UNSET
    tax_percentage: Decimal | None = UNSET
    flat_shipping_rate: Decimal | None = UNSET
    free_shipping_threshold: Decimal | None = UNSET
    shipping_enabled: bool | None = UNSET
    payment_provider: str | None = strawberry.field(default=UNSET, description="stripe, razorpay or manual")
    stripe_mode: str | None = strawberry.field(default=UNSET, description="checkout_session or payment_intent")
    stripe_secret_key: str | None = UNSET
    stripe_publishable_key: str | None = UNSET
    stripe_webhook_secret: str | None = UNSET
    razorpay_key_id: str | None = UNSET
    razorpay_key_secret: str | None = UNSET
    razorpay_webhook_secret: str | None = UNSET
    storefront_url: str | None = UNSET
    contact_email: str | None = strawberry.field(
        default=UNSET, description="where the store's operational notices go (a webhook endpoint disabled, ...)"
    )
    cors_origins: list[str] | None = UNSET
    domains: list[str] | None = UNSET
    pending_order_ttl_minutes: int | None = UNSET
