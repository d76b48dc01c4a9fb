"""Coupons through the admin API: made, changed and removed; a new coupon works on a cart at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopgraph.ids import now_ms
from tests.support.factories import Store, product_ids
from tests.support.graphql import admin, refused, succeeded

DAY_MS = 24 * 60 * 60 * 1000
COUPON_FIELDS = """
  id code type value active startsAt endsAt minSubtotal { amount } usageLimit usedCount oncePerCustomer
  productIds categoryIds
"""

CREATE_COUPON = f"""
mutation Create($input: CouponCreateInput!) {{
  couponCreate(input: $input) {{ coupon {{ {COUPON_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

UPDATE_COUPON = f"""
mutation Update($id: ID!, $input: CouponUpdateInput!) {{
  couponUpdate(id: $id, input: $input) {{ coupon {{ {COUPON_FIELDS} }} userErrors {{ field message code }} }}
}}
"""

DELETE_COUPON = """
mutation Delete($id: ID!) { couponDelete(id: $id) { deletedId userErrors { field message code } } }
"""

COUPONS = f"query {{ coupons {{ {COUPON_FIELDS} }} }}"


async def coupon_on_a_mug_cart(client: httpx.AsyncClient, store: Store, code: str) -> httpx.Response:
    """Two mugs (29.00) in a fresh cart, then the coupon applied to it."""
    mug = (await product_ids(client, store))["ceramic-mug"]
    cart = store.aerocall(f"/cart/cart-{code.lower()}")
    await client.post(f"{cart}/items", json={"productId": mug["id"], "quantity": 2}, headers=store.auth)
    return await client.post(f"{cart}/coupon", json={"code": code}, headers=store.auth)


async def by_code(client: httpx.AsyncClient, store: Store) -> dict[str, dict[str, Any]]:
    return {coupon["code"]: coupon for coupon in (await admin(client, store, COUPONS))["coupons"]}


async def test_a_new_coupon_works_on_a_cart(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    created = succeeded(
        (
            await admin(
                client,
                demo,
                CREATE_COUPON,
                input={
                    "code": " spring25 ",
                    "type": "PERCENTAGE",
                    "value": "25",
                    "minSubtotal": "20",
                    "usageLimit": 100,
                },
            )
        )["couponCreate"]
    )["coupon"]

    # when
    response = await coupon_on_a_mug_cart(client, demo, "SPRING25")

    # then
    assert (created["code"], created["type"], created["value"], created["usedCount"]) == (
        "SPRING25",
        "percentage",
        "25",
        0,
    )
    assert created["minSubtotal"] == {"amount": "20.00"} and created["active"] is True
    assert response.status_code == 200, response.text
    cart = response.json()
    assert cart["coupon"]["code"] == "SPRING25"
    assert (cart["subtotal"], cart["discount_total"]) == (29, 7.25)


async def test_a_coupon_restricted_to_a_product_and_with_dates(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    catalog = await product_ids(client, demo)
    now = now_ms()

    # when
    coupon = succeeded(
        (
            await admin(
                client,
                demo,
                CREATE_COUPON,
                input={
                    "code": "MUGS",
                    "type": "FIXED",
                    "value": "3",
                    "productIds": [catalog["ceramic-mug"]["id"]],
                    "startsAt": now - DAY_MS,
                    "endsAt": now + DAY_MS,
                    "oncePerCustomer": True,
                },
            )
        )["couponCreate"]
    )["coupon"]
    applied = (await coupon_on_a_mug_cart(client, demo, "MUGS")).json()

    # then
    assert coupon["productIds"] == [catalog["ceramic-mug"]["id"]] and coupon["oncePerCustomer"] is True
    assert (coupon["startsAt"], coupon["endsAt"]) == (now - DAY_MS, now + DAY_MS)
    assert applied["discount_total"] == 3


async def test_a_coupon_is_changed_and_deactivated(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    save10 = (await by_code(client, demo))["SAVE10"]

    # when
    changed = succeeded(
        (await admin(client, demo, UPDATE_COUPON, id=save10["id"], input={"type": "FIXED", "value": "2.50"}))[
            "couponUpdate"
        ]
    )["coupon"]
    after_change = (await coupon_on_a_mug_cart(client, demo, "SAVE10")).json()
    succeeded((await admin(client, demo, UPDATE_COUPON, id=save10["id"], input={"active": False}))["couponUpdate"])
    after_deactivation = await coupon_on_a_mug_cart(client, demo, "SAVE10")

    # then
    assert (changed["type"], changed["value"]) == ("fixed", "2.50")
    assert after_change["discount_total"] == 2.5
    assert after_deactivation.status_code == 400 and after_deactivation.json()["code"] == "INACTIVE"


async def test_a_deleted_coupon_no_longer_applies(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    flat5 = (await by_code(client, demo))["FLAT5"]

    # when
    deleted = succeeded((await admin(client, demo, DELETE_COUPON, id=flat5["id"]))["couponDelete"])
    response = await coupon_on_a_mug_cart(client, demo, "FLAT5")

    # then
    assert deleted["deletedId"] == flat5["id"]
    assert "FLAT5" not in await by_code(client, demo)
    assert response.status_code == 400 and response.json()["code"] == "NOT_FOUND"


BAD_COUPONS = [
    pytest.param({"code": "save10", "type": "FIXED", "value": "1"}, "code", "COUPON_CODE_TAKEN", id="taken, any case"),
    pytest.param({"code": "NO SPACES", "type": "FIXED", "value": "1"}, "code", "INVALID_CODE", id="bad code"),
    pytest.param({"code": "P0", "type": "PERCENTAGE", "value": "0"}, "value", "INVALID_PERCENTAGE", id="0 %"),
    pytest.param(
        {"code": "P101", "type": "PERCENTAGE", "value": "100.5"}, "value", "INVALID_PERCENTAGE", id="over 100 %"
    ),
    pytest.param(
        {"code": "P3D", "type": "PERCENTAGE", "value": "10.125"}, "value", "INVALID_PERCENTAGE", id="3 decimals"
    ),
    pytest.param({"code": "PNONE", "type": "PERCENTAGE"}, "value", "INVALID_PERCENTAGE", id="no percentage"),
    pytest.param({"code": "F0", "type": "FIXED", "value": "0"}, "value", "INVALID_AMOUNT", id="fixed 0"),
    pytest.param({"code": "FNEG", "type": "FIXED", "value": "-5"}, "value", "INVALID_AMOUNT", id="fixed negative"),
    pytest.param(
        {"code": "SHIP", "type": "FREE_SHIPPING", "value": "5"}, "value", "INVALID_INPUT", id="shipping value"
    ),
    pytest.param(
        {"code": "DATES", "type": "FIXED", "value": "1", "startsAt": 2_000_000_000_000, "endsAt": 1_900_000_000_000},
        "endsAt",
        "INVALID_DATES",
        id="ends before it starts",
    ),
    pytest.param(
        {"code": "LIMIT", "type": "FIXED", "value": "1", "usageLimit": 0}, "usageLimit", "INVALID_INPUT", id="limit 0"
    ),
    pytest.param(
        {"code": "WHERE", "type": "FIXED", "value": "1", "productIds": ["prod_nope"]},
        "productIds",
        "NOT_FOUND",
        id="unknown product",
    ),
]


@pytest.mark.parametrize(("fields", "field", "code"), BAD_COUPONS)
async def test_bad_coupon_input_is_a_user_error_and_changes_nothing(
    client: httpx.AsyncClient, demo: Store, fields: dict[str, Any], field: str, code: str
) -> None:
    # given
    before = await by_code(client, demo)

    # when
    payload = (await admin(client, demo, CREATE_COUPON, input=fields))["couponCreate"]

    # then
    assert payload["coupon"] is None
    assert (refused(payload)["field"], refused(payload)["code"]) == (field, code)
    assert await by_code(client, demo) == before


async def test_bad_coupon_updates_change_nothing(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    coupons = await by_code(client, demo)
    expired = coupons["EXPIRED"]

    # when
    errors = [
        refused((await admin(client, demo, UPDATE_COUPON, id=coupons[code]["id"], input=changes))["couponUpdate"])
        for code, changes in (
            ("FLAT5", {"code": "save10"}),
            ("FLAT5", {"type": "PERCENTAGE"}),
            ("EXPIRED", {"startsAt": expired["endsAt"] + DAY_MS}),
        )
    ]
    errors.append(
        refused((await admin(client, demo, UPDATE_COUPON, id="cpn_nope", input={"active": False}))["couponUpdate"])
    )
    errors.append(refused((await admin(client, demo, DELETE_COUPON, id="cpn_nope"))["couponDelete"]))

    # then
    assert [(error["field"], error["code"]) for error in errors] == [
        ("code", "COUPON_CODE_TAKEN"),
        ("value", "INVALID_INPUT"),
        ("endsAt", "INVALID_DATES"),
        ("id", "NOT_FOUND"),
        ("id", "NOT_FOUND"),
    ]
    assert await by_code(client, demo) == coupons
