"""The guides' snake_case shapes: money as main-unit numbers, times as epoch milliseconds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopgraph.db.models import CouponType, Order, OrderItem
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.coupon_checks import CouponCheck
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.carts.reads import CartLine, CartView
from shopgraph.domain.catalog.queries import ProductPage
from shopgraph.domain.catalog.snapshot import CategoryView, ProductView, VariantView
from shopgraph.domain.checkout.flow import CheckoutResult
from shopgraph.domain.orders.reads import OrderPage, OrderWithItems
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.money import percent_from_basis_points, to_json_number


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


def coupon_value(coupon: CouponRule, currency: str) -> int | float:
    if coupon.type == CouponType.PERCENTAGE:
        return number(percent_from_basis_points(coupon.percent_basis_points or 0))
    if coupon.type == CouponType.FIXED:
        return to_json_number(coupon.amount_minor or 0, currency)
    return 0


def cart_line_json(line: CartLine, currency: str) -> dict[str, Any]:
    previous = line.previous_unit_price_minor
    return {
        "id": line.id,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "name": line.name,
        "variant_name": line.variant_name,
        "sku": line.sku,
        "slug": line.slug,
        "image": line.image,
        "unit_price": to_json_number(line.unit_price_minor, currency),
        "quantity": line.quantity,
        "line_total": to_json_number(line.line_total_minor, currency),
        "discount": to_json_number(line.discount_minor, currency),
        "issues": list(line.issues),
        "available_quantity": line.available_quantity,
        "previous_unit_price": None if previous is None else to_json_number(previous, currency),
    }


def cart_json(cart: CartView) -> dict[str, Any]:
    currency = cart.currency
    totals = cart.totals
    coupon = cart.coupon
    return {
        "id": cart.id,
        "currency": currency,
        "items": [cart_line_json(line, currency) for line in cart.lines],
        "item_count": cart.item_count,
        "coupon": None
        if coupon is None
        else {
            "code": coupon.code,
            "type": coupon.type,
            "value": coupon_value(coupon, currency),
            "applied": cart.coupon_applied,
        },
        "coupon_error": None
        if cart.coupon_problem is None
        else {"reason": cart.coupon_problem, "message": coupons.MESSAGES[cart.coupon_problem]},
        "subtotal": to_json_number(totals.subtotal_minor, currency),
        "discount_total": to_json_number(totals.discount_total_minor, currency),
        "tax_total": to_json_number(totals.tax_total_minor, currency),
        "shipping_total": to_json_number(totals.shipping_total_minor, currency),
        "grand_total": to_json_number(totals.grand_total_minor, currency),
        "updated_at": cart.updated_at,
    }


def coupon_check_json(check: CouponCheck, currency: str) -> dict[str, Any]:
    if not check.valid:
        return {"valid": False, "code": check.code, "reason": check.reason, "message": check.message}
    coupon = check.coupon
    assert coupon is not None
    discount = check.discount_minor
    return {
        "valid": True,
        "code": coupon.code,
        "type": coupon.type,
        "value": coupon_value(coupon, currency),
        "discount_amount": None if discount is None else to_json_number(discount, currency),
        "message": check.message,
    }


def order_item_json(item: OrderItem, currency: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "product_id": item.product_id,
        "variant_id": item.variant_id,
        "name": item.name,
        "variant_name": item.variant_name,
        "sku": item.sku,
        "slug": item.slug,
        "image": item.image,
        "unit_price": to_json_number(item.unit_price_minor, currency),
        "quantity": item.quantity,
        "line_total": to_json_number(item.line_total_minor, currency),
        "discount": to_json_number(item.discount_minor, currency),
    }


def order_summary_json(order: Order, item_count: int | None = None) -> dict[str, Any]:
    currency = order.currency
    summary = {
        "id": order.id,
        "order_number": order.order_number,
        "status": order.status,
        "payment_status": order.payment_status,
        "currency": currency,
        "grand_total": to_json_number(order.grand_total_minor, currency),
        "created_at": order.created_at,
    }
    if item_count is not None:
        summary["item_count"] = item_count
    return summary


def order_json(found: OrderWithItems) -> dict[str, Any]:
    order = found.order
    currency = order.currency
    return {
        **order_summary_json(order, sum(item.quantity for item in found.items)),
        "email": order.email,
        "customer_name": order.customer_name,
        "customer_phone": order.customer_phone,
        "items": [order_item_json(item, currency) for item in found.items],
        "subtotal": to_json_number(order.subtotal_minor, currency),
        "discount_total": to_json_number(order.discount_total_minor, currency),
        "tax_total": to_json_number(order.tax_total_minor, currency),
        "shipping_total": to_json_number(order.shipping_total_minor, currency),
        "coupon_code": order.coupon_code,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "payment_provider": order.provider,
        "tracking_number": order.tracking_number,
        "carrier": order.carrier,
        "paid_at": order.paid_at,
        "cancelled_at": order.cancelled_at,
        "updated_at": order.updated_at,
    }


def order_page_json(page: OrderPage) -> dict[str, Any]:
    return {
        "orders": [order_summary_json(order, page.item_counts.get(order.id, 0)) for order in page.orders],
        "total": page.total,
        "page": page.page,
        "limit": page.limit,
    }


def checkout_json(result: CheckoutResult) -> dict[str, Any]:
    payment = result.payment
    return {
        "success": True,
        "order": order_json(result.order),
        "payment": payment,
        "orderId": result.order.order.id,
        "paymentIntent": payment.get("client_secret"),
    }
