from __future__ import annotations

import httpx
import pytest

from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_store

DEMO_CONFIG = {
    "default_currency": "USD",
    "currency_symbol": "$",
    "tax_percentage": 10,
    "flat_shipping_rate": 5,
    "free_shipping_threshold": 100,
    "shipping_enabled": True,
    "payment_provider": "manual",
}


@pytest.mark.parametrize("family", ["aerostack", "aerocall"])
async def test_config_has_the_guides_fields_on_both_families(
    client: httpx.AsyncClient, demo: Store, family: str
) -> None:
    # given
    url = demo.aerostack("/config") if family == "aerostack" else demo.aerocall("/config")

    # when
    response = await client.get(url, headers=demo.auth)

    # then
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in DEMO_CONFIG} == DEMO_CONFIG


async def test_config_needs_no_key_on_the_aerostack_path(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.get(demo.aerostack("/config"))

    assert response.status_code == 200
    assert response.json()["default_currency"] == "USD"


async def test_config_never_shows_a_secret(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    async with runtime.database.write() as session:
        await update_store_settings(
            session,
            demo.id,
            {
                "stripe_secret_key": "sk_test_hidden",
                "stripe_webhook_secret": "whsec_hidden",
                "razorpay_key_secret": "x1",
            },
        )

    # when
    response = await client.get(demo.aerostack("/config"))

    # then
    text = response.text
    assert "sk_test_hidden" not in text and "whsec_hidden" not in text and "x1" not in text


async def test_a_settings_change_shows_on_the_next_request(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    first = await client.get(demo.aerostack("/config"))
    assert first.json()["tax_percentage"] == 10

    # when
    async with runtime.database.write() as session:
        await update_store_settings(session, demo.id, {"tax_percentage": "7.25", "shipping_enabled": "false"})
    second = await client.get(demo.aerostack("/config"))

    # then
    assert second.json()["tax_percentage"] == 7.25
    assert second.json()["shipping_enabled"] is False


async def test_money_follows_the_currency_digits(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(
        runtime, "tokyo", currency="JPY", settings={"flat_shipping_rate": "500", "free_shipping_threshold": "10000"}
    )

    # when
    body = (await client.get(store.aerostack("/config"))).json()

    # then
    assert body["default_currency"] == "JPY"
    assert body["currency_symbol"] == "¥"
    assert body["flat_shipping_rate"] == 500
    assert body["free_shipping_threshold"] == 10000
