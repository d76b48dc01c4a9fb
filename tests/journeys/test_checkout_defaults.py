"""Omitted successUrl / cancelUrl: the storefront_url when the project has one, else the hosted pages, so a Stripe
Checkout Session can always be created; the real Stripe SDK against the loopback fake."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import Project
from shopgraph.domain.orders.links import order_token, order_token_matches
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.stripe_fake import StripeFake
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, make_store
from tests.support.payments import PROVIDER_SETTINGS, STOREFRONT, checkout_one_mug

NO_STOREFRONT = {
    **{name: value for name, value in PROVIDER_SETTINGS["stripe"].items() if name != "storefront_url"},
    "stripe_mode": "checkout_session",
}


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str, stripe_fake: StripeFake) -> Settings:
    public_url = getattr(request, "param", None)
    return Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        stripe_api_base=stripe_fake.url,
        public_url=public_url,
    )


async def _link_secret(runtime: Runtime, store: Store) -> str:
    async with runtime.database.read() as session:
        secret = await session.scalar(select(Project.order_link_secret).where(Project.id == store.id))
    assert secret
    return secret


@pytest.mark.parametrize("family", ["aerostack", "aerocall"])
async def test_a_session_without_urls_returns_to_the_hosted_order_page(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake, family: str
) -> None:
    # given: a Stripe Checkout Session store with no storefront of its own
    store = await make_store(runtime, "demo", demo=True, settings=NO_STOREFRONT)

    # when: the checkout names neither successUrl nor cancelUrl
    response = await checkout_one_mug(client, store, family=family)

    # then
    assert response.status_code == 201, response.text
    order_id = response.json()["orderId"]
    assert response.json()["payment"]["url"].startswith("http")
    sent = stripe_fake.requests[-1]
    assert sent.path == "/v1/checkout/sessions"
    token = order_token(await _link_secret(runtime, store), order_id)
    assert sent.params["success_url"] == f"http://testserver/store/demo/orders/{order_id}?t={token}"
    assert sent.params["cancel_url"] == "http://testserver/store/demo/cart"


@pytest.mark.parametrize("settings", ["https://shop.test"], indirect=True)
async def test_public_url_is_the_base_of_the_defaults(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    # given
    store = await make_store(runtime, "demo", demo=True, settings=NO_STOREFRONT)

    # when
    response = await checkout_one_mug(client, store)

    # then
    assert response.status_code == 201, response.text
    sent = stripe_fake.requests[-1]
    assert sent.params["success_url"].startswith(f"https://shop.test/store/demo/orders/{response.json()['orderId']}?t=")
    assert sent.params["cancel_url"] == "https://shop.test/store/demo/cart"


async def test_the_storefront_url_wins_over_the_hosted_pages(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    store = await make_store(runtime, "demo", demo=True, settings={**NO_STOREFRONT, "storefront_url": STOREFRONT})

    response = await checkout_one_mug(client, store)

    assert response.status_code == 201, response.text
    sent = stripe_fake.requests[-1]
    assert (sent.params["success_url"], sent.params["cancel_url"]) == (STOREFRONT, STOREFRONT)


async def test_urls_the_request_names_are_kept(
    client: httpx.AsyncClient, runtime: Runtime, stripe_fake: StripeFake
) -> None:
    store = await make_store(runtime, "demo", demo=True, settings=NO_STOREFRONT)

    response = await checkout_one_mug(client, store, successUrl="https://a.test/ok")

    assert response.status_code == 201, response.text
    sent = stripe_fake.requests[-1]
    assert sent.params["success_url"] == "https://a.test/ok"
    assert sent.params["cancel_url"] == "http://testserver/store/demo/cart"


async def test_each_project_signs_with_its_own_secret(runtime: Runtime) -> None:
    # given
    first = await make_store(runtime, "first")
    second = await make_store(runtime, "second")
    first_secret, second_secret = await _link_secret(runtime, first), await _link_secret(runtime, second)

    # when
    token = order_token(first_secret, "ord_1")

    # then
    assert first_secret != second_secret
    assert order_token_matches(first_secret, "ord_1", token)
    assert not order_token_matches(second_secret, "ord_1", token)
    assert not order_token_matches(first_secret, "ord_2", token)
    assert not order_token_matches(first_secret, "ord_1", token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not order_token_matches(first_secret, "ord_1", None)
    assert not order_token_matches(first_secret, "ord_1", "é" * 64)
