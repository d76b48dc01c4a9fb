"""Coupons in the dashboard: usage counts, create, edit, deactivate, and refusals shown by their field."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from shopgraph.db.models import Coupon
from shopgraph.runtime import Runtime
from tests.dashboard.support import csrf_of, sign_in
from tests.support.factories import Store


async def _coupon(runtime: Runtime, store: Store, code: str) -> Coupon | None:
    async with runtime.database.read() as session:
        return await session.scalar(select(Coupon).where(Coupon.project_id == store.id, Coupon.code == code))


async def test_create_edit_and_deactivate_a_coupon(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    listed = (await client.get("/dashboard/coupons")).text
    assert "SAVE10" in listed and "Used" in listed
    created = await client.post(
        "/dashboard/coupons",
        data={
            "csrf_token": csrf,
            "code": "winter15",
            "type": "percentage",
            "value": "15",
            "usage_limit": "100",
            "ends_at": "2027-02-28",
            "active": "on",
        },
    )
    assert created.status_code == 303, created.text
    coupon = await _coupon(runtime, demo, "WINTER15")
    assert coupon is not None and coupon.percent_basis_points == 1500 and coupon.usage_limit == 100
    # ends after the last day given: the start of the next day, UTC
    assert coupon.ends_at == int(datetime(2027, 3, 1, tzinfo=UTC).timestamp() * 1000)
    path = f"/dashboard/coupons/{coupon.id}"
    page = (await client.get(path)).text
    assert 'value="2027-02-28"' in page and 'value="15' in page
    csrf = await csrf_of(client, path)
    edited = await client.post(path, data={"csrf_token": csrf, "type": "fixed", "value": "7.50", "active": "on"})
    assert edited.status_code == 303, edited.text
    coupon = await _coupon(runtime, demo, "WINTER15")
    assert coupon is not None and coupon.amount_minor == 750 and coupon.percent_basis_points is None
    off = await client.post(f"{path}/deactivate", data={"csrf_token": csrf})
    assert off.status_code == 303
    coupon = await _coupon(runtime, demo, "WINTER15")
    assert coupon is not None and coupon.active is False


async def test_a_refused_coupon_shows_its_error_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    for data, field in (
        ({"code": "BIG", "type": "percentage", "value": "150"}, "value"),
        ({"code": "BIG", "type": "percentage", "value": "lots"}, "value"),
        ({"code": "SAVE10", "type": "percentage", "value": "5"}, "code"),
        ({"code": "BIG", "type": "fixed", "value": "5", "starts_at": "2027-01-10", "ends_at": "2027-01-01"}, "ends_at"),
    ):
        response = await client.post("/dashboard/coupons", data={"csrf_token": csrf, **data})
        assert response.status_code in (400, 409), (data, response.status_code)
        assert f'id="{field}_error"' in response.text or 'role="alert"' in response.text, data
    assert await _coupon(runtime, demo, "BIG") is None
    save10 = await _coupon(runtime, demo, "SAVE10")
    assert save10 is not None and save10.percent_basis_points == 1000
