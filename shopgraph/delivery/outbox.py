"""Claiming due outbox messages and recording each attempt.

A claim sets a lease (`locked_until`) in a short transaction (the worker's email lane records the emails that
finished in the same one), so a worker that dies mid-delivery leaves a message that becomes due again when the lease
runs out. On PostgreSQL the claim skips rows other workers hold (`FOR UPDATE SKIP LOCKED`); on SQLite,
`BEGIN IMMEDIATE` makes claims take turns.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, OutboxMessage, WebhookDelivery, WebhookEndpoint
from shopgraph.ids import now_ms

LEASE_MS = 60_000
JITTER = 0.2


async def claim_due(
    database: Database, topics: Sequence[str], *, limit: int = 20, now: int | None = None
) -> list[OutboxMessage]:
    async with database.write() as session:
        return await claim_due_in(session, topics, limit=limit, now=now)


async def claim_due_in(
    session: AsyncSession, topics: Sequence[str], *, limit: int, now: int | None = None
) -> list[OutboxMessage]:
    moment = now_ms() if now is None else now
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == DeliveryStatus.PENDING,
            OutboxMessage.topic.in_(topics),
            OutboxMessage.next_attempt_at <= moment,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < moment),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    messages = list((await session.scalars(query)).all())
    if messages:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([message.id for message in messages]))
            .values(locked_until=moment + LEASE_MS, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    for message in messages:
        message.attempts += 1
    return messages


def next_delay_seconds(attempts: int, schedule: Sequence[int]) -> float | None:
    """The wait before the next attempt after `attempts` failed ones, with up to 20 % jitter; None: give up."""
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    return base * (1 + random.uniform(0, JITTER))


async def record_delivered(session: AsyncSession, message_ids: Sequence[str]) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids))
        .values(status=DeliveryStatus.DELIVERED, delivered_at=now_ms(), locked_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def record_not_sent(session: AsyncSession, message_ids: Sequence[str], reason: str) -> None:
    """Kept for the merchant to read, never reported as delivered."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids))
        .values(status=DeliveryStatus.NOT_SENT, locked_until=None, last_error=reason)
        .execution_options(synchronize_session=False)
    )


async def record_failure(session: AsyncSession, message_id: str, error: str, retry_at: int | None) -> None:
    """Schedules the next attempt at `retry_at`, or (None) fails the message for good."""
    values: dict[str, object] = {"last_error": error[:2000], "locked_until": None}
    if retry_at is None:
        values["status"] = DeliveryStatus.FAILED
    else:
        values["next_attempt_at"] = retry_at
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Backlog:
    """What the worker still has to do, for the `/metrics` gauges."""

    messages: int
    webhook_deliveries: int
    endpoints_backed_off: int
    endpoints_disabled: int

    @property
    def pending(self) -> int:
        """Everything not yet delivered (and not failed for good): emails, events not fanned out, deliveries."""
        return self.messages + self.webhook_deliveries


async def count_pending(database: Database) -> Backlog:
    now = now_ms()
    async with database.read() as session:
        messages = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == DeliveryStatus.PENDING)
        )
        deliveries = await session.scalar(
            select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        )
        endpoints = (
            await session.execute(
                select(
                    func.count().filter(WebhookEndpoint.circuit_open_until > now),
                    func.count().filter(WebhookEndpoint.enabled.is_(False)),
                ).select_from(WebhookEndpoint)
            )
        ).one()
    return Backlog(int(messages or 0), int(deliveries or 0), int(endpoints[0] or 0), int(endpoints[1] or 0))
