"""A merchant builds a store from nothing through the admin API alone; a customer buys; the merchant ships."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from shopgraph.db.models import OutboxMessage
from shopgraph.domain.events.outbox import Topic
from shopgraph.runtime import Runtime
from tests.support.factories import ADDRESS, Store, make_store
from tests.support.graphql import admin, succeeded

CONFIGURE = """
mutation Configure($input: StoreConfigInput!) {
  storeConfigUpdate(input: $input) {
    storeConfig { defaultCurrency taxPercentage flatShippingRate { amount } shippingEnabled paymentProvider }
    userErrors { field message code }
  }
}
"""

CREATE_CATEGORY = """
mutation CreateCategory($input: CategoryCreateInput!) {
  categoryCreate(input: $input) { category { id slug parentId } userErrors { field message code } }
}
"""

CREATE_PRODUCT = """
mutation CreateProduct($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id slug status stock price { amount } variants { id sku stock price { amount } } }
    userErrors { field message code }
  }
}
"""

CREATE_VARIANT = """
mutation CreateVariant($productId: ID!, $input: VariantInput!) {
  variantCreate(productId: $productId, input: $input) {
    variant { id sku stock position }
    userErrors { field message code }
  }
}
"""

SET_STOCK = """
mutation SetStock($variantId: ID, $productId: ID, $stock: Int) {
  inventorySet(variantId: $variantId, productId: $productId, stock: $stock) {
    product { stock variants { sku stock } }
    userErrors { field message code }
  }
}
"""

CREATE_COUPON = """
mutation CreateCoupon($input: CouponCreateInput!) {
  couponCreate(input: $input) { coupon { id code type value } userErrors { field message code } }
}
"""

FULFILL = """
mutation Fulfill($id: ID!, $trackingNumber: String, $carrier: String) {
  orderFulfill(id: $id, trackingNumber: $trackingNumber, carrier: $carrier) {
    order { id status paymentStatus trackingNumber carrier }
    userErrors { field message code }
  }
}
"""

STOREFRONT_CATALOG = """
query {
  categories { slug children { slug } }
  products(sort: NAME_ASC) { total items { slug price { amount } stock variants { sku price { amount } stock } } }
}
"""


async def build_store(client: httpx.AsyncClient, store: Store) -> dict[str, Any]:
    """Settings, a two-level category tree, a shirt with three sizes, a belt and a coupon: the admin API alone."""
    succeeded(
        (
            await admin(
                client,
                store,
                CONFIGURE,
                input={
                    "taxPercentage": "10",
                    "flatShippingRate": "4.50",
                    "freeShippingThreshold": "100",
                    "shippingEnabled": True,
                    "paymentProvider": "manual",
                    "storefrontUrl": "https://acme.example.com",
                },
            )
        )["storeConfigUpdate"]
    )
    clothing = succeeded((await admin(client, store, CREATE_CATEGORY, input={"name": "Clothing"}))["categoryCreate"])
    shirts = succeeded(
        (await admin(client, store, CREATE_CATEGORY, input={"name": "Shirts", "parentId": clothing["category"]["id"]}))[
            "categoryCreate"
        ]
    )
    shirt = succeeded(
        (
            await admin(
                client,
                store,
                CREATE_PRODUCT,
                input={
                    "name": "Oxford Shirt",
                    "price": "40.00",
                    "categoryId": shirts["category"]["id"],
                    "attributes": {"color": "blue"},
                    "variants": [
                        {"name": "S", "sku": "OX-S", "stock": 3, "options": {"size": "S"}},
                        {"name": "M", "sku": "OX-M", "price": "42.50", "stock": 5, "options": {"size": "M"}},
                    ],
                },
            )
        )["productCreate"]
    )["product"]
    belt = succeeded(
        (
            await admin(
                client,
                store,
                CREATE_PRODUCT,
                input={"name": "Canvas Belt", "price": "15", "stock": 10, "categoryId": clothing["category"]["id"]},
            )
        )["productCreate"]
    )["product"]
    large = succeeded(
        (
            await admin(
                client, store, CREATE_VARIANT, productId=shirt["id"], input={"name": "L", "sku": "OX-L", "stock": 0}
            )
        )["variantCreate"]
    )["variant"]
    succeeded((await admin(client, store, SET_STOCK, variantId=large["id"], stock=2))["inventorySet"])
    succeeded(
        (await admin(client, store, CREATE_COUPON, input={"code": "welcome5", "type": "FIXED", "value": "5"}))[
            "couponCreate"
        ]
    )
    return {"shirt": shirt, "belt": belt}


async def test_a_store_built_through_the_admin_api_sells_and_ships(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "acme")
    built = await build_store(client, store)
    shirt_medium = next(variant["id"] for variant in built["shirt"]["variants"] if variant["sku"] == "OX-M")

    # when the storefront reads the catalog
    config = (await client.get(store.aerocall("/config"), headers=store.auth)).json()
    storefront = await client.post("/graphql", json={"query": STOREFRONT_CATALOG}, headers=store.auth)

    # then it sees everything the merchant made
    assert (config["tax_percentage"], config["flat_shipping_rate"], config["shipping_enabled"]) == (10, 4.5, True)
    data = storefront.json()["data"]
    assert data["categories"] == [{"slug": "clothing", "children": [{"slug": "shirts"}]}]
    assert data["products"]["total"] == 2
    belt, shirt = data["products"]["items"]
    assert (belt["slug"], belt["price"]["amount"], belt["stock"]) == ("canvas-belt", "15.00", 10)
    assert shirt["slug"] == "oxford-shirt" and shirt["stock"] == 10
    assert [(variant["sku"], variant["price"]["amount"], variant["stock"]) for variant in shirt["variants"]] == [
        ("OX-S", "40.00", 3),
        ("OX-M", "42.50", 5),
        ("OX-L", "40.00", 2),
    ]

    # when a customer pays cash on delivery with the merchant's coupon
    for item in ({"productId": built["shirt"]["id"], "variantId": shirt_medium, "quantity": 1},
                 {"productId": built["belt"]["id"], "quantity": 2}):  # fmt: skip
        added = await client.post(store.aerocall("/cart/cart-1/items"), json=item, headers=store.auth)
        assert added.status_code == 200, added.text
    checkout = await client.post(
        store.aerocall("/checkout"),
        json={"cartId": "cart-1", "email": "ann@example.com", "shippingAddress": ADDRESS, "couponCode": "WELCOME5"},
        headers=store.auth,
    )

    # then the order is processing, with the coupon and the merchant's tax and shipping
    assert checkout.status_code == 201, checkout.text
    order = checkout.json()["order"]
    assert (order["status"], order["payment_status"]) == ("processing", "pending")
    assert (order["subtotal"], order["discount_total"], order["tax_total"], order["shipping_total"]) == (
        72.5, 5, 6.75, 4.5,
    )  # fmt: skip
    assert order["grand_total"] == 78.75

    # when the merchant ships it
    shipped = succeeded(
        (await admin(client, store, FULFILL, id=order["id"], trackingNumber="1Z999AA1", carrier="UPS"))["orderFulfill"]
    )

    # then the customer sees it shipped with its tracking number
    assert shipped["order"] == {
        "id": order["id"],
        "status": "shipped",
        "paymentStatus": "pending",
        "trackingNumber": "1Z999AA1",
        "carrier": "UPS",
    }
    seen = (
        await client.get(
            store.aerocall(f"/orders/{order['id']}"), params={"email": "ann@example.com"}, headers=store.auth
        )
    ).json()
    assert (seen["status"], seen["tracking_number"]) == ("shipped", "1Z999AA1")

    # and the shipping email and the merchant's order.shipped event wait in the outbox
    async with runtime.database.read() as session:
        messages = (await session.scalars(select(OutboxMessage).where(OutboxMessage.project_id == store.id))).all()
    emails = [message.payload for message in messages if message.topic == Topic.ORDER_SHIPPED_EMAIL]
    events = [message.payload for message in messages if message.topic == Topic.MERCHANT_EVENT]
    assert emails == [{"order_id": order["id"]}]
    shipped_events = [event for event in events if event["type"] == "order.shipped"]
    assert len(shipped_events) == 1
    assert shipped_events[0]["data"]["order"]["tracking_number"] == "1Z999AA1"
    assert shipped_events[0]["data"]["order"]["status"] == "shipped"
