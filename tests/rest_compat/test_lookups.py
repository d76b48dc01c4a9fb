"""The lookups the guides leave open, settled as the vendor's backend did: product by id, order by number."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.factories import Store, checkout_body, fill_cart, product_ids
from tests.support.graphql import gql

FAMILIES = ["aerostack", "aerocall"]


def url(store: Store, family: str, endpoint: str) -> str:
    return store.aerostack(endpoint) if family == "aerostack" else store.aerocall(endpoint)


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_product_is_found_by_its_id_as_by_its_slug(client: httpx.AsyncClient, demo: Store, family: str) -> None:
    # given
    mug = (await product_ids(client, demo))["ceramic-mug"]

    # when
    by_slug = await client.get(url(demo, family, "/products/ceramic-mug"), headers=demo.auth)
    by_id = await client.get(url(demo, family, f"/products/{mug['id']}"), headers=demo.auth)
    unknown = await client.get(url(demo, family, "/products/prd_nope"), headers=demo.auth)

    # then
    assert by_id.status_code == 200, by_id.text
    assert by_id.json() == by_slug.json()
    assert by_id.json()["slug"] == "ceramic-mug"
    assert unknown.status_code == 404


@pytest.mark.parametrize("family", FAMILIES)
async def test_an_order_is_found_by_its_number_with_any_case_of_email(
    client: httpx.AsyncClient, demo: Store, family: str
) -> None:
    # given
    tote = (await product_ids(client, demo))["canvas-tote"]
    await fill_cart(client, demo, "n1", [(tote["id"], 1)])
    placed = (await client.post(demo.aerostack("/checkout"), json=checkout_body("n1"), headers=demo.auth)).json()

    # when
    answers = {
        key: await client.get(url(demo, family, f"/orders/{key}"), params={"email": email}, headers=demo.auth)
        for key, email in [
            ("ORD-001", "Ann@Example.com"),
            ("ord-1", "ann@example.com"),
            (placed["orderId"], "ANN@EXAMPLE.COM"),
        ]
    }
    wrong_email = await client.get(
        url(demo, family, "/orders/ORD-001"), params={"email": "eve@example.com"}, headers=demo.auth
    )
    unknown = await client.get(
        url(demo, family, "/orders/ORD-002"), params={"email": "ann@example.com"}, headers=demo.auth
    )

    # then
    for answer in answers.values():
        assert answer.status_code == 200, answer.text
        assert answer.json()["id"] == placed["orderId"]
    assert wrong_email.status_code == 404
    assert unknown.status_code == 404
    assert (
        unknown.json()
        == (
            await client.get(
                url(demo, family, "/orders/ORD-001"), params={"email": "eve@example.com"}, headers=demo.auth
            )
        ).json()
    )


async def test_graphql_order_accepts_an_order_number(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    tote = (await product_ids(client, demo))["canvas-tote"]
    await fill_cart(client, demo, "g1", [(tote["id"], 1)])
    await client.post(demo.aerostack("/checkout"), json=checkout_body("g1"), headers=demo.auth)
    query = "query O($id: ID!, $email: String!) { order(id: $id, email: $email) { orderNumber } }"

    # when
    data: dict[str, Any] = await gql(client, demo, query, id="ORD-001", email="ANN@example.com")

    # then
    assert data["order"]["orderNumber"] == "ORD-001"


@pytest.mark.parametrize("family", FAMILIES)
async def test_category_and_category_id_take_a_slug_or_an_id(
    client: httpx.AsyncClient, demo: Store, family: str
) -> None:
    # given
    tree = (await client.get(demo.aerocall("/categories"), headers=demo.auth)).json()["categories"]
    kitchen = next(child for top in tree if top["slug"] == "home" for child in top["children"])
    expected = ["ceramic-mug", "chef-knife", "cutting-board"]

    # when
    answers = [
        await client.get(url(demo, family, "/products"), params={name: value}, headers=demo.auth)
        for name in ("category", "category_id")
        for value in (kitchen["slug"], kitchen["id"])
    ]
    unknown = await client.get(url(demo, family, "/products"), params={"category": "nowhere"}, headers=demo.auth)

    # then
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert sorted(product["slug"] for product in answer.json()["products"]) == expected
    assert unknown.status_code == 400


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_product_without_variants_is_added_with_no_null_or_its_own_id_as_variant(
    client: httpx.AsyncClient, demo: Store, family: str
) -> None:
    # given
    catalog = await product_ids(client, demo)
    mug, tee = catalog["ceramic-mug"]["id"], catalog["classic-tee"]["id"]
    items = url(demo, family, "/cart/v1/items")

    # when
    answers = [
        await client.post(items, json={"productId": mug, "quantity": 1, **extra}, headers=demo.auth)
        for extra in ({}, {"variantId": None}, {"variantId": mug})
    ]
    own_id_on_variants = await client.post(
        items, json={"productId": tee, "variantId": tee, "quantity": 1}, headers=demo.auth
    )

    # then
    for answer in answers:
        assert answer.status_code == 200, answer.text
    lines = answers[-1].json()["items"]
    assert [(line["product_id"], line["quantity"]) for line in lines] == [(mug, 3)]
    assert own_id_on_variants.status_code == 400 and own_id_on_variants.json()["code"] == "INVALID_VARIANT"
