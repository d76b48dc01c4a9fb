"""The running worker's lanes: an endpoint that times out holds only its own slots, and the others' events go out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import WebhookAttempt, WebhookDelivery
from shopgraph.delivery.worker import Worker
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.fakes.server import LoopbackServer
from tests.fakes.smtp_server import SmtpServer
from tests.support.factories import Store, make_store
from tests.support.payments import checkout_one_mug
from tests.support.webhooks import emit_events, register

pytestmark = pytest.mark.webhook_receiver

WAIT_SECONDS = 30
TIMEOUT_SECONDS = 1.0
# Attempts recorded to the millisecond may touch at their ends without overlapping.
TOUCHING_MS = 2


@pytest.fixture
def stalling_receiver() -> Iterator[Receiver]:
    """A second receiver, whose every answer comes long after the worker has stopped waiting."""
    receiver = Receiver()
    receiver.delay_seconds = TIMEOUT_SECONDS * 6
    with LoopbackServer(receiver.app) as server:
        receiver.url = f"{server.url}/hooks"
        yield receiver


@pytest.fixture
async def running() -> AsyncIterator[Callable[[Worker], None]]:
    """Starts a worker's lanes, which run until the test ends."""
    tasks: list[asyncio.Task[None]] = []
    yield lambda worker: tasks.append(asyncio.create_task(worker.run_forever()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def most_at_once(spans: list[tuple[int, int]]) -> int:
    """The most attempts in flight at one moment; attempts shorter than the rounding overlap nothing."""
    moments = []
    for start, end in spans:
        if end - start > 2 * TOUCHING_MS:
            moments += [(start + TOUCHING_MS, 1), (end - TOUCHING_MS, -1)]
    most = current = 0
    for _, change in sorted(moments):
        current += change
        most = max(most, current)
    return most


async def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


async def test_a_fast_endpoint_gets_all_its_events_while_a_timing_out_one_is_still_retrying(
    runtime: Runtime,
    settings: Settings,
    receiver: Receiver,
    stalling_receiver: Receiver,
    running: Callable[[Worker], None],
) -> None:
    # given: a store whose endpoint times out, with a backlog queued first, then a store whose endpoint answers at once
    slow_store = await make_store(runtime, "slow")
    fast_store = await make_store(runtime, "fast")
    slow_endpoint, _ = await register(runtime, slow_store, stalling_receiver.url)
    await register(runtime, fast_store, receiver.url)
    await emit_events(runtime, slow_store, 20)
    fast_events = await emit_events(runtime, fast_store, 30)
    lanes = replace(
        settings,
        webhook_timeout_seconds=TIMEOUT_SECONDS,
        webhook_concurrency=4,
        webhook_endpoint_concurrency=2,
        worker_interval_seconds=0.05,
        retry_schedule_seconds=(0,) * 20,
    )

    # when
    running(Worker(lanes, runtime.database))

    async def fast_delivered() -> bool:
        return len(set(receiver.event_ids)) == len(fast_events)

    await wait_until(fast_delivered, "the fast endpoint's events")

    # then: every fast event arrived once, while none of the slow endpoint's has been delivered or given up on
    async with runtime.database.read() as session:
        slow = (
            await session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == slow_endpoint))
        ).all()
        spans = (
            await session.execute(
                select(WebhookAttempt.attempted_at, WebhookAttempt.duration_ms)
                .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
                .where(WebhookDelivery.endpoint_id == slow_endpoint)
            )
        ).all()
    # (a send that outlived the timeout on a loaded machine is retried: at least once, so compared as a set)
    assert set(receiver.event_ids) == set(fast_events)
    assert {delivery.status for delivery in slow} == {"pending"}
    # the slow endpoint was never given more than its share of the slots, so it cannot have crowded the fast one out
    assert most_at_once([(start, start + duration) for start, duration in spans]) <= 2
    assert any(delivery.attempts == 0 for delivery in slow)


async def test_a_running_worker_delivers_each_event_once_to_each_of_many_endpoints(
    runtime: Runtime, settings: Settings, receiver: Receiver, running: Callable[[Worker], None]
) -> None:
    # given: ten stores, each with its own endpoint and twenty events
    expected: list[str] = []
    for number in range(10):
        store = await make_store(runtime, f"store{number}")
        await register(runtime, store, f"{receiver.url}/{store.slug}")
        expected += await emit_events(runtime, store, 20)

    # when
    # A generous timeout, so that a loaded machine's late answers are not retried (and counted twice).
    running(Worker(replace(settings, worker_interval_seconds=0.05, webhook_timeout_seconds=60.0), runtime.database))

    async def all_delivered() -> bool:
        return len(receiver.requests) >= len(expected)

    await wait_until(all_delivered, "every event")
    await asyncio.sleep(0.2)

    # then
    assert sorted(receiver.event_ids) == sorted(expected)
    assert {request.path for request in receiver.requests} == {f"/hooks/store{number}" for number in range(10)}


async def test_webhooks_go_out_while_a_slow_mail_server_is_still_taking_the_order_emails(
    client: httpx.AsyncClient,
    runtime: Runtime,
    settings: Settings,
    demo: Store,
    receiver: Receiver,
    smtp_server: SmtpServer,
    running: Callable[[Worker], None],
) -> None:
    # given: four cash-on-delivery orders, each with a confirmation email and an `order.created` event
    await register(runtime, demo, receiver.url, events=["order.created"])
    for number in range(4):
        assert (await checkout_one_mug(client, demo, cart_id=f"cart-{number}")).status_code == 201
    smtp_server.inbox.delay_seconds = 2.0

    # when
    running(
        Worker(
            replace(settings, smtp_url=smtp_server.url(), smtp_concurrency=1, worker_interval_seconds=0.05),
            runtime.database,
        )
    )

    async def events_delivered() -> bool:
        return len(receiver.requests) == 4

    await wait_until(events_delivered, "the order events")

    # then: the events did not wait for the emails
    assert len(smtp_server.received) < 4
