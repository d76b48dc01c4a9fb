"""The outbox: messages written in the transaction that causes them, delivered later by the worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import OutboxMessage
from shopgraph.db.upsert import insert_for
from shopgraph.ids import new_id, now_ms

ORDER_CONFIRMATION_EMAIL = "email.order_confirmation"
ORDER_SHIPPED_EMAIL = "email.order_shipped"


async def enqueue(
    session: AsyncSession, project_id: str, topic: str, payload: dict[str, Any], *, dedupe_key: str | None = None
) -> None:
    """Adds a message; with a `dedupe_key`, a second message with the same key is silently dropped."""
    now = now_ms()
    statement = insert_for(session, OutboxMessage.__table__).values(
        id=new_id("msg"),
        project_id=project_id,
        topic=topic,
        dedupe_key=dedupe_key,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(statement)


async def enqueue_order_confirmation(session: AsyncSession, project_id: str, order_id: str) -> None:
    await enqueue(
        session,
        project_id,
        ORDER_CONFIRMATION_EMAIL,
        {"order_id": order_id},
        dedupe_key=f"{ORDER_CONFIRMATION_EMAIL}:{order_id}",
    )
