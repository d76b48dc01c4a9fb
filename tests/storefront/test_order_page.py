"""The hosted order page: a signed link shows the order; a forged, another order's or no token asks for the email."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from shopgraph.db.models import Project
from shopgraph.domain.orders.admin_actions import fulfil_order
from shopgraph.domain.orders.links import order_token
from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, fill_cart, make_store, product_ids


async def _cash_order(client: httpx.AsyncClient, store: Store, cart_id: str, email: str = "ann@example.com") -> str:
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]
    await fill_cart(client, store, cart_id, [(mug, 2)])
    response = await client.post(store.aerostack("/checkout"), json=checkout_body(cart_id, email), headers=store.auth)
    assert response.status_code == 201, response.text
    return str(response.json()["orderId"])


async def _secret(runtime: Runtime, store: Store) -> str:
    async with runtime.database.read() as session:
        secret = await session.scalar(select(Project.order_link_secret).where(Project.id == store.id))
    assert secret
    return secret


async def test_the_signed_link_shows_the_order(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "demo", demo=True)
    order_id = await _cash_order(client, store, "cart")

    # when
    page = await client.get(
        f"/store/demo/orders/{order_id}", params={"t": order_token(await _secret(runtime, store), order_id)}
    )

    # then
    assert page.status_code == 200
    assert "ORD-001" in page.text and "Ceramic Mug" in page.text and "processing" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_a_forged_or_borrowed_token_shows_no_order(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given: two orders, and a second store with its own secret
    store = await make_store(runtime, "demo", demo=True)
    other = await make_store(runtime, "other", demo=True)
    first, second = await _cash_order(client, store, "one"), await _cash_order(client, store, "two", "bob@example.com")
    secret = await _secret(runtime, store)

    # when
    attempts = [
        (first, order_token(secret, second)),
        (first, "0" * 64),
        (first, order_token(await _secret(runtime, other), first)),
        (first, order_token(secret, first)[:-2]),
    ]
    pages = [await client.get(f"/store/demo/orders/{order}", params={"t": token}) for order, token in attempts]

    # then
    for page in pages:
        assert page.status_code == 404
        assert "ORD-00" not in page.text and 'label for="email"' in page.text


async def test_without_a_token_the_page_asks_for_the_email(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "demo", demo=True)
    order_id = await _cash_order(client, store, "cart")

    # when
    asked = await client.get(f"/store/demo/orders/{order_id}")
    wrong = await client.get(f"/store/demo/orders/{order_id}", params={"email": "eve@example.com"})
    right = await client.get(f"/store/demo/orders/{order_id}", params={"email": "Ann@Example.com"})

    # then
    assert asked.status_code == 200 and 'name="email"' in asked.text and "ORD-001" not in asked.text
    assert wrong.status_code == 404 and "ORD-001" not in wrong.text and 'role="alert"' in wrong.text
    assert right.status_code == 200 and "ORD-001" in right.text


async def test_an_unknown_store_is_not_found(client: httpx.AsyncClient, runtime: Runtime) -> None:
    page = await client.get("/store/nowhere/orders/ord_x", params={"t": "0" * 64})

    assert page.status_code == 404


async def test_a_shipped_order_shows_its_tracking(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given: a cash-on-delivery order the merchant has shipped
    store = await make_store(runtime, "demo", demo=True)
    order_id = await _cash_order(client, store, "cart")
    async with runtime.database.write() as session:
        await fulfil_order(session, store.id, order_id, tracking_number="1Z999", carrier="UPS")

    # when
    page = await client.get(
        f"/store/demo/orders/{order_id}", params={"t": order_token(await _secret(runtime, store), order_id)}
    )

    # then
    assert page.status_code == 200
    assert '<dd data-field="status">shipped</dd>' in page.text
    assert '<dd data-field="tracking">UPS: 1Z999</dd>' in page.text
