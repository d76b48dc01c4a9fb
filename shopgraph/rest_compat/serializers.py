"""The guides' snake_case shapes: money as main-unit numbers, times as epoch milliseconds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopgraph.money import to_json_number
from shopgraph.resolvers.catalog import CategoryView, ProductPage, ProductView, VariantView
from shopgraph.resolvers.store_settings import StoreConfig


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def config_json(config: StoreConfig) -> dict[str, Any]:
    currency = config.default_currency
    threshold = config.free_shipping_threshold_minor
    return {
        "default_currency": currency,
        "currency_symbol": config.currency_symbol,
        "tax_percentage": number(config.tax_percentage),
        "flat_shipping_rate": to_json_number(config.flat_shipping_rate_minor, currency),
        "free_shipping_threshold": None if threshold is None else to_json_number(threshold, currency),
        "shipping_enabled": config.shipping_enabled,
        "payment_provider": config.payment_provider,
        "stripe_publishable_key": config.stripe_publishable_key,
        "razorpay_key_id": config.razorpay_key_id,
    }


def variant_json(variant: VariantView, currency: str) -> dict[str, Any]:
    return {
        "id": variant.id,
        "name": variant.name,
        "sku": variant.sku,
        "price": to_json_number(variant.price_minor, currency),
        "stock": variant.stock,
        "in_stock": variant.in_stock,
        "options": variant.options,
    }


def product_json(product: ProductView) -> dict[str, Any]:
    currency = product.currency
    compare_at = product.compare_at_price_minor
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "description": product.description,
        "price": to_json_number(product.price_minor, currency),
        "compare_at_price": None if compare_at is None else to_json_number(compare_at, currency),
        "currency": currency,
        "images": list(product.images),
        "category_id": product.category_id,
        "attributes": product.attributes,
        "stock": product.stock,
        "in_stock": product.in_stock,
        "variants": [variant_json(variant, currency) for variant in product.variants],
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def product_page_json(page: ProductPage) -> dict[str, Any]:
    return {
        "products": [product_json(product) for product in page.items],
        "total": page.total,
        "page": page.page,
        "limit": page.limit,
    }


def category_json(category: CategoryView) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "parent_id": category.parent_id,
        "position": category.position,
        "children": [category_json(child) for child in category.children],
    }
