"""Every bad cart request is a clear 4xx, and the cart is unchanged afterwards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from shopgraph.db.models import Coupon
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product, make_store, product_ids, variant_id


@pytest.fixture
async def cart_url(client: httpx.AsyncClient, demo: Store) -> str:
    catalog = await product_ids(client, demo)
    url = demo.aerocall("/cart/cart-1")
    tee = catalog["classic-tee"]
    response = await client.post(
        f"{url}/items",
        json={"productId": tee["id"], "quantity": 2, "variantId": variant_id(tee, "S")},
        headers=demo.auth,
    )
    assert response.status_code == 200
    return url


async def cart_state(client: httpx.AsyncClient, store: Store, url: str) -> Any:
    cart = (await client.get(url, headers=store.auth)).json()
    return [(line["product_id"], line["variant_id"], line["quantity"]) for line in cart["items"]], cart["coupon"]


@pytest.mark.parametrize("cart_id", ["with space", "x" * 65, "semi;colon", "dot.dot"])
async def test_a_bad_cart_id_is_a_400(client: httpx.AsyncClient, demo: Store, cart_id: str) -> None:
    response = await client.get(demo.aerocall(f"/cart/{cart_id}"), headers=demo.auth)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_CART_ID"


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", 1000, None, True, [1]])
async def test_a_bad_quantity_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, demo: Store, cart_url: str, quantity: Any
) -> None:
    # given
    before = await cart_state(client, demo, cart_url)
    catalog = await product_ids(client, demo)

    # when
    response = await client.post(
        f"{cart_url}/items", json={"productId": catalog["ceramic-mug"]["id"], "quantity": quantity}, headers=demo.auth
    )

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_QUANTITY"
    assert await cart_state(client, demo, cart_url) == before


@pytest.mark.parametrize("quantity", [-1, 1.5, "2", 1000])
async def test_a_bad_quantity_on_patch_changes_nothing(
    client: httpx.AsyncClient, demo: Store, cart_url: str, quantity: Any
) -> None:
    # given
    before = await cart_state(client, demo, cart_url)
    item_id = (await client.get(cart_url, headers=demo.auth)).json()["items"][0]["id"]

    # when
    response = await client.patch(f"{cart_url}/items/{item_id}", json={"quantity": quantity}, headers=demo.auth)

    # then
    assert response.status_code == 400
    assert await cart_state(client, demo, cart_url) == before


async def test_a_line_never_holds_more_than_999(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    plenty = await make_product(runtime, demo, "Plenty", stock=5000)
    url = demo.aerocall("/cart/big")
    await client.post(f"{url}/items", json={"productId": plenty, "quantity": 999}, headers=demo.auth)

    # when
    response = await client.post(f"{url}/items", json={"productId": plenty, "quantity": 1}, headers=demo.auth)

    # then
    assert response.status_code == 400
    assert (await client.get(url, headers=demo.auth)).json()["item_count"] == 999


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"productId": "prod_unknown", "quantity": 1}, 404, "PRODUCT_NOT_FOUND"),
        ({"quantity": 1}, 400, "INVALID_PRODUCT_ID"),
        ({"productId": 42, "quantity": 1}, 400, "INVALID_PRODUCT_ID"),
        ({"productId": "", "quantity": 1}, 400, "INVALID_PRODUCT_ID"),
    ],
)
async def test_a_bad_product_is_refused(
    client: httpx.AsyncClient, demo: Store, cart_url: str, body: dict[str, Any], status: int, code: str
) -> None:
    before = await cart_state(client, demo, cart_url)

    response = await client.post(f"{cart_url}/items", json=body, headers=demo.auth)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert await cart_state(client, demo, cart_url) == before


async def test_a_draft_product_or_one_of_another_project_cannot_be_added(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, cart_url: str
) -> None:
    # given
    other = await make_store(runtime, "other")
    foreign = await make_product(runtime, other, "Foreign", stock=3)
    draft = await make_product(runtime, demo, "Hidden", status="draft", stock=3)
    before = await cart_state(client, demo, cart_url)

    # when
    responses = [
        await client.post(f"{cart_url}/items", json={"productId": product, "quantity": 1}, headers=demo.auth)
        for product in (foreign, draft)
    ]

    # then
    assert [response.status_code for response in responses] == [404, 404]
    assert await cart_state(client, demo, cart_url) == before


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "INVALID_BODY"), (b"not json", "INVALID_JSON"), (b"[1, 2]", "INVALID_BODY"), (b"\xff\xfe", "INVALID_JSON")],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, demo: Store, cart_url: str, content: bytes, code: str
) -> None:
    before = await cart_state(client, demo, cart_url)

    response = await client.post(
        f"{cart_url}/items", content=content, headers={**demo.auth, "Content-Type": "application/json"}
    )

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert await cart_state(client, demo, cart_url) == before


async def test_a_2_mb_body_is_a_413(client: httpx.AsyncClient, demo: Store, cart_url: str) -> None:
    before = await cart_state(client, demo, cart_url)

    response = await client.post(
        f"{cart_url}/items", content=b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}', headers=demo.auth
    )

    assert response.status_code == 413
    assert await cart_state(client, demo, cart_url) == before


async def test_an_unknown_item_is_a_404(client: httpx.AsyncClient, demo: Store, cart_url: str) -> None:
    before = await cart_state(client, demo, cart_url)

    patched = await client.patch(f"{cart_url}/items/item_nope", json={"quantity": 2}, headers=demo.auth)
    deleted = await client.delete(f"{cart_url}/items/item_nope", headers=demo.auth)

    assert patched.status_code == deleted.status_code == 404
    assert await cart_state(client, demo, cart_url) == before


async def test_a_coupon_of_another_project_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, cart_url: str
) -> None:
    # given
    await make_store(runtime, "other", demo=True)
    async with runtime.database.write() as session:
        await session.execute(
            update(Coupon).where(Coupon.project_id == demo.id, Coupon.code == "SAVE10").values(code="DEMOONLY")
        )
    before = await cart_state(client, demo, cart_url)

    # when
    response = await client.post(f"{cart_url}/coupon", json={"code": "SAVE10"}, headers=demo.auth)

    # then
    assert (response.status_code, response.json()["code"]) == (400, "NOT_FOUND")
    assert await cart_state(client, demo, cart_url) == before


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 5}])
async def test_a_coupon_request_without_a_code_is_a_400(
    client: httpx.AsyncClient, demo: Store, cart_url: str, body: dict[str, Any]
) -> None:
    applied = await client.post(f"{cart_url}/coupon", json=body, headers=demo.auth)
    validated = await client.post(demo.aerocall("/coupons/validate"), json=body, headers=demo.auth)

    assert applied.status_code == validated.status_code == 400


@pytest.mark.parametrize("code", ["save 10", "ÿ" * 64, "SAVE-10-ÿ"])
async def test_a_code_no_coupon_could_have_is_not_found_and_changes_nothing(
    client: httpx.AsyncClient, demo: Store, cart_url: str, code: str
) -> None:
    # given: codes with characters no coupon has (NUL, which no database stores, is tests/test_nul_text.py's)
    before = await cart_state(client, demo, cart_url)

    # when
    applied = await client.post(f"{cart_url}/coupon", json={"code": code}, headers=demo.auth)
    checked = await client.post(demo.aerocall("/coupons/validate"), json={"code": code}, headers=demo.auth)
    graphql = await client.post(
        "/graphql",
        json={
            "query": "mutation($c: ID!, $k: String!) { cartApplyCoupon(cartId: $c, code: $k) { userErrors { code } } }",
            "variables": {"c": "cart-1", "k": code},
        },
        headers=demo.auth,
    )

    # then
    assert 400 <= applied.status_code < 500 and applied.json()["code"] != "INTERNAL_ERROR", applied.text
    assert checked.status_code == 200 and checked.json()["valid"] is False, checked.text
    assert graphql.status_code == 200 and "errors" not in graphql.json(), graphql.text
    assert graphql.json()["data"]["cartApplyCoupon"]["userErrors"], graphql.text
    assert await cart_state(client, demo, cart_url) == before
