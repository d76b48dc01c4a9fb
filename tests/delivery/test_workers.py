"""Leases and several workers: a worker that dies after its claim loses nothing, and no attempt is sent twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import event, func, select, update

from shopgraph.db.engine import Database
from shopgraph.db.models import WebhookAttempt, WebhookDelivery
from shopgraph.delivery.claims import claim_due_deliveries
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.delivery.webhooks import record_attempts
from shopgraph.delivery.worker import Worker
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from shopgraph.webhooks.sender import Outcome
from tests.delivery.test_lanes import most_at_once
from tests.fakes.receiver import Receiver
from tests.support.factories import Store, make_store
from tests.support.outbox import run_worker
from tests.support.webhooks import deliveries, emit_events, register

pytestmark = pytest.mark.webhook_receiver


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


async def test_a_delivery_claimed_by_a_worker_that_died_goes_out_once_its_lease_runs_out(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: a worker claims the delivery and dies before sending it
    await register(runtime, store, receiver.url)
    [event_id] = await emit_events(runtime, store, 1)
    await fan_out_events(runtime.database)
    assert len(await claim_due_deliveries(runtime.database, lease_ms=500)) == 1

    # when: another worker runs while the lease holds, and again after it ran out
    await run_worker(settings, runtime)
    sent_during_lease = list(receiver.requests)
    await asyncio.sleep(0.6)
    await run_worker(settings, runtime, rounds=2)

    # then
    assert sent_during_lease == []
    assert receiver.event_ids == [event_id]
    [record] = await deliveries(runtime, store)
    assert record.delivery.status == "delivered"
    assert record.delivery.attempts == len(record.attempts) == 1


async def test_a_claimed_delivery_is_not_claimed_again_while_its_lease_holds(runtime: Runtime, store: Store) -> None:
    # given
    await register(runtime, store, "https://hooks.example.com/shop")
    await emit_events(runtime, store, 3)
    await fan_out_events(runtime.database)

    # when
    first = await claim_due_deliveries(runtime.database, lease_ms=60_000)
    second = await claim_due_deliveries(runtime.database, lease_ms=60_000)

    # then
    assert len(first) == 3 and second == []


async def test_two_workers_deliver_two_hundred_events_each_exactly_once(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    if runtime.database.is_sqlite:
        pytest.skip("several worker processes need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one worker")
    # given: two workers, each with its own connection pool, as two processes would have
    await register(runtime, store, receiver.url)
    event_ids = await emit_events(runtime, store, 200)
    databases = [
        Database(settings.database_url, settings.encryption_keys),
        Database(settings.database_url, settings.encryption_keys),
    ]
    # A send that outlives the test's 2 s timeout on a loaded machine reaches the receiver yet counts as failed and
    # is retried: a second request that is the retry schedule at work, not two workers sending one attempt.
    patient = replace(settings, webhook_timeout_seconds=60.0)
    workers = [Worker(patient, database) for database in databases]

    # when
    try:
        for _ in range(30):
            await asyncio.gather(*(worker.run_once() for worker in workers))
            if len(receiver.requests) >= 200 and not await _pending(runtime):
                break
    finally:
        for database in databases:
            await database.dispose()

    # then
    assert len(receiver.requests) == 200
    assert sorted(receiver.event_ids) == sorted(event_ids)
    async with runtime.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookAttempt)) == 200
        assert set((await session.scalars(select(WebhookDelivery.attempts))).all()) == {1}


async def _pending(runtime: Runtime) -> int:
    async with runtime.database.read() as session:
        return (
            await session.scalar(
                select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == "pending")
            )
            or 0
        )


async def test_two_running_workers_with_their_lanes_send_every_event_once_across_many_endpoints(
    runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    if runtime.database.is_sqlite:
        pytest.skip("several worker processes need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one worker")
    # given: five stores with an endpoint each and 40 events each, and two workers with pools of their own
    expected: list[str] = []
    for number in range(5):
        shop = await make_store(runtime, f"shop{number}")
        await register(runtime, shop, f"{receiver.url}/{shop.slug}")
        expected += await emit_events(runtime, shop, 40)
    databases = [Database(settings.database_url, settings.encryption_keys) for _ in range(2)]
    # Generous timeout and small limits: the two workers contend for the same few slots of every endpoint.
    lanes = replace(
        settings, webhook_timeout_seconds=60.0, webhook_endpoint_concurrency=2, worker_interval_seconds=0.05
    )
    tasks = [asyncio.create_task(Worker(lanes, database).run_forever()) for database in databases]

    # when
    try:
        for _ in range(600):
            if len(receiver.requests) >= len(expected) and not await _pending(runtime):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for database in databases:
            await database.dispose()

    # then: each event once, and never more than two sends in flight to one endpoint, counting both workers
    assert sorted(receiver.event_ids) == sorted(expected)
    async with runtime.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookAttempt)) == len(expected)
        assert set((await session.scalars(select(WebhookDelivery.attempts))).all()) == {1}
        spans = (
            await session.execute(
                select(WebhookDelivery.endpoint_id, WebhookAttempt.attempted_at, WebhookAttempt.duration_ms).join(
                    WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id
                )
            )
        ).all()
    by_endpoint: dict[str, list[tuple[int, int]]] = {}
    for endpoint_id, start, duration in spans:
        by_endpoint.setdefault(endpoint_id, []).append((start, start + duration))
    assert len(by_endpoint) == 5
    assert max(most_at_once(endpoint_spans) for endpoint_spans in by_endpoint.values()) <= 2


async def test_attempts_recorded_together_are_each_written_only_while_their_lease_holds(
    runtime: Runtime, settings: Settings, store: Store
) -> None:
    # given: three claimed deliveries, one of whose leases another worker has taken over since
    await register(runtime, store, "https://hooks.example.com/shop")
    await emit_events(runtime, store, 3)
    await fan_out_events(runtime.database)
    claimed = await claim_due_deliveries(runtime.database, lease_ms=60_000)
    async with runtime.database.write() as session:
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == claimed[0].id).values(locked_until=claimed[0].lease + 1)
        )
    answered = Outcome(status_code=200, response_excerpt="ok", error=None, duration_ms=3)

    # when: the three outcomes are recorded in one transaction
    statuses = await record_attempts(runtime.database, [(item, answered) for item in claimed], (60,))

    # then: all three answered, two written
    assert statuses == ["delivered"] * 3
    records = {record.delivery.id: record for record in await deliveries(runtime, store)}
    assert records[claimed[0].id].delivery.status == "pending" and records[claimed[0].id].attempts == ()
    for item in claimed[1:]:
        assert records[item.id].delivery.status == "delivered" and len(records[item.id].attempts) == 1


@pytest.mark.parametrize("count", [1, 6])
async def test_accepted_attempts_are_recorded_in_the_same_few_statements_however_many(
    runtime: Runtime, store: Store, count: int
) -> None:
    # given: `count` claimed deliveries of one endpoint, all accepted
    await register(runtime, store, "https://hooks.example.com/shop")
    await emit_events(runtime, store, count)
    await fan_out_events(runtime.database)
    claimed = await claim_due_deliveries(runtime.database, lease_ms=60_000)
    assert len(claimed) == count
    answered = Outcome(status_code=204, response_excerpt="", error=None, duration_ms=2)
    writes: list[str] = []

    def count_writes(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(" ".join(statement.split()[:3]))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count_writes)
    try:
        # when
        statuses = await record_attempts(runtime.database, [(item, answered) for item in claimed], (60,))
    finally:
        event.remove(engine, "before_cursor_execute", count_writes)

    # then: one UPDATE of the deliveries, one INSERT of the attempts, the endpoint's health once
    assert statuses == ["delivered"] * count
    assert sorted(writes) == [
        "INSERT INTO webhook_attempts",
        "UPDATE webhook_deliveries SET",
        "UPDATE webhook_endpoints SET",
    ]
    records = await deliveries(runtime, store)
    assert all(r.delivery.status == "delivered" and r.delivery.last_status_code == 204 for r in records)
    assert sorted(len(r.attempts) for r in records) == [1] * count
