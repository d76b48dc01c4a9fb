"""Webhooks: the store's endpoints, each with its health, its deliveries and their attempts, `Retry` on a failed
delivery, and `Enable endpoint` on a disabled endpoint (one disabled automatically is named at the list's top).

The signing secret is shown once, in the answer to the form that created the endpoint: that page is rendered
straight away rather than after a redirect, since a redirect would need the secret kept somewhere to show it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.db.models import DeliveryStatus
from shopgraph.domain.events import webhook_deliveries, webhook_endpoints
from shopgraph.domain.events.merchant_events import EVENT_TYPES
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError
from shopgraph.ids import now_ms

DELIVERIES_PER_PAGE = 20


async def _list_page(request: Request, me: SignedIn, *, error: DomainError | None = None) -> Response:
    async with runtime_of(request).database.read() as session:
        endpoints = await webhook_endpoints.list_endpoints(session, me.project_id)
    return render(
        request,
        "webhooks.html",
        status=error.status if error else 200,
        me=me,
        endpoints=endpoints,
        event_types=EVENT_TYPES,
        error=error,
        values=posted(request) if error else {},
    )


async def webhook_list(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _list_page(request, me)
    form = posted(request)
    events = [name for name in EVENT_TYPES if form.get(f"event:{name}") == "on"]
    try:
        async with runtime_of(request).database.write() as session:
            endpoint, secret = await webhook_endpoints.create_endpoint(
                session,
                me.project_id,
                url=form.get("url", "").strip(),
                events=events,
                description=form.get("description", "").strip() or None,
                allow_private_targets=runtime_of(request).settings.allow_private_webhook_targets,
            )
    except DomainError as error:
        return await _list_page(request, me, error=error)
    return await _endpoint_page(request, me, endpoint.id, secret=secret, status=201)


async def _endpoint_page(
    request: Request,
    me: SignedIn,
    endpoint_id: str,
    *,
    secret: str | None = None,
    status: int = 200,
    error: DomainError | None = None,
    failed_delivery: str = "",
) -> Response:
    page = request.query_params.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    try:
        async with runtime_of(request).database.read() as session:
            endpoint = await webhook_endpoints.get_endpoint(session, me.project_id, endpoint_id)
            deliveries = await webhook_deliveries.list_deliveries(
                session, me.project_id, endpoint_id=endpoint_id, page=number, limit=DELIVERIES_PER_PAGE
            )
    except DomainError:
        return render(request, "not_found.html", status=404, me=me, what="webhook endpoint")
    return render(
        request,
        "webhook.html",
        status=error.status if error else status,
        me=me,
        endpoint=endpoint,
        deliveries=deliveries,
        page_count=(deliveries.total + DELIVERIES_PER_PAGE - 1) // DELIVERIES_PER_PAGE,
        secret=secret,
        failed=DeliveryStatus.FAILED,
        error=error,
        failed_delivery=failed_delivery,
        notice=request.query_params.get("done"),
        backed_off_until=endpoint.circuit_open_until if (endpoint.circuit_open_until or 0) > now_ms() else None,
    )


async def webhook_detail(request: Request, me: SignedIn) -> Response:
    return await _endpoint_page(request, me, request.path_params["endpoint_id"])


async def retry(request: Request, me: SignedIn) -> Response:
    endpoint_id = request.path_params["endpoint_id"]
    delivery_id = request.path_params["delivery_id"]
    try:
        async with runtime_of(request).database.write() as session:
            retried = await webhook_deliveries.retry_delivery(session, me.project_id, delivery_id)
    except DomainError as error:
        return await _endpoint_page(request, me, endpoint_id, error=error, failed_delivery=delivery_id)
    return redirect(f"/webhooks/{retried.delivery.endpoint_id}", done="retry queued")


async def enable(request: Request, me: SignedIn) -> Response:
    endpoint_id = request.path_params["endpoint_id"]
    try:
        async with runtime_of(request).database.write() as session:
            await webhook_endpoints.update_endpoint(session, me.project_id, endpoint_id, enabled=True)
    except DomainError as error:
        return await _endpoint_page(request, me, endpoint_id, error=error)
    return redirect(f"/webhooks/{endpoint_id}", done="endpoint enabled; its undelivered events go out, oldest first")
