"""Coupons: the list with usage counts, create, edit, deactivate; each form is one admin coupon function call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.product_forms import whole_number
from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.db.models import CouponType
from shopgraph.domain.carts import admin_coupons
from shopgraph.domain.carts.admin_coupons import CouponRecord
from shopgraph.domain.stores.config import store_currency
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError, InvalidParameter
from shopgraph.money import to_decimal

DAY = timedelta(days=1)


def _day_ms(name: str, text: str, *, end: bool) -> int | None:
    """A date field as epoch milliseconds, UTC: its start, or for an end date the start of the next day."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidParameter(name, "a date as YYYY-MM-DD") from exc
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + (DAY if end else timedelta())
    return int(moment.timestamp() * 1000)


def _number(name: str, text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise InvalidParameter(name, "must be a number") from exc


def coupon_given(form: dict[str, str], *, new: bool) -> dict[str, object]:
    given: dict[str, object] = {
        "type": form.get("type", "").strip(),
        "value": _number("value", form.get("value", "")),
        "starts_at": _day_ms("starts_at", form.get("starts_at", ""), end=False),
        "ends_at": _day_ms("ends_at", form.get("ends_at", ""), end=True),
        "min_subtotal": form.get("min_subtotal", "").strip() or None,
        "usage_limit": whole_number(form.get("usage_limit", "")),
        "once_per_customer": form.get("once_per_customer") == "on",
        "active": form.get("active") == "on",
    }
    if new:
        given["code"] = form.get("code", "")
    if given["type"] == CouponType.FREE_SHIPPING and given["value"] is None:
        del given["value"]
    return given


def _date(ms: int | None, *, end: bool) -> str:
    if ms is None:
        return ""
    moment = datetime.fromtimestamp(ms / 1000, UTC) - (DAY if end else timedelta())
    return moment.date().isoformat()


def _values(record: CouponRecord | None) -> dict[str, str]:
    if record is None:
        return {"type": CouponType.PERCENTAGE, "active": "on"}
    coupon, currency = record.coupon, record.currency
    value = ""
    if coupon.percent_basis_points is not None:
        value = str(Decimal(coupon.percent_basis_points) / 100)
    elif coupon.amount_minor is not None:
        value = str(to_decimal(coupon.amount_minor, currency))
    return {
        "code": coupon.code,
        "type": coupon.type,
        "value": value,
        "starts_at": _date(coupon.starts_at, end=False),
        "ends_at": _date(coupon.ends_at, end=True),
        "min_subtotal": ""
        if coupon.min_subtotal_minor is None
        else str(to_decimal(coupon.min_subtotal_minor, currency)),
        "usage_limit": "" if coupon.usage_limit is None else str(coupon.usage_limit),
        "once_per_customer": "on" if coupon.once_per_customer else "",
        "active": "on" if coupon.active else "",
    }


async def _page(
    request: Request, me: SignedIn, *, error: DomainError | None = None, editing: str | None = None
) -> Response:
    async with runtime_of(request).database.read() as session:
        coupons = await admin_coupons.list_coupons(session, me.project_id)
        currency = await store_currency(session, me.project_id)
    record = next((c for c in coupons if c.coupon.id == editing), None)
    if editing is not None and record is None:
        return render(request, "not_found.html", status=404, me=me, what="coupon")
    values = _values(record)
    if error is not None:
        values = dict(posted(request))
    return render(
        request,
        "coupons.html" if editing is None else "coupon.html",
        status=error.status if error else 200,
        me=me,
        coupons=coupons,
        record=record,
        values=values,
        types=list(CouponType),
        currency=currency,
        error=error,
        notice=request.query_params.get("done"),
    )


async def coupon_list(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _page(request, me)
    try:
        given = coupon_given(posted(request), new=True)
        async with runtime_of(request).database.write() as session:
            await admin_coupons.create_coupon(session, me.project_id, given)
    except DomainError as error:
        return await _page(request, me, error=error)
    return redirect("/coupons", done="created")


async def edit_coupon(request: Request, me: SignedIn) -> Response:
    coupon_id = request.path_params["coupon_id"]
    if request.method == "GET":
        return await _page(request, me, editing=coupon_id)
    try:
        given = coupon_given(posted(request), new=False)
        async with runtime_of(request).database.write() as session:
            await admin_coupons.update_coupon(session, me.project_id, coupon_id, given)
    except DomainError as error:
        return await _page(request, me, error=error, editing=coupon_id)
    return redirect(f"/coupons/{coupon_id}", done="saved")


async def deactivate_coupon(request: Request, me: SignedIn) -> Response:
    coupon_id = request.path_params["coupon_id"]
    try:
        async with runtime_of(request).database.write() as session:
            await admin_coupons.update_coupon(session, me.project_id, coupon_id, {"active": False})
    except DomainError as error:
        return await _page(request, me, error=error)
    return redirect("/coupons", done="deactivated")
