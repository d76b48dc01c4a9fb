"""Orders in the dashboard: the list, the order page, and the actions the admin API offers, refused alike."""

from __future__ import annotations

import httpx

from shopgraph.domain.events.outbox import Topic
from shopgraph.runtime import Runtime
from tests.dashboard.support import csrf_of, sign_in
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store
from tests.support.outbox import merchant_event_types, outbox_topics
from tests.support.payments import order_state


async def test_orders_are_listed_newest_first_filtered_and_linked_by_number(
    client: httpx.AsyncClient, demo: Store
) -> None:
    first = await cash_on_delivery_order(client, demo, email="ann@example.com")
    second = await cash_on_delivery_order(client, demo, email="bob@example.com")
    await sign_in(client, demo)
    page = (await client.get("/dashboard/orders")).text
    assert page.index(second["order_number"]) < page.index(first["order_number"])
    assert f'<a href="/dashboard/orders/{first["id"]}">{first["order_number"]}</a>' in page
    only_bob = (await client.get("/dashboard/orders", params={"email": "BOB@example.com"})).text
    assert second["order_number"] in only_bob and first["order_number"] not in only_bob
    none_shipped = (await client.get("/dashboard/orders", params={"status": "shipped"})).text
    assert first["order_number"] not in none_shipped and "No orders." in none_shipped
    bad = await client.get("/dashboard/orders", params={"status": "lost"})
    assert bad.status_code == 400 and "status: must be one of" in bad.text


async def test_shipping_an_order_uses_the_domain_and_redirects_to_its_page(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    order = await cash_on_delivery_order(client, demo)
    csrf = await sign_in(client, demo)
    detail = (await client.get(f"/dashboard/orders/{order['id']}")).text
    assert "Mark as shipped" in detail and "Refund" not in detail
    response = await client.post(
        f"/dashboard/orders/{order['id']}/ship",
        data={"csrf_token": csrf, "tracking_number": "1Z999", "carrier": "UPS"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/dashboard/orders/{order['id']}?done=ship"
    assert (await order_state(runtime, order["id"]))[0] == "shipped"
    assert "order.shipped" in await merchant_event_types(runtime, demo)
    assert Topic.ORDER_SHIPPED_EMAIL in await outbox_topics(runtime, demo)
    shipped = (await client.get(f"/dashboard/orders/{order['id']}")).text
    assert "1Z999" in shipped and "UPS" in shipped and "Mark as shipped" not in shipped


async def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    order = await cash_on_delivery_order(client, demo)
    await sign_in(client, demo)
    before = await order_state(runtime, order["id"])
    for data in ({"tracking_number": "X"}, {"csrf_token": "forged", "tracking_number": "X"}):
        response = await client.post(f"/dashboard/orders/{order['id']}/ship", data=data)
        assert response.status_code == 403 and "nothing was changed" in response.text
    assert await order_state(runtime, order["id"]) == before
    logout = await client.post("/dashboard/logout", data={})
    assert logout.status_code == 403
    assert (await client.get("/dashboard/orders")).status_code == 200


async def test_a_refused_action_shows_the_domain_error_next_to_it_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    order = await cash_on_delivery_order(client, demo)
    csrf = await sign_in(client, demo)
    too_long = await client.post(
        f"/dashboard/orders/{order['id']}/ship", data={"csrf_token": csrf, "tracking_number": "9" * 150}
    )
    assert too_long.status_code == 400 and "tracking_number" in too_long.text and 'id="ship_error"' in too_long.text
    assert (await order_state(runtime, order["id"]))[0] == "processing"
    refund = await client.post(f"/dashboard/orders/{order['id']}/refund", data={"csrf_token": csrf})
    assert refund.status_code == 409 and "nothing to refund" in refund.text and 'id="refund_error"' in refund.text
    assert (await order_state(runtime, order["id"])) == ("processing", "pending")


async def test_mark_paid_then_refund(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    order = await cash_on_delivery_order(client, demo)
    csrf = await sign_in(client, demo)
    assert (
        await client.post(f"/dashboard/orders/{order['id']}/mark-paid", data={"csrf_token": csrf})
    ).status_code == 303
    assert await order_state(runtime, order["id"]) == ("processing", "paid")
    assert "Cancel order" not in (await client.get(f"/dashboard/orders/{order['id']}")).text
    csrf = await csrf_of(client, f"/dashboard/orders/{order['id']}")
    assert (await client.post(f"/dashboard/orders/{order['id']}/refund", data={"csrf_token": csrf})).status_code == 303
    assert await order_state(runtime, order["id"]) == ("refunded", "refunded")


async def test_an_order_of_another_store_is_not_found(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    from tests.support.factories import make_store

    other = await make_store(runtime, "other", demo=True)
    order = await cash_on_delivery_order(client, other)
    await sign_in(client, demo)
    assert (await client.get(f"/dashboard/orders/{order['id']}")).status_code == 404
