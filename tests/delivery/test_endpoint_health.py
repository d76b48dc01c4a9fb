"""Failing endpoints: backed off while they fail, disabled after failing for days, and caught up once enabled again."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select, update

from shopgraph.db.models import WebhookEndpoint
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.fakes.smtp_server import SmtpServer
from tests.support.factories import Store, make_store
from tests.support.graphql import admin
from tests.support.outbox import run_worker
from tests.support.webhooks import deliveries, emit_events, register

pytestmark = pytest.mark.webhook_receiver

HOUR_MS = 3_600_000
ENABLE = """
mutation ($id: ID!) {
  webhookEndpointUpdate(id: $id, enabled: true) {
    endpoint { enabled disabledReason consecutiveFailures }
    userErrors { field message code }
  }
}
"""
HEALTH = """
query { webhookEndpoints { id enabled disabledAt disabledReason lastSuccessAt consecutiveFailures failingSince
  backedOffUntil } }
"""


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop", settings={"contact_email": "ops@shop.example"})


async def endpoint_row(runtime: Runtime, endpoint_id: str) -> WebhookEndpoint:
    async with runtime.database.read() as session:
        row = await session.get(WebhookEndpoint, endpoint_id)
    assert row is not None
    return row


async def change_endpoint(runtime: Runtime, endpoint_id: str, **values: object) -> None:
    async with runtime.database.write() as session:
        await session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(**values))


async def emit_one_by_one(runtime: Runtime, store: Store, count: int) -> list[str]:
    """Events a few milliseconds apart, each fanned out on its own, so their order is unambiguous."""
    ids = []
    for _ in range(count):
        ids += await emit_events(runtime, store, 1)
        await fan_out_events(runtime.database)
        await asyncio.sleep(0.005)
    return ids


async def test_an_endpoint_failing_now_is_backed_off_then_tried_one_delivery_at_a_time_until_it_answers(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: an endpoint that fails, five events, and a breaker that opens after two failures in a row
    endpoint_id, _ = await register(runtime, store, receiver.url)
    receiver.fail_next(1000)
    await emit_events(runtime, store, 5)
    breaker = replace(settings, webhook_circuit_failures=2, retry_schedule_seconds=(0,) * 10)

    # when: the first round fails all five, and two more rounds follow
    await run_worker(breaker, runtime, rounds=3)

    # then: nothing was sent while the circuit was open
    assert len(receiver.requests) == 5
    row = await endpoint_row(runtime, endpoint_id)
    assert row.consecutive_failures == 5 and row.circuit_open_until is not None and row.enabled

    # when: the pause is over, the endpoint answers again, and the worker runs
    await change_endpoint(runtime, endpoint_id, circuit_open_until=1)
    receiver.fail_next(0)
    await run_worker(breaker, runtime)
    probed = len(receiver.requests)
    await run_worker(breaker, runtime)

    # then: one delivery went first, alone; once it succeeded, the other four went together
    assert probed == 6
    assert len(receiver.requests) == 10
    row = await endpoint_row(runtime, endpoint_id)
    assert (row.consecutive_failures, row.circuit_open_until, row.failing_since) == (0, None, None)
    assert row.last_success_at is not None
    assert {record.delivery.status for record in await deliveries(runtime, store)} == {"delivered"}


async def test_an_endpoint_failing_for_days_is_disabled_the_merchant_told_and_its_events_kept_for_enabling_again(
    client: httpx.AsyncClient,
    runtime: Runtime,
    settings: Settings,
    store: Store,
    receiver: Receiver,
    smtp_server: SmtpServer,
) -> None:
    # given: an endpoint that fails every attempt; one event runs out of retries, two more are still retrying
    endpoint_id, _ = await register(runtime, store, receiver.url)
    receiver.fail_next(1000)
    policy = replace(
        settings,
        smtp_url=smtp_server.url(),
        webhook_circuit_failures=1000,
        webhook_disable_after_failures=7,
        webhook_endpoint_concurrency=1,
    )
    first = await emit_one_by_one(runtime, store, 1)
    await run_worker(policy, runtime, rounds=len(settings.retry_schedule_seconds) + 1)
    later = await emit_one_by_one(runtime, store, 2)
    await run_worker(policy, runtime)
    assert (await endpoint_row(runtime, endpoint_id)).enabled

    # when: every attempt has failed for 73 hours (the default period is 72), and the next attempt fails too
    failing_since = (await endpoint_row(runtime, endpoint_id)).failing_since
    assert failing_since is not None
    await change_endpoint(runtime, endpoint_id, failing_since=failing_since - 73 * HOUR_MS)
    await run_worker(policy, runtime)
    sent_when_disabled = len(receiver.requests)

    # then: disabled, with the reason, in the delivery log, and by email to the store's contact address
    row = await endpoint_row(runtime, endpoint_id)
    assert not row.enabled and row.disabled_at is not None
    assert row.disabled_reason is not None and "every attempt failed for 73 hours" in row.disabled_reason
    assert "HTTP 500" in row.disabled_reason
    records = await deliveries(runtime, store)
    [entry] = [record.delivery for record in records if record.delivery.event_type == "endpoint.disabled"]
    assert entry.last_error == row.disabled_reason and entry.attempts == 0
    await run_worker(policy, runtime)
    [notice] = smtp_server.received
    assert notice.rcpt_tos == ["ops@shop.example"]
    assert receiver.url in notice.message["Subject"]
    assert "73 hours" in notice.message.get_content()
    [health] = (await admin(client, store, HEALTH))["webhookEndpoints"]
    assert (health["enabled"], health["disabledReason"], health["consecutiveFailures"]) == (
        False,
        row.disabled_reason,
        7,
    )

    # when: an event happens while it is disabled, the worker runs, and nothing is sent
    during = await emit_one_by_one(runtime, store, 1)
    await run_worker(policy, runtime, rounds=2)
    assert len(receiver.requests) == sent_when_disabled

    # when: the merchant enables it again (admin API) and it answers
    receiver.reset()
    enabled = (await admin(client, store, ENABLE, id=endpoint_id))["webhookEndpointUpdate"]
    for _ in range(6):
        await run_worker(policy, runtime)

    # then: every undelivered event arrived, oldest first, the one whose retries ran out included
    assert enabled["userErrors"] == []
    assert enabled["endpoint"] == {"enabled": True, "disabledReason": None, "consecutiveFailures": 0}
    assert receiver.event_ids == first + later + during
    assert {record.delivery.event_id: record.delivery.status for record in await deliveries(runtime, store)} == {
        **{event_id: "delivered" for event_id in first + later + during},
        entry.event_id: "not_sent",
    }
    [health] = (await admin(client, store, HEALTH))["webhookEndpoints"]
    assert health["lastSuccessAt"] is not None and health["failingSince"] is None


async def test_the_delivery_log_entry_of_a_disabling_cannot_be_retried(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: an endpoint disabled automatically
    endpoint_id, _ = await register(runtime, store, receiver.url)
    receiver.fail_next(1000)
    await emit_events(runtime, store, 1)
    await run_worker(replace(settings, webhook_disable_after_failures=1), runtime)
    await change_endpoint(runtime, endpoint_id, failing_since=1)
    await emit_events(runtime, store, 1)
    await run_worker(replace(settings, webhook_disable_after_failures=1), runtime)
    [entry] = [r.delivery for r in await deliveries(runtime, store) if r.delivery.event_type == "endpoint.disabled"]

    # when
    answer = await admin(
        client,
        store,
        "mutation ($id: ID!) { webhookDeliveryRetry(id: $id) { userErrors { code } } }",
        id=entry.id,
    )

    # then
    assert answer["webhookDeliveryRetry"]["userErrors"] == [{"code": "WEBHOOK_DELIVERY_NOT_FOUND"}]
    async with runtime.database.read() as session:
        assert (await session.scalar(select(WebhookEndpoint.enabled).where(WebhookEndpoint.id == endpoint_id))) is False
