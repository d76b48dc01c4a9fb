"""Managing endpoints and deliveries through the domain functions the admin API calls."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select

from shopgraph.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopgraph.domain.events import webhook_deliveries
from shopgraph.domain.events import webhook_endpoints as endpoints
from shopgraph.domain.events.merchant_events import EventType
from shopgraph.errors import DomainError, NotFound
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.support.factories import Store, make_store
from tests.support.outbox import run_worker
from tests.support.webhooks import deliveries, emit_events, register

pytestmark = pytest.mark.webhook_receiver

DAY_MS = 24 * 60 * 60 * 1000


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


async def _count(runtime: Runtime, model: type[Any]) -> int:
    async with runtime.database.read() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _endpoint(runtime: Runtime, endpoint_id: str) -> WebhookEndpoint:
    async with runtime.database.read() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
    assert endpoint is not None
    return endpoint


async def test_a_new_endpoint_gets_its_own_secret_and_hears_every_event_unless_told_otherwise(
    runtime: Runtime, store: Store
) -> None:
    # when
    async with runtime.database.write() as session:
        every, every_secret = await endpoints.create_endpoint(
            session, store.id, url="https://hooks.example.com/all", description="  ERP sync  "
        )
        paid, paid_secret = await endpoints.create_endpoint(
            session, store.id, url="https://hooks.example.com/paid", events=[EventType.ORDER_PAID, EventType.ORDER_PAID]
        )

    # then
    assert every.id.startswith("whe_") and every.enabled
    assert every_secret.startswith("whsec_") and every_secret != paid_secret
    assert (every.events, every.description) == ([], "ERP sync")
    assert paid.events == [EventType.ORDER_PAID]
    async with runtime.database.read() as session:
        listed = await endpoints.list_endpoints(session, store.id)
    assert [(endpoint.id, endpoint.secret) for endpoint in listed] == [(every.id, every_secret), (paid.id, paid_secret)]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"url": "ftp://hooks.example.com/x"}, "INVALID_URL"),
        ({"url": "hooks.example.com/x"}, "INVALID_URL"),
        ({"url": "https://hooks.example.com/" + "x" * 2000}, "INVALID_URL"),
        ({"url": "http://localhost:3000/hooks"}, "URL_NOT_ALLOWED"),
        ({"url": "http://10.0.0.7/hooks"}, "URL_NOT_ALLOWED"),
        ({"url": "http://[::1]/hooks"}, "URL_NOT_ALLOWED"),
        ({"events": ["order.paid", "order.exploded"]}, "INVALID_EVENT_TYPE"),
        ({"events": "order.paid"}, "INVALID_EVENT_TYPE"),
        ({"description": "x" * 501}, "INVALID_INPUT"),
    ],
)
async def test_bad_input_to_create_is_refused_and_creates_nothing(
    runtime: Runtime, store: Store, fields: dict[str, Any], code: str
) -> None:
    # when
    with pytest.raises(DomainError) as refused:
        async with runtime.database.write() as session:
            await endpoints.create_endpoint(session, store.id, **{"url": "https://hooks.example.com/x", **fields})

    # then
    assert refused.value.code == code and refused.value.status == 400
    assert refused.value.field == next(iter(fields))
    assert await _count(runtime, WebhookEndpoint) == 0


async def test_private_targets_may_be_saved_when_the_server_allows_them(runtime: Runtime, store: Store) -> None:
    async with runtime.database.write() as session:
        endpoint, _ = await endpoints.create_endpoint(
            session, store.id, url="http://127.0.0.1:9000/hooks", allow_private_targets=True
        )

    assert endpoint.url == "http://127.0.0.1:9000/hooks"


async def test_a_store_has_at_most_twenty_endpoints(runtime: Runtime, store: Store) -> None:
    # given
    async with runtime.database.write() as session:
        for n in range(endpoints.MAX_ENDPOINTS_PER_PROJECT):
            await endpoints.create_endpoint(session, store.id, url=f"https://hooks.example.com/{n}")

    # when
    with pytest.raises(DomainError) as refused:
        async with runtime.database.write() as session:
            await endpoints.create_endpoint(session, store.id, url="https://hooks.example.com/one-more")

    # then
    assert refused.value.code == "TOO_MANY_ENDPOINTS"
    assert await _count(runtime, WebhookEndpoint) == endpoints.MAX_ENDPOINTS_PER_PROJECT


async def test_an_update_changes_only_what_is_given(runtime: Runtime, store: Store) -> None:
    # given
    endpoint_id, secret = await register(runtime, store, "https://hooks.example.com/a", events=[EventType.ORDER_PAID])

    # when
    async with runtime.database.write() as session:
        _, rotated = await endpoints.update_endpoint(
            session, store.id, endpoint_id, url="https://hooks.example.com/b", enabled=False
        )

    # then
    endpoint = await _endpoint(runtime, endpoint_id)
    assert rotated is None
    assert (endpoint.url, endpoint.enabled, endpoint.events, endpoint.secret) == (
        "https://hooks.example.com/b",
        False,
        [EventType.ORDER_PAID],
        secret,
    )

    # when: an empty list subscribes to everything
    async with runtime.database.write() as session:
        await endpoints.update_endpoint(session, store.id, endpoint_id, events=[], description="all of it")

    # then
    endpoint = await _endpoint(runtime, endpoint_id)
    assert (endpoint.events, endpoint.description) == ([], "all of it")


async def test_rotating_the_secret_keeps_the_old_one_valid_for_a_day(runtime: Runtime, store: Store) -> None:
    # given
    endpoint_id, old_secret = await register(runtime, store, "https://hooks.example.com/a")

    # when
    before = int(time.time() * 1000)
    async with runtime.database.write() as session:
        _, new_secret = await endpoints.update_endpoint(session, store.id, endpoint_id, rotate_secret=True)

    # then
    endpoint = await _endpoint(runtime, endpoint_id)
    assert new_secret is not None and new_secret.startswith("whsec_") and new_secret != old_secret
    assert (endpoint.secret, endpoint.previous_secret) == (new_secret, old_secret)
    assert endpoint.previous_secret_expires_at is not None
    assert before + DAY_MS <= endpoint.previous_secret_expires_at <= before + DAY_MS + 60_000


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "gopher://hooks.example.com"},
        {"events": ["order.lost"]},
        {"description": "x" * 501},
        {"url": "https://hooks.example.com/ok", "events": ["nope"], "rotate_secret": True},
    ],
)
async def test_bad_input_to_update_is_refused_and_changes_nothing(
    runtime: Runtime, store: Store, fields: dict[str, Any]
) -> None:
    # given
    endpoint_id, secret = await register(runtime, store, "https://hooks.example.com/a")

    # when
    with pytest.raises(DomainError):
        async with runtime.database.write() as session:
            await endpoints.update_endpoint(session, store.id, endpoint_id, **fields)

    # then
    endpoint = await _endpoint(runtime, endpoint_id)
    assert (endpoint.url, endpoint.events, endpoint.description, endpoint.secret, endpoint.previous_secret) == (
        "https://hooks.example.com/a",
        [],
        "",
        secret,
        None,
    )


async def test_another_stores_endpoints_and_deliveries_are_not_found(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: the other store's endpoint with one delivery
    other = await make_store(runtime, "other")
    theirs, their_secret = await register(runtime, other, receiver.url)
    await emit_events(runtime, other, 1)
    await run_worker(settings, runtime)
    [their_delivery] = await deliveries(runtime, other)
    calls = [
        lambda session: endpoints.update_endpoint(session, store.id, theirs, url="https://evil.example.com/"),
        lambda session: endpoints.update_endpoint(session, store.id, theirs, rotate_secret=True),
        lambda session: endpoints.delete_endpoint(session, store.id, theirs),
        lambda session: endpoints.get_endpoint(session, store.id, theirs),
        lambda session: webhook_deliveries.list_deliveries(session, store.id, endpoint_id=theirs),
        lambda session: webhook_deliveries.retry_delivery(session, store.id, their_delivery.delivery.id),
        lambda session: webhook_deliveries.get_delivery(session, store.id, their_delivery.delivery.id),
    ]

    for call in calls:
        # when
        with pytest.raises(NotFound):
            async with runtime.database.write() as session:
                await call(session)

    # then
    endpoint = await _endpoint(runtime, theirs)
    assert (endpoint.url, endpoint.secret) == (receiver.url, their_secret)
    [unchanged] = await deliveries(runtime, other)
    assert unchanged.delivery.status == "delivered"
    async with runtime.database.read() as session:
        assert await endpoints.list_endpoints(session, store.id) == []
        assert (await webhook_deliveries.list_deliveries(session, store.id)).total == 0


async def test_deleting_an_endpoint_removes_its_deliveries_and_their_attempts(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given
    endpoint_id, _ = await register(runtime, store, receiver.url)
    kept_id, _ = await register(runtime, store, f"{receiver.url}/kept")
    await emit_events(runtime, store, 2)
    await run_worker(settings, runtime)

    # when
    async with runtime.database.write() as session:
        deleted = await endpoints.delete_endpoint(session, store.id, endpoint_id)

    # then
    assert deleted == endpoint_id
    assert await _count(runtime, WebhookDelivery) == 2
    assert await _count(runtime, WebhookAttempt) == 2
    assert {record.delivery.endpoint_id for record in await deliveries(runtime, store)} == {kept_id}


async def test_deliveries_are_listed_newest_first_by_endpoint_and_status_a_page_at_a_time(
    runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # given: three events delivered to both endpoints, then one for the first only, which it answers with a 500
    first, _ = await register(runtime, store, receiver.url)
    second, _ = await register(runtime, store, f"{receiver.url}/second", events=[EventType.INVENTORY_LOW])
    await emit_events(runtime, store, 3, EventType.INVENTORY_LOW)
    await run_worker(settings, runtime)
    receiver.fail_next(1)
    await emit_events(runtime, store, 1, EventType.ORDER_REFUNDED)
    await run_worker(settings, runtime)

    # when
    async with runtime.database.read() as session:
        of_first = await webhook_deliveries.list_deliveries(session, store.id, endpoint_id=first, limit=2)
        second_page = await webhook_deliveries.list_deliveries(session, store.id, endpoint_id=first, page=2, limit=2)
        pending = await webhook_deliveries.list_deliveries(session, store.id, status="pending")
        delivered_of_second = await webhook_deliveries.list_deliveries(
            session, store.id, endpoint_id=second, status="delivered"
        )

    # then
    assert (of_first.total, len(of_first.items), len(second_page.items)) == (4, 2, 2)
    assert of_first.items[0].delivery.event_type == EventType.ORDER_REFUNDED
    created = [record.delivery.created_at for record in of_first.items + second_page.items]
    assert created == sorted(created, reverse=True)
    assert [record.delivery.event_type for record in pending.items] == [EventType.ORDER_REFUNDED]
    assert [attempt.status_code for attempt in pending.items[0].attempts] == [500]
    assert delivered_of_second.total == 3


@pytest.mark.parametrize(
    ("filters", "parameter"),
    [({"status": "lost"}, "status"), ({"page": 0}, "page"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit")],
)
async def test_bad_filters_for_deliveries_name_the_parameter(
    runtime: Runtime, store: Store, filters: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(DomainError) as refused:
        async with runtime.database.read() as session:
            await webhook_deliveries.list_deliveries(session, store.id, **filters)

    assert refused.value.code == "INVALID_PARAMETER" and refused.value.field == parameter
