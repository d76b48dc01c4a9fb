"""Fan-out: each merchant event in the outbox becomes one delivery per endpoint subscribed to it.

A batch of events is turned into deliveries and marked done in one transaction, and a delivery is unique per
(endpoint, event), so a batch that runs twice (a worker that died after its claim) creates nothing new.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select, update

from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, OutboxMessage, WebhookDelivery, WebhookEndpoint
from shopgraph.db.statements import insert_for
from shopgraph.delivery.outbox import claim_due_in
from shopgraph.domain.events.outbox import Topic
from shopgraph.ids import new_id, now_ms

FAN_OUT_BATCH = 100


def encode_body(event: dict[str, Any]) -> str:
    """The exact text every attempt of every delivery of this event sends."""
    return json.dumps(event, separators=(",", ":"))


def subscribes(events: Sequence[str], event_type: str) -> bool:
    return not events or event_type in events


def _deliveries(messages: Sequence[OutboxMessage], endpoints: Sequence[Any], now: int) -> list[dict[str, Any]]:
    by_project: dict[str, list[Any]] = defaultdict(list)
    for endpoint in endpoints:
        by_project[endpoint.project_id].append(endpoint)
    rows = []
    for message in messages:
        event = message.payload
        body = encode_body(event)
        for endpoint in by_project[message.project_id]:
            # An endpoint hears of what happens once it exists, not of events still queued from before.
            if subscribes(endpoint.events, event["type"]) and endpoint.created_at <= event["created_at"]:
                rows.append(
                    {
                        "id": new_id("whd"),
                        "endpoint_id": endpoint.id,
                        "project_id": message.project_id,
                        "event_id": event["id"],
                        "event_type": event["type"],
                        "body": body,
                        "status": DeliveryStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                )
    return rows


async def fan_out_events(database: Database, *, limit: int = FAN_OUT_BATCH) -> int:
    """Turns due merchant events into deliveries; returns how many deliveries were created."""
    return (await fan_out_batch(database, limit=limit))[1]


async def fan_out_batch(database: Database, *, limit: int = FAN_OUT_BATCH) -> tuple[int, int]:
    """One batch of fan-out: how many events it took, and how many deliveries it created."""
    # Claimed, fanned out and marked in one transaction (nothing leaves the process in between): a batch that fails
    # is rolled back whole, and taken again by the next round.
    async with database.write() as session:
        messages = await claim_due_in(session, [Topic.MERCHANT_EVENT], limit=limit)
        if not messages:
            return 0, 0
        now = now_ms()
        endpoints = (
            await session.execute(
                select(
                    WebhookEndpoint.id, WebhookEndpoint.project_id, WebhookEndpoint.events, WebhookEndpoint.created_at
                ).where(
                    WebhookEndpoint.project_id.in_({message.project_id for message in messages}),
                    # One disabled automatically keeps its events, for when it is enabled again.
                    or_(WebhookEndpoint.enabled.is_(True), WebhookEndpoint.disabled_at.is_not(None)),
                )
            )
        ).all()
        rows = _deliveries(messages, endpoints, now)
        if rows:
            statement = insert_for(session, WebhookDelivery.__table__).on_conflict_do_nothing(
                index_elements=["endpoint_id", "event_id"]
            )
            await session.execute(statement, rows)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([message.id for message in messages]))
            .values(status=DeliveryStatus.DELIVERED, delivered_at=now, locked_until=None, last_error=None)
        )
    return len(messages), len(rows)
