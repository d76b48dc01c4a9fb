"""The webhook part of the admin schema, composed on its own here (the admin door mounts it at /admin/graphql)."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from starlette.requests import Request

from shopgraph.db.state import ProjectState
from shopgraph.runtime import Runtime
from shopgraph.schema.admin_webhooks import WebhookAdminMutation, WebhookAdminQuery
from shopgraph.schema.build import build_schema
from shopgraph.schema.context import GraphQLContext
from shopgraph.settings import Settings
from tests.fakes.receiver import Receiver
from tests.support.factories import Store, make_store
from tests.support.outbox import run_worker
from tests.support.webhooks import assert_signed_with, emit_events

pytestmark = pytest.mark.webhook_receiver

CREATE = """
mutation Create($url: String!, $events: [String!]) {
  webhookEndpointCreate(url: $url, events: $events, description: "orders to the ERP") {
    endpoint { id url events enabled description }
    secret
    userErrors { field message code }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $enabled: Boolean, $rotate: Boolean! = false) {
  webhookEndpointUpdate(id: $id, enabled: $enabled, rotateSecret: $rotate) {
    endpoint { id enabled previousSecretExpiresAt }
    secret
    userErrors { field code }
  }
}
"""
DELETE = """
mutation Delete($id: ID!) { webhookEndpointDelete(id: $id) { deletedId userErrors { code } } }
"""
ENDPOINTS = "{ webhookEndpoints { id url } }"
DELIVERIES = """
query Deliveries($endpointId: ID, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $endpointId, status: $status) {
    total
    items { id eventType status attemptCount payload attempts { statusCode durationMs responseExcerpt error } }
  }
}
"""
RETRY = """
mutation Retry($id: ID!) {
  webhookDeliveryRetry(id: $id) { delivery { id status attemptCount } userErrors { code } }
}
"""


@strawberry.type
class Query(WebhookAdminQuery):
    pass


@strawberry.type
class Mutation(WebhookAdminMutation):
    pass


@pytest.fixture
async def store(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


@pytest.fixture
def admin(runtime: Runtime, settings: Settings, store: Store) -> Any:
    schema = build_schema(settings, Query, Mutation)
    context = GraphQLContext(
        runtime=runtime,
        project=ProjectState(store.id, store.slug, 1, 1, "secret"),
        request=Request({"type": "http", "method": "POST", "headers": []}),
    )

    async def execute(document: str, **variables: Any) -> dict[str, Any]:
        result = await schema.execute(document, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    return execute


def test_an_endpoint_never_shows_its_secret() -> None:
    schema = strawberry.Schema(query=Query, mutation=Mutation)

    assert "secret" not in {field.name for field in schema.get_type_by_name("WebhookEndpoint").fields}  # type: ignore[union-attr]


async def test_a_merchant_registers_an_endpoint_and_reads_its_deliveries(
    admin: Any, runtime: Runtime, settings: Settings, store: Store, receiver: Receiver
) -> None:
    # when
    created = (await admin(CREATE, url=receiver.url, events=["inventory.low"]))["webhookEndpointCreate"]

    # then
    assert created["userErrors"] == []
    assert created["secret"].startswith("whsec_")
    endpoint = created["endpoint"]
    assert (endpoint["url"], endpoint["events"], endpoint["enabled"]) == (receiver.url, ["inventory.low"], True)
    assert (await admin(ENDPOINTS))["webhookEndpoints"] == [{"id": endpoint["id"], "url": receiver.url}]

    # when
    await emit_events(runtime, store, 1)
    await run_worker(settings, runtime)
    page = (await admin(DELIVERIES, endpointId=endpoint["id"], status="DELIVERED"))["webhookDeliveries"]

    # then
    assert_signed_with(receiver.requests[0], created["secret"])
    [delivery] = page["items"]
    assert (page["total"], delivery["eventType"], delivery["status"], delivery["attemptCount"]) == (
        1,
        "inventory.low",
        "DELIVERED",
        1,
    )
    assert delivery["payload"].encode() == receiver.requests[0].body
    assert delivery["attempts"][0]["statusCode"] == 200 and delivery["attempts"][0]["responseExcerpt"] == "ok"

    # when
    retried = (await admin(RETRY, id=delivery["id"]))["webhookDeliveryRetry"]

    # then
    assert retried == {"delivery": {"id": delivery["id"], "status": "PENDING", "attemptCount": 1}, "userErrors": []}


async def test_rotation_returns_the_new_secret_once_and_a_plain_update_none(admin: Any, receiver: Receiver) -> None:
    # given
    endpoint_id = (await admin(CREATE, url=receiver.url))["webhookEndpointCreate"]["endpoint"]["id"]

    # when
    disabled = (await admin(UPDATE, id=endpoint_id, enabled=False))["webhookEndpointUpdate"]
    rotated = (await admin(UPDATE, id=endpoint_id, rotate=True))["webhookEndpointUpdate"]

    # then
    assert disabled["secret"] is None and disabled["endpoint"]["enabled"] is False
    assert disabled["endpoint"]["previousSecretExpiresAt"] is None
    assert rotated["secret"].startswith("whsec_") and rotated["endpoint"]["previousSecretExpiresAt"] > 0


async def test_mistakes_come_back_as_user_errors(admin: Any, runtime: Runtime) -> None:
    # given
    other = await make_store(runtime, "other")

    # when
    bad_url = (await admin(CREATE, url="ftp://example.com"))["webhookEndpointCreate"]
    bad_event = (await admin(CREATE, url="https://hooks.example.com", events=["order.lost"]))["webhookEndpointCreate"]
    unknown = (await admin(UPDATE, id="whe_unknown", enabled=True))["webhookEndpointUpdate"]
    deleted = (await admin(DELETE, id="whe_unknown"))["webhookEndpointDelete"]
    retried = (await admin(RETRY, id="whd_unknown"))["webhookDeliveryRetry"]
    foreign = (await admin(DELIVERIES, endpointId=other.id))["webhookDeliveries"]

    # then
    assert bad_url["endpoint"] is None and bad_url["secret"] is None
    assert bad_url["userErrors"][0]["code"] == "INVALID_URL" and bad_url["userErrors"][0]["field"] == "url"
    assert bad_event["userErrors"][0]["code"] == "INVALID_EVENT_TYPE"
    assert unknown["userErrors"] == [{"field": "id", "code": "WEBHOOK_ENDPOINT_NOT_FOUND"}]
    assert deleted == {"deletedId": None, "userErrors": [{"code": "WEBHOOK_ENDPOINT_NOT_FOUND"}]}
    assert retried == {"delivery": None, "userErrors": [{"code": "WEBHOOK_DELIVERY_NOT_FOUND"}]}
    assert foreign is None
    assert (await admin(ENDPOINTS))["webhookEndpoints"] == []


async def test_deleting_an_endpoint_returns_its_id(admin: Any) -> None:
    endpoint_id = (await admin(CREATE, url="https://hooks.example.com"))["webhookEndpointCreate"]["endpoint"]["id"]

    deleted = (await admin(DELETE, id=endpoint_id))["webhookEndpointDelete"]

    assert deleted == {"deletedId": endpoint_id, "userErrors": []}
    assert (await admin(ENDPOINTS))["webhookEndpoints"] == []
