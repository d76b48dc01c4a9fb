"""The store's order emails as the merchant reads them: each outbox message with its state and its order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import DeliveryStatus, Order, OutboxMessage
from shopgraph.domain.events.outbox import Topic

EMAIL_TOPICS = (Topic.ORDER_CONFIRMATION_EMAIL, Topic.ORDER_SHIPPED_EMAIL)
NOT_SENT_LABEL = "not sent: no SMTP configured"


@dataclass(frozen=True)
class OrderEmailRecord:
    message: OutboxMessage
    order_number: str | None
    order_id: str | None

    @property
    def state(self) -> str:
        """`sent`, `retrying` (pending after a failed attempt), `queued`, `failed`, or not sent and why."""
        status = self.message.status
        if status == DeliveryStatus.DELIVERED:
            return "sent"
        if status == DeliveryStatus.NOT_SENT:
            return self.message.last_error or NOT_SENT_LABEL
        if status == DeliveryStatus.FAILED:
            return "failed"
        return "retrying" if self.message.attempts > 0 and self.message.last_error else "queued"


async def order_emails(session: AsyncSession, project_id: str, *, limit: int = 100) -> tuple[OrderEmailRecord, ...]:
    """The most recent order emails, newest first."""
    rows = await session.execute(
        select(OutboxMessage, Order.order_number, Order.id)
        .outerjoin(Order, Order.id == OutboxMessage.payload["order_id"].as_string())
        .where(OutboxMessage.project_id == project_id, OutboxMessage.topic.in_(EMAIL_TOPICS))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return tuple(OrderEmailRecord(message, number, order_id) for message, number, order_id in rows)


async def order_email(session: AsyncSession, project_id: str, message_id: str) -> OrderEmailRecord | None:
    row = (
        await session.execute(
            select(OutboxMessage, Order.order_number, Order.id)
            .outerjoin(Order, Order.id == OutboxMessage.payload["order_id"].as_string())
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.project_id == project_id,
                OutboxMessage.topic.in_(EMAIL_TOPICS),
            )
        )
    ).first()
    return None if row is None else OrderEmailRecord(row[0], row[1], row[2])
