"""Checkout with cash on delivery (the demo store's `manual` provider), orders, and bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import OutboxMessage
from shopgraph.runtime import Runtime
from tests.support.factories import ADDRESS, Store, checkout_body, fill_cart, product_ids
from tests.support.payments import stock_of


@pytest.fixture
async def catalog(client: httpx.AsyncClient, demo: Store) -> dict[str, dict[str, Any]]:
    return await product_ids(client, demo)


async def test_cash_on_delivery_checkout_on_the_aerostack_path(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    await fill_cart(client, demo, "c1", [(catalog["ceramic-mug"]["id"], 2)])

    # when
    response = await client.post(
        demo.aerostack("/checkout"),
        json=checkout_body("c1", customerName="Ann Lee", customerPhone="+1234567890", couponCode="SAVE10"),
        headers=demo.auth,
    )

    # then
    assert response.status_code == 201, response.text
    body = response.json()
    order = body["order"]
    assert body["success"] is True and body["orderId"] == order["id"] and body["paymentIntent"] is None
    assert body["payment"]["provider"] == "manual" and body["payment"]["instructions"]
    assert order["order_number"] == "ORD-001"
    assert (order["status"], order["payment_status"]) == ("processing", "pending")
    assert (order["subtotal"], order["discount_total"], order["tax_total"], order["shipping_total"]) == (
        29,
        2.9,
        2.61,
        5,
    )
    assert order["grand_total"] == 33.71
    assert order["shipping_address"] == ADDRESS and order["billing_address"] == ADDRESS
    assert order["coupon_code"] == "SAVE10"
    assert [(item["name"], item["quantity"], item["unit_price"]) for item in order["items"]] == [
        ("Ceramic Mug", 2, 14.5)
    ]
    assert await stock_of(runtime, "ceramic-mug") == 118
    assert (await client.get(demo.aerostack("/cart/c1"), headers=demo.auth)).json()["items"] == []
    async with runtime.database.read() as session:
        topics = sorted((await session.scalars(select(OutboxMessage.topic))).all())
    assert topics == ["email.order_confirmation", "merchant.event"]


async def test_aerocall_checkout_takes_customer_email_and_numbers_orders_in_turn(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    numbers = []
    for cart_id in ("a", "b", "c"):
        await fill_cart(client, demo, cart_id, [(catalog["wool-beanie"]["id"], 1)])

        # when
        response = await client.post(
            demo.aerocall("/checkout"),
            json={"cartId": cart_id, "customerEmail": "bob@example.com", "shippingAddress": ADDRESS},
            headers=demo.auth,
        )
        numbers.append(response.json()["order"]["order_number"])

    # then
    assert numbers == ["ORD-001", "ORD-002", "ORD-003"]


async def test_a_customer_reads_their_orders_and_nobody_elses(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    placed = []
    for cart_id in ("x", "y"):
        await fill_cart(client, demo, cart_id, [(catalog["canvas-tote"]["id"], 1)])
        placed.append(
            (await client.post(demo.aerostack("/checkout"), json=checkout_body(cart_id), headers=demo.auth)).json()
        )
    order_id = placed[0]["orderId"]

    # when
    listing = await client.get(demo.aerostack("/orders"), params={"email": "ANN@example.com"}, headers=demo.auth)
    one = await client.get(demo.aerocall(f"/orders/{order_id}"), params={"email": "ann@example.com"}, headers=demo.auth)
    wrong_email = await client.get(
        demo.aerocall(f"/orders/{order_id}"), params={"email": "eve@example.com"}, headers=demo.auth
    )
    unknown = await client.get(
        demo.aerocall("/orders/ord_nope"), params={"email": "ann@example.com"}, headers=demo.auth
    )
    no_email = await client.get(demo.aerocall("/orders"), headers=demo.auth)

    # then
    body = listing.json()
    assert (body["total"], body["page"], body["limit"]) == (2, 1, 20)
    assert [order["order_number"] for order in body["orders"]] == ["ORD-002", "ORD-001"]
    assert set(body["orders"][0]) >= {
        "id",
        "order_number",
        "status",
        "payment_status",
        "currency",
        "grand_total",
        "created_at",
    }
    assert one.status_code == 200 and one.json()["items"][0]["name"] == "Canvas Tote"
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json() == unknown.json()
    assert no_email.status_code == 400


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"email": "not-an-email"}, 400, "INVALID_EMAIL"),
        ({"shippingAddress": {**ADDRESS, "country": "XX"}}, 400, "INVALID_ADDRESS"),
        ({"shippingAddress": {"city": "Nowhere", "country": "US"}}, 400, "INVALID_ADDRESS"),
        ({"shippingAddress": "123 Main St"}, 400, "INVALID_ADDRESS"),
        ({"couponCode": "EXPIRED"}, 400, "EXPIRED"),
        ({"couponCode": "NOPE"}, 400, "NOT_FOUND"),
        ({"successUrl": "javascript:alert(1)"}, 400, "INVALID_URL"),
        ({"cartId": None}, 400, "INVALID_CART_ID"),
    ],
)
async def test_bad_checkout_input_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    demo: Store,
    catalog: dict[str, dict[str, Any]],
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    # given
    await fill_cart(client, demo, "bad", [(catalog["ceramic-mug"]["id"], 1)])

    # when
    response = await client.post(
        demo.aerostack("/checkout"), json={**checkout_body("bad"), **change}, headers=demo.auth
    )

    # then
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert await stock_of(runtime, "ceramic-mug") == 120
    assert (await client.get(demo.aerostack("/cart/bad"), headers=demo.auth)).json()["item_count"] == 1
    listing = await client.get(demo.aerostack("/orders"), params={"email": "ann@example.com"}, headers=demo.auth)
    assert listing.json()["total"] == 0


async def test_an_empty_cart_cannot_check_out(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.post(demo.aerostack("/checkout"), json=checkout_body("never-filled"), headers=demo.auth)

    assert (response.status_code, response.json()["code"]) == (400, "EMPTY_CART")


async def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    await fill_cart(client, demo, "idem", [(catalog["ceramic-mug"]["id"], 1)])
    key = {"Idempotency-Key": "checkout-123"}

    # when
    first = await client.post(demo.aerostack("/checkout"), json=checkout_body("idem"), headers={**demo.auth, **key})
    second = await client.post(demo.aerostack("/checkout"), json=checkout_body("idem"), headers={**demo.auth, **key})
    other_body = await client.post(
        demo.aerostack("/checkout"), json=checkout_body("idem", email="zed@example.com"), headers={**demo.auth, **key}
    )

    # then
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (other_body.status_code, other_body.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert await stock_of(runtime, "ceramic-mug") == 119


async def test_a_wrong_email_costs_what_an_unknown_order_id_does(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    await fill_cart(client, demo, "t", [(catalog["canvas-tote"]["id"], 1)])
    order_id = (await client.post(demo.aerostack("/checkout"), json=checkout_body("t"), headers=demo.auth)).json()[
        "orderId"
    ]
    unknown_id = "ord_" + "0" * (len(order_id) - 4)

    async def statements(order: str, email: str, status: int) -> int:
        before = runtime.database.statements
        response = await client.get(demo.aerocall(f"/orders/{order}"), params={"email": email}, headers=demo.auth)
        assert response.status_code == status, response.text
        return runtime.database.statements - before

    await statements(order_id, "ann@example.com", 200)  # the key and the settings are cached from here on

    # when
    right = await statements(order_id, "ann@example.com", 200)
    wrong = await statements(order_id, "eve@example.com", 404)
    unknown = await statements(unknown_id, "ann@example.com", 404)

    # then
    assert wrong == unknown
    assert right == wrong + 1  # only the right email loads the lines
