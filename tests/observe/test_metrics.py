"""`/metrics`: the contract's series for loopback or with the metrics token, else 404; labels are route templates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.db.models import WebhookEndpoint
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, make_store
from tests.support.outbox import run_worker
from tests.support.payments import checkout_one_mug
from tests.support.webhooks import emit_events, register

TOKEN = "metrics-token-0123456789abcdef"
SERIES = [
    "shopgraph_http_requests",
    "shopgraph_http_request_duration_seconds",
    "shopgraph_orders_created",
    "shopgraph_outbox_pending",
    "shopgraph_webhook_deliveries",
]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


@pytest.fixture
async def app_with_token(database_url: str) -> AsyncIterator[Starlette]:
    app = create_app(
        Settings(database_url=database_url, encryption_keys=encryption_keys_for(database_url), metrics_token=TOKEN)
    )
    yield app
    await app.state.runtime.close()


def client_from(app: Starlette, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_a_loopback_client_reads_every_series(client: httpx.AsyncClient) -> None:
    text = await scrape(client)
    names = {family.name for family in text_string_to_metric_families(text)}
    assert set(SERIES) <= names


@pytest.mark.parametrize("host", ["203.0.113.7", "10.0.0.2", "2001:db8::1"])
async def test_other_clients_get_404_without_the_token_and_the_page_with_it(
    app_with_token: Starlette, host: str
) -> None:
    async with client_from(app_with_token, host) as client:
        # when
        bare = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
        right = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        unknown = await client.get("/no-such-page")

    # then
    assert bare.status_code == wrong.status_code == 404
    assert bare.json() == unknown.json()
    assert right.status_code == 200 and "shopgraph_http_requests_total" in right.text


async def test_without_a_token_set_no_bearer_opens_the_page(client: httpx.AsyncClient, app: Starlette) -> None:
    async with client_from(app, "203.0.113.7") as outsider:
        assert (await outsider.get("/metrics", headers={"Authorization": "Bearer "})).status_code == 404


async def test_requests_are_counted_by_route_template_method_and_status(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    route = "/api/v1/public/projects/{project_slug}/ecommerce/products/{slug}"
    before = await scrape(client)

    # when
    for slug in ("classic-tee", "ceramic-mug", "no-such-product"):
        await client.get(demo.aerostack(f"/products/{slug}"), headers=demo.auth)

    # then
    after = await scrape(client)
    labels = {"route": route, "method": "GET"}
    assert (
        value(after, "shopgraph_http_requests_total", **labels, status="200")
        - value(before, "shopgraph_http_requests_total", **labels, status="200")
        == 2
    )
    assert (
        value(after, "shopgraph_http_requests_total", **labels, status="404")
        - value(before, "shopgraph_http_requests_total", **labels, status="404")
        == 1
    )
    assert (
        value(after, "shopgraph_http_request_duration_seconds_count", route=route)
        - value(before, "shopgraph_http_request_duration_seconds_count", route=route)
        == 3
    )


async def test_no_label_carries_an_id_a_slug_or_an_email(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    await client.get(demo.aerostack("/products/classic-tee"), headers=demo.auth)
    await client.get(demo.aerocall("/orders/ord_01jzzz?email=ann@example.com"), headers=demo.auth)
    await client.get("/api/v1/ecommerce/cart/cart-123abc", headers=demo.auth)
    await client.request("BREW", "/graphql")

    # when
    text = await scrape(client)

    # then
    label_values = {value for (_name, labels) in samples(text) for _key, value in labels}
    for forbidden in ("classic-tee", "ord_01jzzz", "ann@example.com", "cart-123abc", "demo", "BREW"):
        assert not any(forbidden in label for label in label_values), forbidden
    assert "/api/v1/ecommerce/cart/{cart_id}" in label_values
    assert "OTHER" in label_values


async def test_orders_created_and_outbox_pending_follow_a_checkout(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    before = await scrape(client)

    # when: cash on delivery, so the order's confirmation email waits in the outbox
    response = await checkout_one_mug(client, demo)

    # then
    assert response.status_code == 201, response.text
    after = await scrape(client)
    assert value(after, "shopgraph_orders_created_total") - value(before, "shopgraph_orders_created_total") == 1
    assert value(after, "shopgraph_outbox_pending") > value(before, "shopgraph_outbox_pending")


@pytest.mark.webhook_receiver
async def test_webhook_deliveries_are_counted_by_outcome(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    # given: an endpoint that fails the first attempt of one of two events
    store = await make_store(runtime, "shop")
    await register(runtime, store, receiver.url)
    receiver.fail_next(1)
    before = await scrape(client)

    # when
    await emit_events(runtime, store, 2)
    await run_worker(settings, runtime, rounds=3)

    # then
    after = await scrape(client)

    def added(outcome: str) -> float:
        name = "shopgraph_webhook_deliveries_total"
        return value(after, name, outcome=outcome) - value(before, name, outcome=outcome)

    assert (added("delivered"), added("retry")) == (2, 1)


@pytest.mark.webhook_receiver
async def test_the_backlog_and_failing_endpoints_are_gauged_and_emails_counted_by_outcome(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver, demo: Store
) -> None:
    # given: an endpoint that fails everything, three events for it, and an order email with no SMTP server
    store = await make_store(runtime, "shop")
    await register(runtime, store, receiver.url)
    receiver.fail_next(1000)
    await emit_events(runtime, store, 3)
    assert (await checkout_one_mug(client, demo)).status_code == 201
    before = await scrape(client)

    # when: the events are fanned out and their attempts fail until the endpoint is backed off
    await run_worker(replace(settings, webhook_circuit_failures=3), runtime)

    # then
    after = await scrape(client)
    assert value(after, "shopgraph_webhook_deliveries_pending") == 3
    assert value(after, "shopgraph_outbox_pending") == 3
    assert value(after, "shopgraph_webhook_endpoints_backed_off") == 1
    assert value(after, "shopgraph_webhook_endpoints_disabled") == 0
    name = "shopgraph_email_deliveries_total"
    assert value(after, name, outcome="not_sent") - value(before, name, outcome="not_sent") == 1

    # when: the endpoint is disabled
    async with runtime.database.write() as session:
        await session.execute(update(WebhookEndpoint).values(enabled=False))

    # then
    assert value(await scrape(client), "shopgraph_webhook_endpoints_disabled") == 1
