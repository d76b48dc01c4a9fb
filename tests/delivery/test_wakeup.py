"""A committed event wakes the worker at once, in this process and (PostgreSQL) in others; the poll is the fallback."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import notify
from shopgraph.delivery.worker import Worker
from shopgraph.domain.events.merchant_events import EventType, emit
from shopgraph.domain.events.outbox import CHANNEL, Topic
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.delivery.test_worker_crash import SHOPGRAPH, stop
from tests.fakes.receiver import Receiver
from tests.support.cli import database_environment
from tests.support.factories import make_store
from tests.support.webhooks import emit_events, register

pytestmark = pytest.mark.webhook_receiver

# Far longer than any wait below: what arrives in time was not fetched by the poll.
POLL_SECONDS = 600.0
WAIT_SECONDS = 20


async def wait_until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
async def running(runtime: Runtime, settings: Settings) -> AsyncIterator[Worker]:
    """A worker polling once every ten minutes, past its first look for work."""
    worker = Worker(replace(settings, worker_interval_seconds=POLL_SECONDS), runtime.database)
    task = asyncio.create_task(worker.run_forever())
    await asyncio.sleep(0.5)
    yield worker
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_committed_event_is_delivered_without_waiting_for_the_poll(
    runtime: Runtime, receiver: Receiver, running: Worker
) -> None:
    # given
    store = await make_store(runtime, "prompt")
    await register(runtime, store, receiver.url)

    # when
    [event_id] = await emit_events(runtime, store, 1)

    # then
    await wait_until(lambda: receiver.event_ids == [event_id], "the event")


async def test_the_signal_comes_after_the_commit_and_never_for_a_rollback(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "signals")
    heard: list[str] = []
    unsubscribe = notify.subscribe(CHANNEL, heard.append)
    try:
        # when: one unit of work rolls back, another commits
        with pytest.raises(RuntimeError):
            async with runtime.database.write() as session:
                await emit_events_in(session, store.id)
                raise RuntimeError("rolled back")
        heard_after_rollback = list(heard)
        async with runtime.database.write() as session:
            await emit_events_in(session, store.id)
            heard_before_commit = list(heard)
    finally:
        unsubscribe()

    # then
    assert heard_after_rollback == []
    assert heard_before_commit == []
    assert heard == [Topic.MERCHANT_EVENT]


async def emit_events_in(session: AsyncSession, project_id: str) -> None:
    await emit(session, project_id, EventType.INVENTORY_LOW, {"n": 1})


def start_slow_polling_worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **database_environment(database_url),
        "SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS": "1",
        "SHOPGRAPH_WORKER_INTERVAL_SECONDS": str(POLL_SECONDS),
    }
    return subprocess.Popen(
        [SHOPGRAPH, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


async def test_an_event_committed_by_another_process_wakes_a_worker_listening_on_postgresql(
    runtime: Runtime, database_url: str, receiver: Receiver
) -> None:
    if runtime.database.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite runs one worker, in the process that writes")
    # given: a `shopgraph worker` process that polls once every ten minutes, listening
    store = await make_store(runtime, "elsewhere")
    await register(runtime, store, receiver.url)
    worker = start_slow_polling_worker(database_url)
    try:

        async def listening() -> bool:
            async with runtime.database.read() as session:
                found = await session.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND query LIKE :listen"
                    ),
                    {"listen": f"LISTEN%{CHANNEL}%"},
                )
            return bool(found)

        await wait_until(listening, "the worker to LISTEN")
        await asyncio.sleep(0.5)

        # when: this process commits an event (its own subscribers are none of the worker's)
        [event_id] = await emit_events(runtime, store, 1)

        # then
        await wait_until(lambda: receiver.event_ids == [event_id], "the event")
    finally:
        stop(worker)
