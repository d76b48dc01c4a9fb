"""Storefront types: thin views over the domain's read models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from shopgraph import money
from shopgraph.domain.catalog.snapshot import CategoryView, ProductSort, ProductView, VariantView
from shopgraph.domain.stores.config import StoreConfig as StoreConfigModel


@strawberry.type
class Money:
    amount: Decimal
    amount_minor: int
    currency: str

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=money.to_decimal(minor, currency), amount_minor=minor, currency=currency)


strawberry.enum(ProductSort)


@strawberry.input
class AttributeFilter:
    name: str
    value: str


@strawberry.type
class ProductAttribute:
    name: str
    value: JSON


@strawberry.type
class StoreConfig:
    model: strawberry.Private[StoreConfigModel]

    @strawberry.field
    def default_currency(self) -> str:
        return self.model.default_currency

    @strawberry.field
    def currency_symbol(self) -> str:
        return self.model.currency_symbol

    @strawberry.field
    def tax_percentage(self) -> Decimal:
        return self.model.tax_percentage

    @strawberry.field
    def flat_shipping_rate(self) -> Money:
        return Money.of(self.model.flat_shipping_rate_minor, self.model.default_currency)

    @strawberry.field
    def free_shipping_threshold(self) -> Money | None:
        threshold = self.model.free_shipping_threshold_minor
        return None if threshold is None else Money.of(threshold, self.model.default_currency)

    @strawberry.field
    def shipping_enabled(self) -> bool:
        return self.model.shipping_enabled

    @strawberry.field
    def payment_provider(self) -> str:
        return self.model.payment_provider

    @strawberry.field
    def stripe_publishable_key(self) -> str | None:
        return self.model.stripe_publishable_key

    @strawberry.field
    def razorpay_key_id(self) -> str | None:
        return self.model.razorpay_key_id


@strawberry.type
class Category:
    view: strawberry.Private[CategoryView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def slug(self) -> str:
        return self.view.slug

    @strawberry.field
    def description(self) -> str:
        return self.view.description

    @strawberry.field
    def parent_id(self) -> strawberry.ID | None:
        return None if self.view.parent_id is None else strawberry.ID(self.view.parent_id)

    @strawberry.field
    def position(self) -> int:
        return self.view.position

    @strawberry.field
    def children(self) -> list[Category]:
        return [Category(view=child) for child in self.view.children]


@strawberry.type
class Variant:
    view: strawberry.Private[VariantView]
    currency: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def sku(self) -> str:
        return self.view.sku

    @strawberry.field
    def price(self) -> Money:
        return Money.of(self.view.price_minor, self.currency)

    @strawberry.field
    def stock(self) -> int | None:
        return self.view.stock

    @strawberry.field
    def in_stock(self) -> bool:
        return self.view.in_stock

    @strawberry.field
    def options(self) -> JSON:
        return cast(JSON, self.view.options)


@strawberry.type
class Product:
    view: strawberry.Private[ProductView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def slug(self) -> str:
        return self.view.slug

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def description(self) -> str:
        return self.view.description

    @strawberry.field
    def price(self) -> Money:
        return Money.of(self.view.price_minor, self.view.currency)

    @strawberry.field
    def compare_at_price(self) -> Money | None:
        minor = self.view.compare_at_price_minor
        return None if minor is None else Money.of(minor, self.view.currency)

    @strawberry.field
    def currency(self) -> str:
        return self.view.currency

    @strawberry.field
    def images(self) -> list[str]:
        return list(self.view.images)

    @strawberry.field
    def category_id(self) -> strawberry.ID | None:
        return None if self.view.category_id is None else strawberry.ID(self.view.category_id)

    @strawberry.field
    async def category(self, info: Info) -> Category | None:
        if self.view.category_id is None:
            return None
        snapshot = await info.context.catalog()
        view = snapshot.categories_by_id.get(self.view.category_id)
        return None if view is None else Category(view=view)

    @strawberry.field
    def attributes(self) -> list[ProductAttribute]:
        return [ProductAttribute(name=name, value=value) for name, value in self.view.attributes.items()]

    @strawberry.field
    def stock(self) -> int | None:
        return self.view.stock

    @strawberry.field
    def in_stock(self) -> bool:
        return self.view.in_stock

    @strawberry.field
    def variants(self) -> list[Variant]:
        return [Variant(view=variant, currency=self.view.currency) for variant in self.view.variants]

    @strawberry.field
    def created_at(self) -> float:
        return self.view.created_at

    @strawberry.field
    def updated_at(self) -> float:
        return self.view.updated_at


@strawberry.type
class ProductPage:
    items: list[Product]
    total: int
    page: int
    limit: int


def product_or_none(view: Any) -> Product | None:
    return None if view is None else Product(view=view)
