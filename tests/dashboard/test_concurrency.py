"""The dashboard under concurrent requests and across processes: one action wins, sessions end everywhere."""

from __future__ import annotations

import asyncio

import httpx

from shopgraph.app import create_app
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.dashboard.support import sign_in
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store
from tests.support.payments import order_state


async def test_two_concurrent_refunds_record_one(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    order = await cash_on_delivery_order(client, demo)
    csrf = await sign_in(client, demo)
    await client.post(f"/dashboard/orders/{order['id']}/mark-paid", data={"csrf_token": csrf})
    answers = await asyncio.gather(
        *(client.post(f"/dashboard/orders/{order['id']}/refund", data={"csrf_token": csrf}) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in answers) == [303, 409, 409, 409]
    assert await order_state(runtime, order["id"]) == ("refunded", "refunded")


async def test_signing_out_on_one_process_ends_the_session_on_another(
    client: httpx.AsyncClient, settings: Settings, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    other_app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=other_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            other.cookies.set("shopgraph_dashboard", client.cookies["shopgraph_dashboard"], path="/")
            assert (await other.get("/dashboard/orders")).status_code == 200
            await client.post("/dashboard/logout", data={"csrf_token": csrf})
            again = await other.get("/dashboard/orders")
            assert again.status_code == 303 and again.headers["location"] == "/dashboard/login"
    finally:
        await other_app.state.runtime.close()
