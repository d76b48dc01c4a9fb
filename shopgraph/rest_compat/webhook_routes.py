"""Inbound provider webhooks: verified with the provider's SDK, applied once, acknowledged at once."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.orders.payment_events import receive
from shopgraph.payments import Provider
from shopgraph.rest_compat.context import runtime_of
from shopgraph.rest_compat.responses import json_response


async def _receive(request: Request, provider: Provider) -> Response:
    runtime, slug = runtime_of(request), request.path_params["project_slug"]
    received = await receive(
        runtime.database,
        runtime.state,
        runtime.settings,
        provider=provider,
        project_slug=slug,
        body=await request.body(),
        headers=request.headers,
    )
    return json_response({"received": True, "event_id": received.event_id, "result": received.result})


async def stripe_webhook(request: Request) -> Response:
    return await _receive(request, Provider.STRIPE)


async def razorpay_webhook(request: Request) -> Response:
    return await _receive(request, Provider.RAZORPAY)
