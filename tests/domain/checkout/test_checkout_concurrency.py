"""Checkout under concurrency: stock, coupon limits and order numbers hold on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select, update

from shopgraph.db.models import Coupon, Order, Product
from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, fill_cart, make_product


async def checkout_all(
    client: httpx.AsyncClient, store: Store, cart_ids: list[str], **extra: object
) -> list[httpx.Response]:
    return await asyncio.gather(
        *(
            client.post(
                store.aerocall("/checkout"),
                json=checkout_body(cart_id, f"buyer{index}@example.com", **extra),
                headers=store.auth,
            )
            for index, cart_id in enumerate(cart_ids)
        )
    )


async def test_fifty_checkouts_for_the_last_ten_units_make_ten_orders(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given: fifty carts each holding one unit, while only ten remain
    product = await make_product(runtime, demo, "Last Ten", stock=50)
    carts = [f"last-{index}" for index in range(50)]
    for cart_id in carts:
        await fill_cart(client, demo, cart_id, [(product, 1)])
    async with runtime.database.write() as session:
        await session.execute(update(Product).where(Product.id == product).values(stock=10))

    # when
    responses = await checkout_all(client, demo, carts)

    # then
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 10 + [409] * 40
    assert {response.json()["code"] for response in responses if response.status_code == 409} == {"INSUFFICIENT_STOCK"}
    async with runtime.database.read() as session:
        assert await session.scalar(select(Product.stock).where(Product.id == product)) == 0
        assert len((await session.scalars(select(Order.id))).all()) == 10


async def test_a_coupon_used_once_is_used_once_whatever_the_concurrency(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    product = await make_product(runtime, demo, "Plenty", stock=100)
    async with runtime.database.write() as session:
        await session.execute(
            update(Coupon).where(Coupon.project_id == demo.id, Coupon.code == "SAVE10").values(usage_limit=1)
        )
    carts = [f"coupon-{index}" for index in range(20)]
    for cart_id in carts:
        await fill_cart(client, demo, cart_id, [(product, 1)])

    # when
    responses = await checkout_all(client, demo, carts, couponCode="SAVE10")

    # then
    created = [response for response in responses if response.status_code == 201]
    assert len(created) == 1
    assert created[0].json()["order"]["discount_total"] > 0
    assert {response.status_code for response in responses} <= {201, 400, 409}
    async with runtime.database.read() as session:
        assert (
            await session.scalar(select(Coupon.used_count).where(Coupon.project_id == demo.id, Coupon.code == "SAVE10"))
            == 1
        )
        assert await session.scalar(select(Product.stock).where(Product.id == product)) == 99


async def test_twenty_concurrent_checkouts_get_twenty_consecutive_numbers(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    product = await make_product(runtime, demo, "Numbered", stock=100)
    carts = [f"number-{index}" for index in range(20)]
    for cart_id in carts:
        await fill_cart(client, demo, cart_id, [(product, 1)])

    # when
    responses = await checkout_all(client, demo, carts)

    # then
    assert {response.status_code for response in responses} == {201}
    numbers = sorted(response.json()["order"]["order_number"] for response in responses)
    assert numbers == [f"ORD-{number:03d}" for number in range(1, 21)]


async def test_a_once_per_customer_coupon_is_redeemed_once_by_concurrent_checkouts_of_one_customer(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given: ten carts of one customer, all using a once-per-customer coupon
    product = await make_product(runtime, demo, "Popular", stock=100)
    async with runtime.database.write() as session:
        await session.execute(
            update(Coupon).where(Coupon.project_id == demo.id, Coupon.code == "FLAT5").values(once_per_customer=True)
        )
    carts = [f"once-{index}" for index in range(10)]
    for cart_id in carts:
        await fill_cart(client, demo, cart_id, [(product, 1)])

    # when
    responses = await asyncio.gather(
        *(
            client.post(
                demo.aerocall("/checkout"),
                json=checkout_body(cart_id, "same@example.com", couponCode="FLAT5"),
                headers=demo.auth,
            )
            for cart_id in carts
        )
    )

    # then
    assert sorted(response.status_code for response in responses) == [201] + [400] * 9
    assert {response.json()["code"] for response in responses if response.status_code == 400} == {"ALREADY_USED"}
    async with runtime.database.read() as session:
        assert await session.scalar(select(Product.stock).where(Product.id == product)) == 99
