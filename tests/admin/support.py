"""Calling the admin API in tests: documents are posted with the store's secret key."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from shopgraph.db.models import OutboxMessage
from shopgraph.domain.events.outbox import Topic
from shopgraph.runtime import Runtime
from tests.factories import Store

ADMIN = "/admin/graphql"


def secret(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {store.secret_key}"}


async def admin(client: httpx.AsyncClient, store: Store, query: str, **variables: Any) -> dict[str, Any]:
    """The `data` of an admin operation that must not fail at the GraphQL level."""
    response = await client.post(ADMIN, json={"query": query, "variables": variables}, headers=secret(store))
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def succeeded(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload
    return payload


def refused(payload: dict[str, Any]) -> dict[str, Any]:
    """The one user error of a refused mutation."""
    assert len(payload["userErrors"]) == 1, payload
    return payload["userErrors"][0]  # type: ignore[no-any-return]


async def merchant_events(runtime: Runtime, store: Store) -> list[str]:
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
