"""Inbound provider webhooks: verified with the provider's SDK, applied once, acknowledged at once."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.db.state import BY_SLUG
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.errors import NotFound
from shopgraph.payments import provider_for
from shopgraph.resolvers.payment_events import apply_event
from shopgraph.rest_compat.context import runtime_of
from shopgraph.rest_compat.responses import json_response


async def _receive(request: Request, provider_name: str) -> Response:
    runtime = runtime_of(request)
    state = await runtime.state.fetch(BY_SLUG, request.path_params["project_slug"])
    if state is None:
        raise NotFound("no such project", code="PROJECT_NOT_FOUND")
    body = await request.body()
    async with runtime.database.read() as session:
        credentials, _ = await credentials_for(session, state.project_id)
    provider = provider_for(provider_name, credentials, runtime.settings, mode="checkout_session")
    event = provider.parse_webhook(body, request.headers)
    async with runtime.database.write() as session:
        result = await apply_event(session, state.project_id, event)
    return json_response({"received": True, "event_id": event.event_id, "result": result})


async def stripe_webhook(request: Request) -> Response:
    return await _receive(request, "stripe")


async def razorpay_webhook(request: Request) -> Response:
    return await _receive(request, "razorpay")
