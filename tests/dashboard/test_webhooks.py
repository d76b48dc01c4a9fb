"""Webhooks in the dashboard: register an endpoint (its secret shown once), see deliveries and attempts, retry."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import update

from shopgraph.db.models import WebhookEndpoint
from shopgraph.domain.events.webhook_endpoints import update_endpoint
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.dashboard.support import csrf_of, sign_in
from tests.fakes.receiver import Receiver
from tests.support.factories import Store
from tests.support.outbox import run_worker
from tests.support.webhooks import deliveries, emit_events, register

pytestmark = pytest.mark.webhook_receiver

HOUR = 3_600_000


async def test_register_an_endpoint_and_retry_a_failed_delivery(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, receiver: Receiver
) -> None:
    csrf = await sign_in(client, demo)
    created = await client.post(
        "/dashboard/webhooks",
        data={"csrf_token": csrf, "url": receiver.url, "description": "ERP", "event:inventory.low": "on"},
    )
    assert created.status_code == 201, created.text
    secret = re.search(r'<code id="signing_secret">([^<]+)</code>', created.text)
    assert secret is not None and secret.group(1).startswith("whsec_")
    listed = (await client.get("/dashboard/webhooks")).text
    endpoint_id = re.search(r'href="/dashboard/webhooks/(whe_[^"]+)"', listed)
    assert endpoint_id is not None
    page_path = f"/dashboard/webhooks/{endpoint_id.group(1)}"
    assert secret.group(1) not in (await client.get(page_path)).text

    receiver.fail_next(100)
    await emit_events(runtime, demo, 1)
    await run_worker(settings, runtime, rounds=8)
    [failed] = await deliveries(runtime, demo)
    assert failed.delivery.status == "failed" and len(failed.attempts) >= 2
    page = (await client.get(page_path)).text
    assert "Retry" in page and ">500<" in page

    receiver.reset()
    csrf = await csrf_of(client, page_path)
    retried = await client.post(f"{page_path}/deliveries/{failed.delivery.id}/retry", data={"csrf_token": csrf})
    assert retried.status_code == 303
    await run_worker(settings, runtime, rounds=2)
    [done] = await deliveries(runtime, demo)
    assert done.delivery.status == "delivered" and len(done.attempts) == len(failed.attempts) + 1
    assert receiver.event_ids


async def test_a_refused_endpoint_shows_its_error_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    response = await client.post("/dashboard/webhooks", data={"csrf_token": csrf, "url": "ftp://nope"})
    assert response.status_code == 400 and 'id="url_error"' in response.text
    assert "No endpoints." in (await client.get("/dashboard/webhooks")).text
    missing = await client.post("/dashboard/webhooks/whe_x/deliveries/whd_missing/retry", data={"csrf_token": csrf})
    assert missing.status_code == 404


async def test_an_endpoint_disabled_automatically_is_named_on_the_webhooks_page_and_enabled_again_with_a_button(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, receiver: Receiver
) -> None:
    # given: an endpoint whose every attempt has failed for four days
    endpoint_id, _ = await register(runtime, demo, receiver.url)
    receiver.fail_next(100)
    [event_id] = await emit_events(runtime, demo, 1)
    await run_worker(settings, runtime)
    async with runtime.database.write() as session:
        await session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(failing_since=now_ms() - 96 * HOUR)
        )
    await run_worker(replace(settings, webhook_disable_after_failures=2), runtime)
    csrf = await sign_in(client, demo)

    # when
    listed = (await client.get("/dashboard/webhooks")).text
    page_path = f"/dashboard/webhooks/{endpoint_id}"
    page = (await client.get(page_path)).text

    # then
    assert "was disabled automatically: every attempt failed for 96 hours" in listed
    assert "Enable endpoint" in page and "Failed in a row" in page and "endpoint.disabled" in page

    # when: the merchant enables it, and the worker runs
    receiver.reset()
    enabled = await client.post(f"{page_path}/enable", data={"csrf_token": await csrf_of(client, page_path)})
    await run_worker(settings, runtime)

    # then
    assert enabled.status_code == 303 and csrf
    assert "disabled automatically" not in (await client.get("/dashboard/webhooks")).text
    assert receiver.event_ids == [event_id]


async def test_enabling_without_the_form_token_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, receiver: Receiver
) -> None:
    # given
    endpoint_id, _ = await register(runtime, demo, receiver.url)
    async with runtime.database.write() as session:
        await update_endpoint(session, demo.id, endpoint_id, enabled=False)
    await sign_in(client, demo)

    # when
    answer = await client.post(f"/dashboard/webhooks/{endpoint_id}/enable", data={"csrf_token": "forged"})

    # then
    assert 400 <= answer.status_code < 500
    async with runtime.database.read() as session:
        assert (await session.get(WebhookEndpoint, endpoint_id)).enabled is False  # type: ignore[union-attr]
