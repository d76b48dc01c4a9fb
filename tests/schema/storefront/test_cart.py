"""The cart over GraphQL: the same flow and totals as REST, errors as `userErrors`."""

from __future__ import annotations

from typing import Any

import httpx

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product, product_ids, variant_id
from tests.support.graphql import gql

CART_FIELDS = """
  id currency itemCount
  items {
    id name variantName quantity issues unitPrice { amount } lineTotal { amount amountMinor } discount { amount }
  }
  coupon { code type value applied }
  couponProblem { reason message }
  subtotal { amount } discountTotal { amount } taxTotal { amount } shippingTotal { amount }
  grandTotal { amount amountMinor currency }
"""

ADD_ITEM = f"""
mutation Add($cartId: ID!, $productId: ID!, $variantId: ID, $quantity: Int!) {{
  cartAddItem(cartId: $cartId, productId: $productId, variantId: $variantId, quantity: $quantity) {{
    cart {{ {CART_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""

UPDATE_ITEM = f"""
mutation Update($cartId: ID!, $itemId: ID!, $quantity: Int!) {{
  cartUpdateItem(cartId: $cartId, itemId: $itemId, quantity: $quantity) {{
    cart {{ {CART_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""

REMOVE_ITEM = f"""
mutation Remove($cartId: ID!, $itemId: ID!) {{
  cartRemoveItem(cartId: $cartId, itemId: $itemId) {{ cart {{ {CART_FIELDS} }} userErrors {{ code }} }}
}}
"""

APPLY_COUPON = f"""
mutation Apply($cartId: ID!, $code: String!) {{
  cartApplyCoupon(cartId: $cartId, code: $code) {{ cart {{ {CART_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

REMOVE_COUPON = f"""
mutation Unapply($cartId: ID!) {{
  cartRemoveCoupon(cartId: $cartId) {{ cart {{ {CART_FIELDS} }} userErrors {{ code }} }}
}}
"""

CLEAR = f"""
mutation Clear($cartId: ID!) {{ cartClear(cartId: $cartId) {{ cart {{ {CART_FIELDS} }} userErrors {{ code }} }} }}
"""

READ_CART = f"query Read($id: ID!) {{ cart(id: $id) {{ {CART_FIELDS} }} }}"

VALIDATE = """
mutation Validate($code: String!, $cartId: ID, $email: String) {
  couponValidate(code: $code, cartId: $cartId, email: $email) {
    valid code type value discountAmount { amount } reason message userErrors { code }
  }
}
"""


def amounts(cart: dict[str, Any]) -> tuple[str, ...]:
    keys = ("subtotal", "discountTotal", "taxTotal", "shippingTotal", "grandTotal")
    return tuple(cart[key]["amount"] for key in keys)


async def test_the_cart_flow_over_graphql(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    catalog = await product_ids(client, demo)
    tee = catalog["classic-tee"]

    # when
    await gql(client, demo, ADD_ITEM, cartId="g1", productId=tee["id"], variantId=variant_id(tee, "M"), quantity=2)
    added = await gql(client, demo, ADD_ITEM, cartId="g1", productId=catalog["ceramic-mug"]["id"], quantity=1)

    # then
    cart = added["cartAddItem"]["cart"]
    assert added["cartAddItem"]["userErrors"] == []
    assert cart["itemCount"] == 3 and cart["currency"] == "USD"
    assert amounts(cart) == ("64.50", "0.00", "6.45", "5.00", "75.95")
    assert cart["grandTotal"] == {"amount": "75.95", "amountMinor": 7595, "currency": "USD"}

    # when / then: each coupon
    save10 = (await gql(client, demo, APPLY_COUPON, cartId="g1", code="SAVE10"))["cartApplyCoupon"]["cart"]
    assert amounts(save10) == ("64.50", "6.45", "5.81", "5.00", "68.86")
    assert save10["coupon"] == {"code": "SAVE10", "type": "percentage", "value": "10", "applied": True}
    flat5 = (await gql(client, demo, APPLY_COUPON, cartId="g1", code="FLAT5"))["cartApplyCoupon"]["cart"]
    assert amounts(flat5) == ("64.50", "5.00", "5.95", "5.00", "70.45")
    freeship = (await gql(client, demo, APPLY_COUPON, cartId="g1", code="FREESHIP"))["cartApplyCoupon"]["cart"]
    assert amounts(freeship) == ("64.50", "0.00", "6.45", "0.00", "70.95")
    expired = (await gql(client, demo, APPLY_COUPON, cartId="g1", code="EXPIRED"))["cartApplyCoupon"]
    assert expired["cart"] is None
    assert expired["userErrors"][0]["code"] == "EXPIRED" and expired["userErrors"][0]["field"] == "code"
    removed = (await gql(client, demo, REMOVE_COUPON, cartId="g1"))["cartRemoveCoupon"]["cart"]
    assert removed["coupon"] is None and amounts(removed) == ("64.50", "0.00", "6.45", "5.00", "75.95")

    # when / then: change and remove lines, then clear
    mug_line = removed["items"][1]["id"]
    updated = (await gql(client, demo, UPDATE_ITEM, cartId="g1", itemId=mug_line, quantity=3))["cartUpdateItem"]
    assert updated["cart"]["items"][1]["quantity"] == 3
    without_mug = (await gql(client, demo, REMOVE_ITEM, cartId="g1", itemId=mug_line))["cartRemoveItem"]["cart"]
    assert [item["name"] for item in without_mug["items"]] == ["Classic Tee"]
    cleared = (await gql(client, demo, CLEAR, cartId="g1"))["cartClear"]["cart"]
    assert cleared["items"] == []
    assert (await gql(client, demo, READ_CART, id="g1"))["cart"]["itemCount"] == 0


async def test_mistakes_are_user_errors_with_the_rest_codes(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    scarce = await make_product(runtime, demo, "Scarce", stock=2)
    catalog = await product_ids(client, demo)

    # when
    too_many = (await gql(client, demo, ADD_ITEM, cartId="g2", productId=scarce, quantity=3))["cartAddItem"]
    zero = (await gql(client, demo, ADD_ITEM, cartId="g2", productId=scarce, quantity=0))["cartAddItem"]
    no_variant = (await gql(client, demo, ADD_ITEM, cartId="g2", productId=catalog["classic-tee"]["id"], quantity=1))[
        "cartAddItem"
    ]
    bad_cart = (await gql(client, demo, ADD_ITEM, cartId="has space", productId=scarce, quantity=1))["cartAddItem"]

    # then
    assert [error["code"] for error in too_many["userErrors"]] == ["INSUFFICIENT_STOCK"]
    assert [error["code"] for error in zero["userErrors"]] == ["INVALID_QUANTITY"]
    assert [error["code"] for error in no_variant["userErrors"]] == ["VARIANT_REQUIRED"]
    assert [error["code"] for error in bad_cart["userErrors"]] == ["INVALID_CART_ID"]
    assert (await gql(client, demo, READ_CART, id="g2"))["cart"]["items"] == []


async def test_coupon_validate_over_graphql(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    catalog = await product_ids(client, demo)
    await gql(client, demo, ADD_ITEM, cartId="g3", productId=catalog["ceramic-mug"]["id"], quantity=2)

    # when
    valid = (await gql(client, demo, VALIDATE, code="SAVE10", cartId="g3"))["couponValidate"]
    expired = (await gql(client, demo, VALIDATE, code="EXPIRED"))["couponValidate"]
    empty = (await gql(client, demo, VALIDATE, code=""))["couponValidate"]

    # then
    assert valid["valid"] is True and valid["discountAmount"] == {"amount": "2.90"} and valid["value"] == "10"
    assert expired["valid"] is False and expired["reason"] == "EXPIRED"
    assert empty["valid"] is False and empty["userErrors"][0]["code"] == "INVALID_COUPON_CODE"
