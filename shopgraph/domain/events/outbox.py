"""The outbox: messages written in the transaction that causes them, delivered later by the worker."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import DeliveryStatus, OutboxMessage
from shopgraph.db.notify import announce
from shopgraph.db.statements import insert_for
from shopgraph.ids import new_id, now_ms


class Topic(StrEnum):
    """What an outbox message is, and so which of the worker's jobs delivers it."""

    ORDER_CONFIRMATION_EMAIL = "email.order_confirmation"
    ORDER_SHIPPED_EMAIL = "email.order_shipped"
    # To the store's contact address: one of its webhook endpoints was disabled automatically.
    ENDPOINT_DISABLED_EMAIL = "email.endpoint_disabled"
    # A merchant event; the worker fans each one out to the endpoints subscribed to it.
    MERCHANT_EVENT = "merchant.event"


# Announced (see `db.notify`) with the topic, or `WEBHOOK_DELIVERIES_DUE`, once new work for the worker commits.
CHANNEL = "shopgraph_outbox"
WEBHOOK_DELIVERIES_DUE = "webhook.delivery"


async def enqueue(
    session: AsyncSession, project_id: str, topic: Topic, payload: dict[str, Any], *, dedupe_key: str | None = None
) -> None:
    """Adds a message; with a `dedupe_key`, a second message with the same key is silently dropped."""
    now = now_ms()
    statement = insert_for(session, OutboxMessage.__table__).values(
        id=new_id("msg"),
        project_id=project_id,
        topic=topic,
        dedupe_key=dedupe_key,
        payload=payload,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(statement)
    await announce(session, CHANNEL, topic)


async def enqueue_order_email(session: AsyncSession, project_id: str, topic: Topic, order_id: str) -> None:
    """An email about an order, at most once per order and kind."""
    await enqueue(session, project_id, topic, {"order_id": order_id}, dedupe_key=f"{topic}:{order_id}")
