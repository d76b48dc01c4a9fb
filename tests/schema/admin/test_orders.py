"""Orders through the admin API: listed, shipped, cancelled, marked paid and refunded by the merchant."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopgraph.domain.events.outbox import Topic
from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, fill_cart, make_store, product_ids
from tests.support.graphql import admin, refused, succeeded
from tests.support.outbox import merchant_event_types, outbox_topics
from tests.support.payments import stock_of

ORDER_FIELDS = "id orderNumber status paymentStatus email trackingNumber carrier paidAt cancelledAt items { quantity }"

FULFILL = f"""
mutation Fulfill($id: ID!, $trackingNumber: String, $carrier: String) {{
  orderFulfill(id: $id, trackingNumber: $trackingNumber, carrier: $carrier) {{
    order {{ {ORDER_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""
CANCEL = f"""
mutation Cancel($id: ID!) {{
  orderCancel(id: $id) {{ order {{ {ORDER_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
MARK_PAID = f"""
mutation MarkPaid($id: ID!) {{
  orderMarkPaid(id: $id) {{ order {{ {ORDER_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
REFUND = f"""
mutation Refund($id: ID!) {{
  orderRefund(id: $id) {{ order {{ {ORDER_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
ORDERS = """
query Orders($status: String, $email: String, $page: Int, $limit: Int) {
  orders(status: $status, email: $email, page: $page, limit: $limit) {
    total page limit items { orderNumber status email customerPhone grandTotal { amount } items { name quantity } }
  }
}
"""
ORDER = f"query Order($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} customerPhone updatedAt }} }}"
COUPON_USES = "query { coupons { code usedCount } }"


async def cash_on_delivery_order(
    client: httpx.AsyncClient, store: Store, *, mugs: int = 2, email: str = "ann@example.com", **extra: Any
) -> dict[str, Any]:
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]
    cart_id = f"cart-{email.split('@')[0]}-{mugs}"
    await fill_cart(client, store, cart_id, [(mug, mugs)])
    response = await client.post(
        store.aerocall("/checkout"), json=checkout_body(cart_id, email=email, **extra), headers=store.auth
    )
    assert response.status_code == 201, response.text
    return response.json()["order"]  # type: ignore[no-any-return]


async def uses_of(client: httpx.AsyncClient, store: Store, code: str) -> int:
    return next(c["usedCount"] for c in (await admin(client, store, COUPON_USES))["coupons"] if c["code"] == code)


async def test_cancelling_a_cash_on_delivery_order_gives_its_stock_and_coupon_use_back(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    order = await cash_on_delivery_order(client, demo, mugs=3, couponCode="SAVE10")
    assert await stock_of(runtime, "ceramic-mug") == 117
    assert await uses_of(client, demo, "SAVE10") == 1

    # when
    payload = succeeded((await admin(client, demo, CANCEL, id=order["id"]))["orderCancel"])

    # then
    cancelled = payload["order"]
    assert (cancelled["status"], cancelled["paymentStatus"]) == ("cancelled", "pending")
    assert cancelled["cancelledAt"] is not None
    assert await stock_of(runtime, "ceramic-mug") == 120
    assert await uses_of(client, demo, "SAVE10") == 0
    assert (await product_ids(client, demo))["ceramic-mug"]["stock"] == 120
    assert await merchant_event_types(runtime, demo) == ["order.cancelled", "order.created"]


async def test_cash_received_marks_a_cash_on_delivery_order_paid_once(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    order = await cash_on_delivery_order(client, demo)

    # when
    paid = succeeded((await admin(client, demo, MARK_PAID, id=order["id"]))["orderMarkPaid"])
    again = refused((await admin(client, demo, MARK_PAID, id=order["id"]))["orderMarkPaid"])

    # then
    assert (paid["order"]["status"], paid["order"]["paymentStatus"]) == ("processing", "paid")
    assert paid["order"]["paidAt"] is not None
    assert again["code"] == "ORDER_ALREADY_PAID"
    assert await merchant_event_types(runtime, demo) == ["order.created", "order.paid"]
    assert (await outbox_topics(runtime, demo))[Topic.ORDER_CONFIRMATION_EMAIL] == 1


async def test_a_shipped_cash_on_delivery_order_is_paid_on_delivery(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    order = await cash_on_delivery_order(client, demo)
    succeeded((await admin(client, demo, FULFILL, id=order["id"]))["orderFulfill"])

    # when
    paid = succeeded((await admin(client, demo, MARK_PAID, id=order["id"]))["orderMarkPaid"])

    # then
    assert (paid["order"]["status"], paid["order"]["paymentStatus"]) == ("shipped", "paid")
    assert (paid["order"]["trackingNumber"], paid["order"]["carrier"]) == (None, None)
    assert await merchant_event_types(runtime, demo) == ["order.created", "order.paid", "order.shipped"]
    assert (await outbox_topics(runtime, demo))[Topic.ORDER_SHIPPED_EMAIL] == 1


async def test_a_paid_order_cannot_be_cancelled_but_is_refunded(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    order = await cash_on_delivery_order(client, demo)
    succeeded((await admin(client, demo, MARK_PAID, id=order["id"]))["orderMarkPaid"])

    # when
    cancel = refused((await admin(client, demo, CANCEL, id=order["id"]))["orderCancel"])
    refund = succeeded((await admin(client, demo, REFUND, id=order["id"]))["orderRefund"])
    second_refund = refused((await admin(client, demo, REFUND, id=order["id"]))["orderRefund"])

    # then
    assert cancel["code"] == "ORDER_PAID" and "refund" in cancel["message"]
    assert (refund["order"]["status"], refund["order"]["paymentStatus"]) == ("refunded", "refunded")
    assert second_refund["code"] == "ORDER_NOT_PAID"
    assert await stock_of(runtime, "ceramic-mug") == 118
    assert await merchant_event_types(runtime, demo) == ["order.created", "order.paid", "order.refunded"]


async def test_order_changes_out_of_turn_are_refused_and_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    unpaid = await cash_on_delivery_order(client, demo, email="unpaid@example.com")
    shipped = await cash_on_delivery_order(client, demo, email="shipped@example.com")
    succeeded((await admin(client, demo, FULFILL, id=shipped["id"]))["orderFulfill"])
    cancelled = await cash_on_delivery_order(client, demo, email="gone@example.com")
    succeeded((await admin(client, demo, CANCEL, id=cancelled["id"]))["orderCancel"])
    other = await make_store(runtime, "other", demo=True)
    elsewhere = await cash_on_delivery_order(client, other)
    before = [(await admin(client, demo, ORDER, id=order["id"]))["order"] for order in (unpaid, shipped, cancelled)]
    stock_before = await stock_of(runtime, "ceramic-mug")

    # when
    attempts = [
        (FULFILL, "orderFulfill", shipped["id"]),
        (FULFILL, "orderFulfill", cancelled["id"]),
        (CANCEL, "orderCancel", shipped["id"]),
        (CANCEL, "orderCancel", cancelled["id"]),
        (MARK_PAID, "orderMarkPaid", cancelled["id"]),
        (REFUND, "orderRefund", unpaid["id"]),
        (FULFILL, "orderFulfill", "ord_nope"),
        (CANCEL, "orderCancel", elsewhere["id"]),
        (MARK_PAID, "orderMarkPaid", elsewhere["id"]),
    ]
    errors = [
        refused((await admin(client, demo, document, id=order_id))[name]) for document, name, order_id in attempts
    ]

    # then
    assert [error["code"] for error in errors] == [
        "ORDER_NOT_FULFILLABLE",
        "ORDER_NOT_FULFILLABLE",
        "ORDER_NOT_CANCELLABLE",
        "ORDER_NOT_CANCELLABLE",
        "ORDER_NOT_PAYABLE",
        "ORDER_NOT_PAID",
        "NOT_FOUND",
        "NOT_FOUND",
        "NOT_FOUND",
    ]
    assert [
        (await admin(client, demo, ORDER, id=order["id"]))["order"] for order in (unpaid, shipped, cancelled)
    ] == before
    assert await stock_of(runtime, "ceramic-mug") == stock_before
    assert (await admin(client, other, ORDER, id=elsewhere["id"]))["order"]["status"] == "processing"
    assert (await admin(client, demo, ORDER, id=elsewhere["id"]))["order"] is None


async def test_a_tracking_number_longer_than_100_characters_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    order = await cash_on_delivery_order(client, demo)

    # when
    error = refused((await admin(client, demo, FULFILL, id=order["id"], trackingNumber="1" * 101))["orderFulfill"])

    # then
    assert (error["field"], error["code"]) == ("trackingNumber", "INVALID_INPUT")
    assert (await admin(client, demo, ORDER, id=order["id"]))["order"]["status"] == "processing"


async def test_the_merchant_lists_every_order_by_status_and_email(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    first = await cash_on_delivery_order(client, demo, email="ann@example.com", customerPhone="+15550100")
    await cash_on_delivery_order(client, demo, email="bob@example.com", mugs=1)
    await cash_on_delivery_order(client, demo, email="Ann@Example.com", mugs=3)
    succeeded((await admin(client, demo, CANCEL, id=first["id"]))["orderCancel"])

    # when
    everything = (await admin(client, demo, ORDERS))["orders"]
    anns = (await admin(client, demo, ORDERS, email="ANN@example.com"))["orders"]
    cancelled = (await admin(client, demo, ORDERS, status="cancelled"))["orders"]
    second_page = (await admin(client, demo, ORDERS, page=2, limit=2))["orders"]

    # then
    assert everything["total"] == 3
    assert [order["orderNumber"] for order in everything["items"]] == ["ORD-003", "ORD-002", "ORD-001"]
    assert [order["orderNumber"] for order in anns["items"]] == ["ORD-003", "ORD-001"]
    assert [(o["orderNumber"], o["customerPhone"]) for o in cancelled["items"]] == [("ORD-001", "+15550100")]
    assert everything["items"][0]["items"] == [{"name": "Ceramic Mug", "quantity": 3}]
    assert (second_page["total"], second_page["page"], [o["orderNumber"] for o in second_page["items"]]) == (
        3, 2, ["ORD-001"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"status": "lost"}, "status"), ({"page": 0}, "page"), ({"limit": 101}, "limit")],
)
async def test_a_bad_order_filter_is_an_error_naming_it(
    client: httpx.AsyncClient, demo: Store, variables: dict[str, Any], field: str
) -> None:
    # when
    response = await client.post(
        "/admin/graphql",
        json={"query": ORDERS, "variables": variables},
        headers={"Authorization": f"Bearer {demo.secret_key}"},
    )

    # then
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID_PARAMETER", "field": field}
