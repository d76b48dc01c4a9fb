"""One line per request, in JSON or text, naming the route template and the project; secrets never in any line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from shopgraph.app import create_app
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.stripe_fake import StripeFake
from tests.observe.conftest import CapturedLogs
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, make_store
from tests.support.payments import PROVIDER_SETTINGS, checkout_one_mug, store_paying_with

PRODUCT = "/api/v1/public/projects/demo/ecommerce/products/classic-tee"
TEMPLATE = "/api/v1/public/projects/{project_slug}/ecommerce/products/{slug}"


def access_lines(logs: CapturedLogs) -> list[dict[str, object]]:
    records = [json.loads(line) for line in logs.lines]
    return [record for record in records if record["logger"] == "shopgraph.access"]


async def test_each_request_is_one_json_line_with_its_route_template_and_project(
    captured_logs: CapturedLogs, settings: Settings, client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    captured_logs.start(Settings(log_format="json"))

    # when
    product = await client.get(PRODUCT, headers=demo.auth)
    missing = await client.get("/api/v1/ecommerce/products/no-such-thing", headers=demo.auth)
    unknown = await client.get("/no/such/path/ord_01J2")

    # then
    lines = access_lines(captured_logs)
    assert len(lines) == 3
    first, second, third = lines
    assert set(first) >= {"time", "level", "request_id", "method", "route", "status", "duration_ms", "project"}
    assert (first["level"], first["method"], first["route"], first["status"]) == ("INFO", "GET", TEMPLATE, 200)
    assert first["project"] == "demo"
    assert first["request_id"] == product.headers["x-request-id"]
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] > 0
    assert str(first["time"]).endswith("Z") and "T" in str(first["time"])
    assert (second["route"], second["status"], second["project"]) == (
        "/api/v1/ecommerce/products/{slug}",
        missing.status_code,
        "demo",
    )
    assert (third["route"], third["status"], third["project"]) == ("unmatched", unknown.status_code, None)
    assert "classic-tee" not in captured_logs.text and "ord_01J2" not in captured_logs.text


async def test_graphql_requests_name_their_project_too(
    captured_logs: CapturedLogs, client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    captured_logs.start(Settings(log_format="json"))

    # when
    await client.post("/graphql", json={"query": "{ storeConfig { defaultCurrency } }"}, headers=demo.auth)

    # then
    (line,) = access_lines(captured_logs)
    assert (line["method"], line["route"], line["status"], line["project"]) == ("POST", "/graphql", 200, "demo")


async def test_refusals_of_the_request_guard_are_logged_too(
    captured_logs: CapturedLogs, client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    captured_logs.start(Settings(log_format="json"))

    # when
    await client.get("/api/v1/ecommerce/products?" + "q=x&" * 2000, headers=demo.auth)

    # then
    (line,) = access_lines(captured_logs)
    assert (line["status"], line["route"]) == (414, "unmatched")


async def test_text_lines_read_like_a_sentence(
    captured_logs: CapturedLogs, client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    captured_logs.start(Settings(log_format="text"))

    # when
    response = await client.get(PRODUCT, headers=demo.auth)

    # then
    (line,) = [line for line in captured_logs.lines if "shopgraph.access" in line]
    assert f"INFO    shopgraph.access GET {TEMPLATE} 200 " in line
    assert line.endswith(f"project=demo request_id={response.headers['x-request-id']}")
    assert not line.startswith("{")


async def test_warning_level_writes_no_request_lines(
    captured_logs: CapturedLogs, client: httpx.AsyncClient, demo: Store
) -> None:
    captured_logs.start(Settings(log_format="json"), level="WARNING")
    await client.get(PRODUCT, headers=demo.auth)
    assert captured_logs.text == ""


@pytest.fixture
async def client_with_secrets(stripe_fake: StripeFake, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        stripe_api_base=stripe_fake.url,
        smtp_url="smtp://mailer:smtp-password-1234@127.0.0.1:1",
        metrics_token="metrics-token-abcdefgh12345678",
    )
    app = create_app(settings)
    app.state.settings_under_test = settings
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            yield client
    finally:
        await app.state.runtime.close()


async def test_no_key_token_or_secret_appears_in_any_line_even_at_debug(
    captured_logs: CapturedLogs, client_with_secrets: httpx.AsyncClient
) -> None:
    # given: a store paying with Stripe, another with Razorpay's secrets, and every library at DEBUG
    app = client_with_secrets._transport.app  # type: ignore[attr-defined]
    runtime: Runtime = app.state.runtime
    settings: Settings = app.state.settings_under_test
    captured_logs.start(settings, level="DEBUG")
    stripe_store = await store_paying_with(runtime, "stripe")
    razorpay_store = await make_store(runtime, "other", settings=PROVIDER_SETTINGS["razorpay"])

    # when: keys in the query string and in headers, a checkout that calls Stripe, settings read and written
    client = client_with_secrets
    await client.get(f"{PRODUCT}?token={stripe_store.public_key}")
    await client.get(f"/api/v1/ecommerce/products?token={razorpay_store.public_key}&limit=2")
    await client.post(
        "/admin/graphql",
        json={"query": "{ storeConfig { paymentProvider } }"},
        headers={"Authorization": f"Bearer {stripe_store.secret_key}"},
    )
    checkout = await checkout_one_mug(client, stripe_store)
    await client.get("/metrics", headers={"Authorization": f"Bearer {settings.metrics_token}"})

    # then
    assert checkout.status_code == 201, checkout.text
    output = captured_logs.text
    assert "sqlalchemy.engine" in output and "shopgraph.access" in output and "stripe" in output
    stripe, razorpay = PROVIDER_SETTINGS["stripe"], PROVIDER_SETTINGS["razorpay"]
    secrets = [
        stripe_store.public_key,
        stripe_store.secret_key,
        razorpay_store.public_key,
        razorpay_store.secret_key,
        stripe["stripe_secret_key"],
        stripe["stripe_publishable_key"],
        stripe["stripe_webhook_secret"],
        razorpay["razorpay_key_id"],
        razorpay["razorpay_key_secret"],
        razorpay["razorpay_webhook_secret"],
        "smtp-password-1234",
        "metrics-token-abcdefgh12345678",
    ]
    leaked = [secret for secret in secrets if secret in output]
    assert leaked == [], [line for line in output.splitlines() if any(s in line for s in leaked)][:3]
