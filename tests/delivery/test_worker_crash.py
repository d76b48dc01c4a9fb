"""A real `shopgraph worker` process killed in the middle of a delivery: after a restart the event still arrives."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from shopgraph.db.models import WebhookDelivery
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.runtime import Runtime
from tests.fakes.receiver import Receiver
from tests.support.cli import database_environment
from tests.support.factories import make_store
from tests.support.webhooks import emit_events, register

pytestmark = pytest.mark.webhook_receiver

SHOPGRAPH = str(Path(sys.executable).parent / "shopgraph")
WAIT_SECONDS = 30


def start_worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **database_environment(database_url),
        "SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS": "1",
        "SHOPGRAPH_WORKER_INTERVAL_SECONDS": "0.1",
        "SHOPGRAPH_WEBHOOK_TIMEOUT_SECONDS": "1",
        "SHOPGRAPH_WORKER_LEASE_SECONDS": "1",
    }
    return subprocess.Popen(
        [SHOPGRAPH, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


async def delivery_state(runtime: Runtime) -> tuple[str, int | None]:
    async with runtime.database.read() as session:
        row = (await session.execute(select(WebhookDelivery.status, WebhookDelivery.locked_until))).one()
    return row.status, row.locked_until


async def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


async def test_a_worker_killed_after_its_claim_loses_nothing(
    runtime: Runtime, database_url: str, receiver: Receiver
) -> None:
    # given: one event for one endpoint, and a receiver that stalls so the first worker is caught mid-delivery
    store = await make_store(runtime, "crashy")
    await register(runtime, store, receiver.url)
    [event_id] = await emit_events(runtime, store, 1)
    await fan_out_events(runtime.database)
    receiver.delay_seconds = 5
    first = start_worker(database_url)
    try:

        async def claimed() -> bool:
            return (await delivery_state(runtime))[1] is not None

        await wait_for(claimed, "the first worker to claim the delivery")

        # when: the worker is killed (SIGKILL: no clean-up of any kind), then a new one starts
        stop(first)
        receiver.delay_seconds = 0
        second = start_worker(database_url)
        try:

            async def delivered() -> bool:
                return (await delivery_state(runtime))[0] == "delivered"

            await wait_for(delivered, "the second worker to deliver")
        finally:
            stop(second)
    finally:
        stop(first)

    # then: the event arrived, every copy with the same id and the same bytes
    assert event_id in receiver.event_ids
    assert {request.header("X-Webhook-Id") for request in receiver.requests} == {event_id}
    assert len({request.body for request in receiver.requests}) == 1
