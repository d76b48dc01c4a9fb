"""The order page: opened by its signed link, or by the email the order was placed with."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.orders.links import order_link_secret, order_token_matches
from shopgraph.domain.orders.reads import OrderWithItems, customer_order, load_order
from shopgraph.domain.stores.access import project_from_slug
from shopgraph.errors import DomainError
from shopgraph.runtime import Runtime
from shopgraph.storefront.render import no_store
from shopgraph.storefront.render import render as _render


async def order_page(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    slug, order_id = request.path_params["project_slug"], request.path_params["order_id"]
    token, email = request.query_params.get("t"), request.query_params.get("email")
    try:
        project = await project_from_slug(runtime.state, slug, None, require_key=False)
    except DomainError:
        return no_store(slug)
    found: OrderWithItems | None = None
    async with runtime.database.read() as session:
        if token:
            secret = await order_link_secret(session, project.project_id)
            if secret and order_token_matches(secret, order_id, token):
                found = await load_order(session, project.project_id, order_id)
        elif email:
            try:
                found = await customer_order(session, project.project_id, order_id, email)
            except DomainError:
                found = None
    if found is None:
        refused = bool(token or email)
        return _render(
            "order_email.html",
            404 if refused else 200,
            slug=slug,
            order_id=order_id,
            email=email or "",
            refused=refused,
        )
    return _render("order.html", slug=slug, order=found.order, items=found.items)
