from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from shopgraph.db.models import Coupon, CouponRedemption
from shopgraph.ids import new_id, now_ms
from shopgraph.runtime import Runtime
from tests.support.factories import Store, product_ids

DAY_MS = 24 * 60 * 60 * 1000


async def validate(client: httpx.AsyncClient, store: Store, **body: Any) -> dict[str, Any]:
    response = await client.post(store.aerostack("/coupons/validate"), json=body, headers=store.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def a_cart_of_64_50(client: httpx.AsyncClient, store: Store) -> str:
    catalog = await product_ids(client, store)
    url = store.aerostack("/cart/validate-cart")
    tee = catalog["classic-tee"]
    size_m = next(variant["id"] for variant in tee["variants"] if variant["name"] == "M")
    await client.post(
        f"{url}/items", json={"productId": tee["id"], "quantity": 2, "variantId": size_m}, headers=store.auth
    )
    await client.post(f"{url}/items", json={"productId": catalog["ceramic-mug"]["id"]}, headers=store.auth)
    return "validate-cart"


async def test_a_valid_coupon_against_a_cart_says_what_it_takes_off(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    cart_id = await a_cart_of_64_50(client, demo)

    # when
    save10 = await validate(client, demo, code="save10", cartId=cart_id)
    flat5 = await validate(client, demo, code="FLAT5", cartId=cart_id)

    # then
    assert save10 == {
        "valid": True, "code": "SAVE10", "type": "percentage", "value": 10, "discount_amount": 6.45,
        "message": save10["message"],
    }  # fmt: skip
    assert (flat5["type"], flat5["value"], flat5["discount_amount"]) == ("fixed", 5, 5)


async def test_without_a_cart_a_fixed_coupon_shows_its_amount(client: httpx.AsyncClient, demo: Store) -> None:
    flat5 = await validate(client, demo, code="FLAT5")
    save10 = await validate(client, demo, code="SAVE10")

    assert flat5["valid"] is True and flat5["discount_amount"] == 5
    assert save10["valid"] is True and save10["discount_amount"] is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"active": False}, "INACTIVE"),
        ({"starts_at": now_ms() + DAY_MS}, "NOT_STARTED"),
        ({"ends_at": now_ms() - 1}, "EXPIRED"),
        ({"usage_limit": 3, "used_count": 3}, "USAGE_LIMIT_REACHED"),
        ({"min_subtotal_minor": 10_000}, "MIN_SUBTOTAL_NOT_MET"),
    ],
)
async def test_each_reason_a_coupon_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, change: dict[str, Any], reason: str
) -> None:
    # given
    cart_id = await a_cart_of_64_50(client, demo)
    async with runtime.database.write() as session:
        await session.execute(update(Coupon).where(Coupon.code == "SAVE10").values(**change))

    # when
    answer = await validate(client, demo, code="SAVE10", cartId=cart_id)

    # then
    assert answer["valid"] is False
    assert answer["reason"] == reason
    assert answer["message"]


async def test_unknown_and_expired_codes(client: httpx.AsyncClient, demo: Store) -> None:
    assert (await validate(client, demo, code="NOPE"))["reason"] == "NOT_FOUND"
    assert (await validate(client, demo, code="EXPIRED"))["reason"] == "EXPIRED"


async def test_a_once_per_customer_coupon_already_used_by_that_email(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    async with runtime.database.write() as session:
        await session.execute(update(Coupon).where(Coupon.code == "FLAT5").values(once_per_customer=True))
        coupon_id = await session.scalar(select(Coupon.id).where(Coupon.project_id == demo.id, Coupon.code == "FLAT5"))
        session.add(
            CouponRedemption(id=new_id("red"), project_id=demo.id, coupon_id=coupon_id, email="ann@example.com")
        )

    # when
    used = await validate(client, demo, code="FLAT5", email="Ann@Example.com")
    fresh = await validate(client, demo, code="FLAT5", email="bob@example.com")

    # then
    assert used["reason"] == "ALREADY_USED"
    assert fresh["valid"] is True


async def test_a_bad_email_is_a_400(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.post(
        demo.aerostack("/coupons/validate"), json={"code": "SAVE10", "email": "not-an-email"}, headers=demo.auth
    )

    assert (response.status_code, response.json()["code"]) == (400, "INVALID_EMAIL")
