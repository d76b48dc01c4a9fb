"""Merchant webhooks end to end: events from real order flows, delivered by the worker to a receiver on loopback."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select, update

from shopgraph.db.models import OutboxMessage, WebhookEndpoint
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.domain.catalog.inventory import set_stock
from shopgraph.domain.events.merchant_events import EVENT_TYPES, EventType
from shopgraph.domain.events.webhook_deliveries import retry_delivery
from shopgraph.domain.events.webhook_endpoints import update_endpoint
from shopgraph.domain.orders import reads, transitions
from shopgraph.domain.orders.order_events import emit_order_event
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from shopgraph.webhooks import targets as targets_module
from tests.fakes.receiver import Receiver
from tests.support.factories import Store, make_store, product_ids
from tests.support.outbox import run_worker
from tests.support.payments import checkout_one_mug, store_paying_with
from tests.support.webhooks import assert_signed_with, deliveries, emit_events, hex_signatures, register

pytestmark = pytest.mark.webhook_receiver


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


async def test_every_event_type_arrives_with_the_contract_body_and_verifiable_signatures(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    # given: a store whose orders wait for a Stripe payment, and one endpoint for every event
    store = await store_paying_with(runtime, "stripe")
    endpoint_id, secret = await register(runtime, store, receiver.url)
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]

    # when: orders are placed, paid, shipped, refunded and cancelled, and the mug's stock runs low
    paid_id = (await checkout_one_mug(client, store, cart_id="first")).json()["orderId"]
    cancelled_id = (await checkout_one_mug(client, store, cart_id="second")).json()["orderId"]
    async with runtime.database.write() as session:
        paid = await reads.load_order(session, store.id, paid_id)
        cancelled = await reads.load_order(session, store.id, cancelled_id)
        assert paid is not None and cancelled is not None
        assert await transitions.mark_paid(session, paid.order)
        await emit_order_event(session, paid.order, EventType.ORDER_SHIPPED)  # as the admin's orderFulfill does
        assert await transitions.mark_refunded(session, paid.order)
        assert await transitions.cancel_unpaid(session, cancelled.order, cancelled.items)
        await set_stock(session, store.id, product_id=mug, stock=3)
    sent_after = int(time.time())
    await run_worker(settings, runtime)

    # then
    by_type = {request.json()["type"]: request for request in receiver.requests}
    assert sorted(by_type) == sorted(EVENT_TYPES)
    assert [request.json()["type"] for request in receiver.requests].count(EventType.ORDER_CREATED) == 2
    for event_type, request in by_type.items():
        body = request.json()
        assert set(body) == {"id", "type", "created_at", "project", "data"}
        assert body["id"].startswith("evt_") and body["project"] == store.slug
        assert isinstance(body["created_at"], int) and body["created_at"] > 1_600_000_000_000
        assert request.header("Content-Type") == "application/json"
        assert request.header("X-Webhook-Event") == event_type
        assert request.header("X-Webhook-Id") == request.header("webhook-id") == body["id"]
        timestamp = int(request.header("X-Webhook-Timestamp"))
        assert request.header("webhook-timestamp") == str(timestamp)
        assert sent_after - 5 <= timestamp <= time.time() + 5
        assert len(hex_signatures(request)) == 1
        assert_signed_with(request, secret)
    assert by_type[EventType.ORDER_PAID].json()["data"]["order"]["payment_status"] == "paid"
    assert by_type[EventType.ORDER_REFUNDED].json()["data"]["order"]["status"] == "refunded"
    assert by_type[EventType.ORDER_CANCELLED].json()["data"]["order"]["id"] == cancelled_id
    assert by_type[EventType.INVENTORY_LOW].json()["data"] == {
        "product_id": mug,
        "variant_id": None,
        "sku": None,
        "name": "Ceramic Mug",
        "variant_name": None,
        "stock": 3,
        "low_stock_threshold": 10,
    }
    records = await deliveries(runtime, store, endpoint_id=endpoint_id)
    assert len(records) == 7
    assert {record.delivery.status for record in records} == {"delivered"}
    assert [(attempt.status_code, attempt.response_excerpt) for attempt in records[0].attempts] == [(200, "ok")]


async def test_a_receiver_down_for_three_attempts_gets_the_event_on_the_fourth_with_every_attempt_recorded(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url)
    receiver.fail_next(3, status=503)
    [event_id] = await emit_events(runtime, store, 1)

    # when
    await run_worker(settings, runtime, rounds=6)

    # then
    assert receiver.event_ids == [event_id] * 4
    assert len({request.body for request in receiver.requests}) == 1
    [record] = await deliveries(runtime, store)
    assert record.delivery.status == "delivered" and record.delivery.attempts == 4
    assert [attempt.status_code for attempt in record.attempts] == [503, 503, 503, 200]
    assert [attempt.error for attempt in record.attempts] == ["HTTP 503"] * 3 + [None]
    assert record.attempts[0].response_excerpt == "receiver is down"
    assert all(attempt.duration_ms >= 0 for attempt in record.attempts)


async def test_after_the_last_retry_of_the_schedule_the_delivery_is_failed(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: a receiver that never recovers, and a schedule of four retries
    await register(runtime, store, receiver.url)
    receiver.fail_next(100)
    await emit_events(runtime, store, 1)

    # when
    await run_worker(settings, runtime, rounds=8)

    # then
    [record] = await deliveries(runtime, store)
    assert record.delivery.status == "failed"
    assert len(record.attempts) == record.delivery.attempts == len(settings.retry_schedule_seconds) + 1
    assert len(receiver.requests) == 5
    assert record.delivery.last_status_code == 500 and record.delivery.last_error == "HTTP 500"


async def test_retries_wait_as_the_schedule_says(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url)
    receiver.fail_next(1)
    await emit_events(runtime, store, 1)
    slow = replace(settings, retry_schedule_seconds=(3600,))

    # when
    before = int(time.time() * 1000)
    await run_worker(slow, runtime, rounds=3)

    # then
    [record] = await deliveries(runtime, store)
    assert len(receiver.requests) == 1
    assert record.delivery.status == "pending"
    assert before + 3_600_000 <= record.delivery.next_attempt_at <= before + 3_600_000 * 1.2 + 10_000


async def test_a_target_on_loopback_is_refused_without_the_allow_flag(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: an endpoint on 127.0.0.1 (saved while private targets were allowed), and a worker that refuses them
    await register(runtime, store, receiver.url)
    await emit_events(runtime, store, 1)
    strict = replace(settings, allow_private_webhook_targets=False)

    # when
    await run_worker(strict, runtime)

    # then
    assert receiver.requests == []
    [record] = await deliveries(runtime, store)
    [attempt] = record.attempts
    assert attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("refused:") and "127.0.0.1" in attempt.error
    assert record.delivery.status == "pending" and record.delivery.last_error == attempt.error


async def test_a_checked_public_name_is_called_at_the_address_it_resolved_to_with_its_own_host_header(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a name that (as far as the worker can tell) resolves to a public address, which is the receiver's
    port = httpx.URL(receiver.url).port

    async def resolve(host: str, port: int) -> list[ipaddress.IPv4Address]:
        assert host == "merchant.example"
        return [ipaddress.IPv4Address("127.0.0.1")]

    monkeypatch.setattr(targets_module, "resolve_addresses", resolve)
    monkeypatch.setattr(targets_module, "is_public_address", lambda address: True)
    await register(runtime, store, f"http://merchant.example:{port}/hooks")
    await emit_events(runtime, store, 1)

    # when
    await run_worker(replace(settings, allow_private_webhook_targets=False), runtime)

    # then
    [request] = receiver.requests
    assert request.header("Host") == f"merchant.example:{port}"
    assert (await deliveries(runtime, store))[0].delivery.status == "delivered"


async def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url)
    receiver.redirect_to = f"{receiver.url}/elsewhere"
    await emit_events(runtime, store, 1)

    # when
    await run_worker(settings, runtime)

    # then
    assert [request.path for request in receiver.requests] == ["/hooks"]
    [record] = await deliveries(runtime, store)
    assert record.attempts[0].status_code == 302
    assert record.attempts[0].error == "HTTP 302 (redirects are not followed)"
    assert record.delivery.status == "pending"


async def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url)
    receiver.delay_seconds = 2.0
    await emit_events(runtime, store, 1)

    # when
    started = time.monotonic()
    await run_worker(replace(settings, webhook_timeout_seconds=0.3), runtime)

    # then
    assert time.monotonic() - started < 1.5
    [record] = await deliveries(runtime, store)
    assert record.attempts[0].error == "timed out after 0.3 s"
    assert record.attempts[0].status_code is None
    assert record.delivery.status == "pending"


async def test_a_delivery_retried_by_hand_is_sent_again_with_the_same_bytes(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: a delivered event
    await register(runtime, store, receiver.url)
    await emit_events(runtime, store, 1)
    await run_worker(settings, runtime)
    [record] = await deliveries(runtime, store)

    # when
    async with runtime.database.write() as session:
        retried = await retry_delivery(session, store.id, record.delivery.id)
    await run_worker(settings, runtime, rounds=2)

    # then
    assert retried.delivery.status == "pending" and len(retried.attempts) == 1
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    [again] = await deliveries(runtime, store)
    assert again.delivery.status == "delivered" and again.delivery.attempts == 2 and len(again.attempts) == 2


async def test_a_failed_delivery_retried_by_hand_gets_one_more_attempt(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url)
    receiver.fail_next(5)
    await emit_events(runtime, store, 1)
    await run_worker(settings, runtime, rounds=6)
    [record] = await deliveries(runtime, store)
    assert record.delivery.status == "failed"

    # when: the merchant fixed their server and retries
    async with runtime.database.write() as session:
        await retry_delivery(session, store.id, record.delivery.id)
    await run_worker(settings, runtime)

    # then
    [retried] = await deliveries(runtime, store)
    assert retried.delivery.status == "delivered" and len(retried.attempts) == 6


async def test_after_a_rotation_both_secrets_sign_for_a_day_then_only_the_new_one(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    endpoint_id, old_secret = await register(runtime, store, receiver.url)
    async with runtime.database.write() as session:
        _, new_secret = await update_endpoint(session, store.id, endpoint_id, rotate_secret=True)
    assert new_secret is not None and new_secret != old_secret

    # when
    await emit_events(runtime, store, 1)
    await run_worker(settings, runtime)

    # then
    [during] = receiver.requests
    assert len(hex_signatures(during)) == 2 and len(during.header("webhook-signature").split(" ")) == 2
    assert_signed_with(during, new_secret)
    assert_signed_with(during, old_secret)

    # when: the day is over
    async with runtime.database.write() as session:
        await session.execute(update(WebhookEndpoint).values(previous_secret_expires_at=int(time.time() * 1000) - 1))
    await emit_events(runtime, store, 1)
    await run_worker(settings, runtime)

    # then
    after = receiver.requests[1]
    assert len(hex_signatures(after)) == 1
    assert_signed_with(after, new_secret)
    with pytest.raises(AssertionError):
        assert_signed_with(after, old_secret)


async def test_each_endpoint_gets_only_the_events_it_subscribed_to_and_a_disabled_one_none(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, f"{receiver.url}/paid", events=[EventType.ORDER_PAID])
    await register(runtime, store, f"{receiver.url}/all")
    disabled_id, _ = await register(runtime, store, f"{receiver.url}/disabled")
    async with runtime.database.write() as session:
        await update_endpoint(session, store.id, disabled_id, enabled=False)

    # when
    await emit_events(runtime, store, 1, EventType.ORDER_CREATED)
    await emit_events(runtime, store, 1, EventType.ORDER_PAID)
    await run_worker(settings, runtime)

    # then
    received = sorted((request.path, request.header("X-Webhook-Event")) for request in receiver.requests)
    assert received == [
        ("/hooks/all", EventType.ORDER_CREATED),
        ("/hooks/all", EventType.ORDER_PAID),
        ("/hooks/paid", EventType.ORDER_PAID),
    ]


async def test_deliveries_of_a_disabled_endpoint_wait_until_it_is_enabled_again(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: an event queued for an endpoint that is then disabled
    endpoint_id, _ = await register(runtime, store, receiver.url)
    await emit_events(runtime, store, 1)
    await fan_out_events(runtime.database)
    async with runtime.database.write() as session:
        await update_endpoint(session, store.id, endpoint_id, enabled=False)
    await run_worker(settings, runtime)
    assert receiver.requests == []

    # when
    async with runtime.database.write() as session:
        await update_endpoint(session, store.id, endpoint_id, enabled=True)
    await run_worker(settings, runtime)

    # then
    assert len(receiver.requests) == 1


async def test_events_without_a_subscribed_endpoint_are_simply_marked_done(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await register(runtime, store, receiver.url, events=[EventType.ORDER_REFUNDED])
    await emit_events(runtime, store, 3, EventType.ORDER_CREATED)

    # when
    await run_worker(settings, runtime)

    # then
    async with runtime.database.read() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert statuses == ["delivered"] * 3
    assert await deliveries(runtime, store) == []
    assert receiver.requests == []


async def test_fanning_out_the_same_event_twice_creates_one_delivery(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: an event fanned out once
    await register(runtime, store, receiver.url)
    await emit_events(runtime, store, 1)
    await fan_out_events(runtime.database)

    # when: its outbox message is due again (as after a crash) and fanned out a second time
    async with runtime.database.write() as session:
        await session.execute(update(OutboxMessage).values(status="pending", locked_until=None))
    await fan_out_events(runtime.database)
    await run_worker(settings, runtime)

    # then
    assert len(await deliveries(runtime, store)) == 1
    assert len(receiver.requests) == 1


async def test_an_endpoint_does_not_receive_events_from_before_it_existed(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    await emit_events(runtime, store, 1)
    await asyncio.sleep(0.002)

    # when
    await register(runtime, store, receiver.url)
    await run_worker(settings, runtime)

    # then
    assert receiver.requests == []


async def test_events_of_another_store_never_reach_this_stores_endpoints(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    other = await make_store(runtime, "other")
    await register(runtime, store, receiver.url)

    # when
    await emit_events(runtime, other, 2)
    await run_worker(settings, runtime)

    # then
    assert receiver.requests == []
