"""The outbox as tests read it, and the worker run over it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from shopgraph.db.models import OutboxMessage
from shopgraph.delivery.worker import Worker
from shopgraph.domain.events.outbox import Topic
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.factories import Store


async def run_worker(settings: Settings, runtime: Runtime, rounds: int = 1) -> dict[str, int]:
    """What the last round did, job by job."""
    worker = Worker(settings, runtime.database)
    done: dict[str, int] = {}
    for _ in range(rounds):
        done = await worker.run_once()
    return done


async def merchant_events(runtime: Runtime, event_type: str) -> list[dict[str, Any]]:
    """The bodies of the merchant events of one type in the outbox, oldest first."""
    async with runtime.database.read() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload)
                .where(OutboxMessage.topic == Topic.MERCHANT_EVENT)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        ).all()
    return [payload for payload in payloads if payload["type"] == event_type]


async def merchant_event_types(runtime: Runtime, store: Store) -> list[str]:
    """The types of the store's merchant events in the outbox, sorted (two may share a millisecond)."""
    async with runtime.database.read() as session:
        payloads = await session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.project_id == store.id, OutboxMessage.topic == Topic.MERCHANT_EVENT
            )
        )
        return sorted(payload["type"] for payload in payloads)


async def outbox_topics(runtime: Runtime, store: Store) -> dict[str, int]:
    async with runtime.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage.topic, func.count())
            .where(OutboxMessage.project_id == store.id)
            .group_by(OutboxMessage.topic)
        )
        return {topic: count for topic, count in rows.all()}


async def outbox_count(runtime: Runtime, topic: str) -> int:
    async with runtime.database.read() as session:
        return await session.scalar(select(func.count()).where(OutboxMessage.topic == topic)) or 0
