"""Merchant events (`order.paid`, `inventory.low`, ...): written to the outbox in the transaction they report."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Project
from shopgraph.domain.events.outbox import Topic, enqueue
from shopgraph.ids import new_id, now_ms


class EventType(StrEnum):
    ORDER_CREATED = "order.created"
    ORDER_PAID = "order.paid"
    ORDER_SHIPPED = "order.shipped"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_REFUNDED = "order.refunded"
    INVENTORY_LOW = "inventory.low"


EVENT_TYPES = tuple(EventType)


async def emit(
    session: AsyncSession, project_id: str, event_type: EventType, data: dict[str, Any], *, slug: str | None = None
) -> str:
    """Writes the event with its final body (id, type, created_at, project, data); returns the event id. A caller
    that knows the project's slug passes it, and saves reading it."""
    if slug is None:
        slug = await session.scalar(select(Project.slug).where(Project.id == project_id))
    event_id = new_id("evt")
    event = {"id": event_id, "type": event_type, "created_at": now_ms(), "project": slug, "data": data}
    await enqueue(session, project_id, Topic.MERCHANT_EVENT, event, dedupe_key=f"{Topic.MERCHANT_EVENT}:{event_id}")
    return event_id
