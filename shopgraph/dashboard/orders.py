"""Orders: the list (newest first, by status and email), one order with its history, and the merchant's actions.

Each action is the admin API's own domain function, one call in one unit of work; a refusal is shown on the order
page next to the action it concerns, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.db.models import OrderStatus, PaymentStatus
from shopgraph.domain.orders import admin_actions, reads
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError

PAGE_SIZE = 20
Action = Callable[[AsyncSession, str, str, dict[str, str]], Awaitable[object]]


def _text(form: dict[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


ACTIONS: dict[str, Action] = {
    "ship": lambda session, project_id, order_id, form: admin_actions.fulfil_order(
        session, project_id, order_id, tracking_number=_text(form, "tracking_number"), carrier=_text(form, "carrier")
    ),
    "mark-paid": lambda session, project_id, order_id, _form: admin_actions.mark_order_paid(
        session, project_id, order_id
    ),
    "cancel": lambda session, project_id, order_id, _form: admin_actions.cancel_order(session, project_id, order_id),
    "refund": lambda session, project_id, order_id, _form: admin_actions.refund_order(session, project_id, order_id),
}


@dataclass(frozen=True)
class Allowed:
    """Which actions the order's state allows; the domain checks again, under its own conditions."""

    ship: bool
    mark_paid: bool
    cancel: bool
    refund: bool

    @classmethod
    def of(cls, status: str, payment: str) -> Allowed:
        paid = payment == PaymentStatus.PAID
        return cls(
            ship=status == OrderStatus.PROCESSING,
            mark_paid=not paid
            and payment != PaymentStatus.REFUNDED
            and status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED),
            cancel=not paid and status in (OrderStatus.PENDING, OrderStatus.PROCESSING),
            refund=paid,
        )


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value)) if value else default
    except ValueError:
        return default


async def order_list(request: Request, me: SignedIn) -> Response:
    status = request.query_params.get("status") or None
    email = request.query_params.get("email") or None
    page = _int(request.query_params.get("page"), 1)
    error = None
    try:
        async with runtime_of(request).database.read() as session:
            found = await admin_actions.list_orders(
                session, me.project_id, status=status, email=email, page=page, limit=PAGE_SIZE
            )
    except DomainError as refused:
        error, found = refused, None
    return render(
        request,
        "orders.html",
        status=400 if error else 200,
        me=me,
        found=found,
        error=error,
        statuses=list(OrderStatus),
        status_filter=status or "",
        email_filter=email or "",
        page_count=((found.total + PAGE_SIZE - 1) // PAGE_SIZE) if found else 0,
    )


async def _order_page(
    request: Request, me: SignedIn, *, error: DomainError | None = None, action: str = ""
) -> Response:
    order_id = request.path_params["order_id"]
    async with runtime_of(request).database.read() as session:
        found = await reads.find_order(session, me.project_id, order_id)
    if found is None:
        return render(request, "not_found.html", status=404, me=me, what="order")
    order = found.order
    history = [
        (order.created_at, f"placed ({order.status})"),
        (order.paid_at, "paid"),
        (order.cancelled_at, "cancelled"),
    ]
    if order.updated_at != order.created_at:
        history.append((order.updated_at, f"last change: {order.status}, payment {order.payment_status}"))
    return render(
        request,
        "order.html",
        status=error.status if error else 200,
        me=me,
        found=found,
        order=order,
        allowed=Allowed.of(order.status, order.payment_status),
        history=sorted((at, what) for at, what in history if at is not None),
        error=error,
        action=action,
        form=posted(request) if error else {},
        notice=request.query_params.get("done"),
    )


async def order_detail(request: Request, me: SignedIn) -> Response:
    return await _order_page(request, me)


async def order_action(request: Request, me: SignedIn) -> Response:
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        return render(request, "not_found.html", status=404, me=me, what="action")
    order_id = request.path_params["order_id"]
    try:
        async with runtime_of(request).database.write() as session:
            await action(session, me.project_id, order_id, posted(request))
    except DomainError as error:
        return await _order_page(request, me, error=error, action=request.path_params["action"])
    return redirect(f"/orders/{order_id}", done=request.path_params["action"])
