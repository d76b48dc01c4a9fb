"""Merchant events about an order (`order.created`, `order.paid`, ...): the order as it is now, in the body every
endpoint receives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem
from shopgraph.domain.events.merchant_events import EventType, emit
from shopgraph.domain.orders.reads import order_items
from shopgraph.money import to_json_number


def order_data(order: Order, items: Sequence[OrderItem]) -> dict[str, Any]:
    currency = order.currency
    return {
        "order": {
            "id": order.id,
            "order_number": order.order_number,
            "status": order.status,
            "payment_status": order.payment_status,
            "payment_provider": order.provider,
            "email": order.email,
            "customer_name": order.customer_name,
            "currency": currency,
            "subtotal": to_json_number(order.subtotal_minor, currency),
            "discount_total": to_json_number(order.discount_total_minor, currency),
            "tax_total": to_json_number(order.tax_total_minor, currency),
            "shipping_total": to_json_number(order.shipping_total_minor, currency),
            "grand_total": to_json_number(order.grand_total_minor, currency),
            "grand_total_minor": order.grand_total_minor,
            "coupon_code": order.coupon_code,
            "shipping_address": order.shipping_address,
            "tracking_number": order.tracking_number,
            "carrier": order.carrier,
            "items": [
                {
                    "product_id": item.product_id,
                    "variant_id": item.variant_id,
                    "name": item.name,
                    "variant_name": item.variant_name,
                    "sku": item.sku,
                    "quantity": item.quantity,
                    "unit_price": to_json_number(item.unit_price_minor, currency),
                    "line_total": to_json_number(item.line_total_minor, currency),
                }
                for item in items
            ],
            "created_at": order.created_at,
            "paid_at": order.paid_at,
        }
    }


async def emit_order_event(session: AsyncSession, order: Order, event_type: EventType) -> str:
    """The order as it is now in this transaction (its state re-read after conditional updates)."""
    current = await session.get(Order, order.id, populate_existing=True)
    assert current is not None
    items = await order_items(session, current.id)
    return await emit(session, current.project_id, event_type, order_data(current, items))
