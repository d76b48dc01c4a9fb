"""The worker's claim and record find their rows by index: their cost does not grow with the deliveries waiting."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, update

from shopgraph.db.models import WebhookEndpoint
from shopgraph.delivery.claims import claim_due_deliveries
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.delivery.webhooks import record_attempts
from shopgraph.runtime import Runtime
from shopgraph.webhooks.sender import Outcome
from tests.support.factories import make_store
from tests.support.webhooks import emit_events, register


async def test_claiming_and_recording_beside_a_large_backlog_read_no_delivery_but_by_index(runtime: Runtime) -> None:
    if not runtime.database.is_sqlite:
        pytest.skip("the query plans checked are SQLite's; PostgreSQL plans by its statistics")
    # given: a disabled endpoint keeping 300 undelivered events, and an enabled one with 3 due
    kept = await make_store(runtime, "kept")
    live = await make_store(runtime, "live")
    kept_endpoint, _ = await register(runtime, kept, "https://hooks.example.com/kept")
    live_endpoint, _ = await register(runtime, live, "https://hooks.example.com/live")
    await emit_events(runtime, kept, 300)
    live_events = await emit_events(runtime, live, 3)
    while await fan_out_events(runtime.database):
        pass
    async with runtime.database.write() as session:
        await session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == kept_endpoint).values(enabled=False))
    statements: list[tuple[str, Any]] = []

    def note(_conn: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        if "webhook_deliveries" in statement:
            statements.append((statement, parameters))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        # when: the live endpoint's deliveries are claimed and their sends recorded
        claimed = await claim_due_deliveries(runtime.database)
        answered = Outcome(status_code=200, response_excerpt="ok", error=None, duration_ms=2)
        await record_attempts(runtime.database, [(item, answered) for item in claimed], (60,))
    finally:
        event.remove(engine, "before_cursor_execute", note)

    # then: the live endpoint's three, and no statement scans the deliveries table
    assert sorted(item.webhook.event_id for item in claimed) == sorted(live_events)
    assert {item.endpoint_id for item in claimed} == {live_endpoint}
    assert len(statements) >= 5
    with runtime.database.read_here() as connection:
        for statement, parameters in statements:
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert not [step for step in plan if step.startswith("SCAN webhook_deliveries")], (statement, plan)
