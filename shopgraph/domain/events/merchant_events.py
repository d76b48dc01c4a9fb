"""Merchant events (`order.paid`, `inventory.low`, ...): written to the outbox in the transaction they report."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Order, OrderItem, Project
from shopgraph.domain.events.outbox import Topic, enqueue
from shopgraph.ids import new_id, now_ms
from shopgraph.money import to_json_number


class EventType(StrEnum):
    ORDER_CREATED = "order.created"
    ORDER_PAID = "order.paid"
    ORDER_SHIPPED = "order.shipped"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_REFUNDED = "order.refunded"
    INVENTORY_LOW = "inventory.low"


EVENT_TYPES = tuple(EventType)


async def emit(session: AsyncSession, project_id: str, event_type: EventType, data: dict[str, Any]) -> str:
    """Writes the event with its final body (id, type, created_at, project, data); returns the event id."""
    slug = await session.scalar(select(Project.slug).where(Project.id == project_id))
    event_id = new_id("evt")
    event = {"id": event_id, "type": event_type, "created_at": now_ms(), "project": slug, "data": data}
    await enqueue(session, project_id, Topic.MERCHANT_EVENT, event, dedupe_key=f"{Topic.MERCHANT_EVENT}:{event_id}")
    return event_id


def _money(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": to_json_number(minor, currency), "amount_minor": minor, "currency": currency}


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
    order = current
    items = (
        await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.position))
    ).all()
    return await emit(session, order.project_id, event_type, order_data(order, items))
