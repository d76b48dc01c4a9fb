"""Emails: the store's order emails with their state, and each one's content as it is (or would be) sent."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import render, runtime_of
from shopgraph.db.models import Project
from shopgraph.delivery.emails import KINDS, order_email
from shopgraph.domain.events import order_emails
from shopgraph.domain.orders.reads import load_order
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.mail.render import render_text, subject


async def email_list(request: Request, me: SignedIn) -> Response:
    async with runtime_of(request).database.read() as session:
        found = await order_emails.order_emails(session, me.project_id)
    return render(request, "emails.html", me=me, emails=found)


async def email_detail(request: Request, me: SignedIn) -> Response:
    async with runtime_of(request).database.read() as session:
        record = await order_emails.order_email(session, me.project_id, request.path_params["email_id"])
        order = (
            None
            if record is None or record.order_id is None
            else await load_order(session, me.project_id, record.order_id)
        )
        project = await session.get(Project, me.project_id)
    if record is None:
        return render(request, "not_found.html", status=404, me=me, what="email")
    content = None
    if order is not None and project is not None:
        composed = order_email(KINDS[record.message.topic], project.name, order)
        content = (subject(composed), render_text(composed))
    return render(request, "email.html", me=me, record=record, content=content)
