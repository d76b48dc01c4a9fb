"""What webhook tests share: register an endpoint, emit events, read deliveries, check signatures."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from standardwebhooks import Webhook

from shopgraph.domain.events.merchant_events import EventType, emit
from shopgraph.domain.events.webhook_deliveries import DeliveryRecord, list_deliveries
from shopgraph.domain.events.webhook_endpoints import create_endpoint
from shopgraph.runtime import Runtime
from tests.fakes.receiver import ReceivedRequest
from tests.support.factories import Store


async def register(runtime: Runtime, store: Store, url: str, events: Sequence[str] = ()) -> tuple[str, str]:
    """A new endpoint's id and secret."""
    async with runtime.database.write() as session:
        endpoint, secret = await create_endpoint(
            session, store.id, url=url, events=list(events), allow_private_targets=True
        )
    return endpoint.id, secret


async def deliveries(runtime: Runtime, store: Store, **filters: Any) -> list[DeliveryRecord]:
    async with runtime.database.read() as session:
        return list((await list_deliveries(session, store.id, limit=100, **filters)).items)


async def emit_events(
    runtime: Runtime, store: Store, count: int, event_type: str = EventType.INVENTORY_LOW
) -> list[str]:
    async with runtime.database.write() as session:
        return [await emit(session, store.id, event_type, {"n": n}) for n in range(count)]


def hex_signatures(request: ReceivedRequest) -> list[str]:
    return [part.strip() for part in request.header("X-Webhook-Signature").split(",")]


def assert_signed_with(request: ReceivedRequest, secret: str) -> None:
    """Both schemes verify: the hex HMAC of the raw body, and Standard Webhooks through its own library."""
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert any(hmac.compare_digest(expected, given) for given in hex_signatures(request))
    assert Webhook(secret).verify(request.body, request.headers) == request.json()
