"""Settings in the dashboard: the fields saved through the admin settings function; secrets are write-only."""

from __future__ import annotations

import httpx

from shopgraph.db.models import StoreSettings
from shopgraph.runtime import Runtime
from tests.dashboard.support import sign_in
from tests.support.factories import Store

STRIPE_SECRET = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"


async def _settings(runtime: Runtime, store: Store) -> StoreSettings:
    async with runtime.database.read() as session:
        found = await session.get(StoreSettings, store.id)
    assert found is not None
    return found


async def test_settings_are_saved_and_secrets_never_sent_back(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    page = (await client.get("/dashboard/settings")).text
    assert 'value="USD"' in page and "Not set." in page
    saved = await client.post(
        "/dashboard/settings",
        data={
            "csrf_token": csrf,
            "default_currency": "USD",
            "tax_percentage": "7.5",
            "flat_shipping_rate": "5",
            "free_shipping_threshold": "100",
            "shipping_enabled": "on",
            "payment_provider": "manual",
            "stripe_secret_key": STRIPE_SECRET,
            "storefront_url": "https://shop.example.com",
            "cors_origins": "https://shop.example.com",
            "domains": "shop.example.com",
            "pending_order_ttl_minutes": "60",
        },
    )
    assert saved.status_code == 303, saved.text
    row = await _settings(runtime, demo)
    assert row.tax_basis_points == 750 and row.storefront_url == "https://shop.example.com"
    assert row.cors_origins == ["https://shop.example.com"]
    again = (await client.get("/dashboard/settings")).text
    assert STRIPE_SECRET not in again and "Set: ••••••••" in again
    assert 'value="shop.example.com"' in again and 'value="7.50"' in again

    # An empty secret field keeps the secret; Clear removes it.
    keep = await client.post("/dashboard/settings", data={"csrf_token": csrf, "stripe_secret_key": ""})
    assert keep.status_code == 303
    assert (await _settings(runtime, demo)).stripe_secret_key is not None
    cleared = await client.post("/dashboard/settings", data={"csrf_token": csrf, "clear:stripe_secret_key": "on"})
    assert cleared.status_code == 303
    assert (await _settings(runtime, demo)).stripe_secret_key is None


async def test_a_bad_value_is_shown_by_its_field_and_nothing_changes(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    before = await _settings(runtime, demo)
    response = await client.post(
        "/dashboard/settings",
        data={"csrf_token": csrf, "tax_percentage": "250", "storefront_url": "https://new.example.com"},
    )
    assert response.status_code == 400 and 'id="tax_percentage_error"' in response.text
    assert 'value="250"' in response.text
    after = await _settings(runtime, demo)
    assert (after.tax_basis_points, after.storefront_url) == (before.tax_basis_points, before.storefront_url)
    bad_key = await client.post("/dashboard/settings", data={"csrf_token": csrf, "stripe_secret_key": "nope"})
    assert bad_key.status_code == 400 and 'id="stripe_secret_key_error"' in bad_key.text
    assert "nope" not in bad_key.text.split("</main>")[0].split('id="stripe_secret_key"')[1].split(">")[0]
