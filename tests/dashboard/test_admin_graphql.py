"""The admin GraphQL takes a dashboard session in place of the key, from the same origin only."""

from __future__ import annotations

import httpx

from tests.dashboard.support import sign_in
from tests.support.factories import Store

COUPONS = {"query": "{ coupons { code } }"}


async def test_a_signed_in_merchant_queries_the_admin_api_from_the_same_origin(
    client: httpx.AsyncClient, demo: Store
) -> None:
    await sign_in(client, demo)
    same = await client.post(
        "/admin/graphql", json=COUPONS, headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    )
    assert same.status_code == 200, same.text
    assert "SAVE10" in same.text


async def test_a_cookie_authenticated_post_from_elsewhere_is_refused(client: httpx.AsyncClient, demo: Store) -> None:
    await sign_in(client, demo)
    for headers in (
        {"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "same-site"},
        {},
    ):
        response = await client.post("/admin/graphql", json=COUPONS, headers=headers)
        assert response.status_code == 401, headers
        assert "SAVE10" not in response.text
    got = await client.get("/admin/graphql", params=COUPONS, headers={"sec-fetch-site": "same-origin"})
    assert got.status_code == 401


async def test_without_a_live_session_the_cookie_opens_nothing(client: httpx.AsyncClient, demo: Store) -> None:
    client.cookies.set("shopgraph_dashboard", "made-up", path="/")
    response = await client.post(
        "/admin/graphql", json=COUPONS, headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 401


async def test_a_key_still_works_with_a_stale_cookie(client: httpx.AsyncClient, demo: Store) -> None:
    client.cookies.set("shopgraph_dashboard", "made-up", path="/")
    response = await client.post("/admin/graphql", json=COUPONS, headers={"authorization": f"Bearer {demo.secret_key}"})
    assert response.status_code == 200 and "SAVE10" in response.text
