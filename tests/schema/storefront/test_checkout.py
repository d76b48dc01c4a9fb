"""Checkout and orders over GraphQL: the same domain as REST, errors as `userErrors`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.stripe_fake import StripeFake
from tests.support.databases import encryption_keys_for
from tests.support.factories import ADDRESS, Store, fill_cart, product_ids
from tests.support.graphql import gql
from tests.support.payments import store_paying_with

CHECKOUT = """
mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    order {
      id orderNumber status paymentStatus email
      items { name quantity unitPrice { amount } lineTotal { amount } }
      subtotal { amount } taxTotal { amount } shippingTotal { amount } grandTotal { amount amountMinor currency }
      shippingAddress { line1 city country }
    }
    payment { provider id url clientSecret instructions }
    userErrors { field message code }
  }
}
"""

ORDERS = """
query Orders($email: String!) {
  orders(email: $email) {
    total page limit items { id orderNumber status paymentStatus grandTotal { amount } itemCount }
  }
}
"""

ORDER = """
query Order($id: ID!, $email: String!) { order(id: $id, email: $email) { orderNumber items { name } } }
"""

GRAPHQL_ADDRESS = {"line1": ADDRESS["line1"], "city": ADDRESS["city"], "postalCode": "12345", "country": "US"}


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake) -> Settings:
    return Settings(
        database_url=database_url, encryption_keys=encryption_keys_for(database_url), stripe_api_base=stripe_fake.url
    )


async def mug_in_cart(client: httpx.AsyncClient, store: Store, cart_id: str) -> None:
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]
    await fill_cart(client, store, cart_id, [(mug, 2)])


async def test_cash_on_delivery_checkout_and_order_lookups(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    await mug_in_cart(client, demo, "gq")

    # when
    placed = (
        await gql(
            client,
            demo,
            CHECKOUT,
            input={"cartId": "gq", "email": "ann@example.com", "shippingAddress": GRAPHQL_ADDRESS},
        )
    )["checkout"]

    # then
    order = placed["order"]
    assert placed["userErrors"] == []
    assert (order["orderNumber"], order["status"], order["paymentStatus"]) == ("ORD-001", "processing", "pending")
    assert order["grandTotal"] == {"amount": "36.90", "amountMinor": 3690, "currency": "USD"}
    assert order["shippingAddress"] == {"line1": "123 Main St", "city": "Springfield", "country": "US"}
    assert placed["payment"]["provider"] == "manual" and placed["payment"]["instructions"]
    listing = (await gql(client, demo, ORDERS, email="ann@example.com"))["orders"]
    assert listing["total"] == 1 and listing["items"][0]["itemCount"] == 2
    found = (await gql(client, demo, ORDER, id=order["id"], email="ann@example.com"))["order"]
    assert found["orderNumber"] == "ORD-001"
    assert (await gql(client, demo, ORDER, id=order["id"], email="eve@example.com"))["order"] is None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"cartId": "empty-cart"}, "EMPTY_CART"),
        ({"email": "nope"}, "INVALID_EMAIL"),
        ({"shippingAddress": {**GRAPHQL_ADDRESS, "country": "ZZ"}}, "INVALID_ADDRESS"),
        ({"couponCode": "EXPIRED"}, "EXPIRED"),
    ],
)
async def test_checkout_mistakes_are_user_errors(
    client: httpx.AsyncClient, demo: Store, change: dict[str, Any], code: str
) -> None:
    # given
    await mug_in_cart(client, demo, "gq-bad")
    checkout_input = {"cartId": "gq-bad", "email": "ann@example.com", "shippingAddress": GRAPHQL_ADDRESS, **change}

    # when
    payload = (await gql(client, demo, CHECKOUT, input=checkout_input))["checkout"]

    # then
    assert payload["order"] is None
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert (await gql(client, demo, ORDERS, email="ann@example.com"))["orders"]["total"] == 0


async def test_stripe_checkout_over_graphql_returns_the_session_url(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # given
    store = await store_paying_with(runtime, "stripe")
    await mug_in_cart(client, store, "gq-stripe")

    # when
    payload = (
        await gql(
            client, store, CHECKOUT, input={"cartId": "gq-stripe", "email": "ann@example.com", "idempotencyKey": "k1"}
        )
    )["checkout"]
    again = (
        await gql(
            client, store, CHECKOUT, input={"cartId": "gq-stripe", "email": "ann@example.com", "idempotencyKey": "k1"}
        )
    )["checkout"]

    # then
    assert payload["userErrors"] == []
    assert payload["payment"]["provider"] == "stripe"
    assert payload["payment"]["id"].startswith("cs_") and payload["payment"]["url"]
    assert payload["order"]["status"] == "pending"
    assert again["order"]["id"] == payload["order"]["id"] and again["payment"] == payload["payment"]
