"""`project set` and the admin API take currencies from ISO 4217 and provider keys in their providers' formats."""

from __future__ import annotations

import pytest

from shopgraph.db.models import StoreSettings
from shopgraph.domain.stores.settings import SETTING_KEYS, SETTING_MEANINGS, update_store_settings
from shopgraph.errors import DomainError
from shopgraph.runtime import Runtime
from tests.support.factories import make_store

REFUSED = [
    ("default_currency", "XYZ"),
    ("default_currency", "XAU"),
    ("stripe_secret_key", "hello"),
    ("stripe_secret_key", "pk_live_abc123"),
    ("stripe_secret_key", "sk_prod_abc123"),
    ("stripe_secret_key", "sk_live_"),
    ("stripe_publishable_key", "sk_live_abc123"),
    ("stripe_webhook_secret", "secret"),
    ("razorpay_key_id", "key_abc"),
    ("razorpay_key_id", "rzp_abc123"),
    ("razorpay_key_secret", "has space"),
    ("contact_email", "ops"),
    ("contact_email", "ops@example"),
    ("contact_email", "two@at@example.com"),
    ("contact_email", "a" * 250 + "@example.com"),
]
ACCEPTED = [
    ("default_currency", "eur", "EUR"),
    ("default_currency", "MGA", "MGA"),
    ("stripe_secret_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    ("stripe_secret_key", "sk_live_abc123", "sk_live_abc123"),
    ("stripe_secret_key", "rk_live_abc123", "rk_live_abc123"),
    ("stripe_secret_key", "", None),
    ("stripe_publishable_key", "pk_test_abc123", "pk_test_abc123"),
    ("stripe_webhook_secret", "whsec_abc123", "whsec_abc123"),
    ("razorpay_key_id", "rzp_live_ABC123", "rzp_live_ABC123"),
    ("razorpay_key_id", "rzp_test_ABC123", "rzp_test_ABC123"),
    ("contact_email", " ops@shop.example.com ", "ops@shop.example.com"),
    ("contact_email", "", None),
]


@pytest.mark.parametrize(("key", "value"), REFUSED, ids=[f"{k}={v[:40]}" for k, v in REFUSED])
async def test_a_value_in_the_wrong_format_is_refused_and_changes_nothing(
    runtime: Runtime, key: str, value: str
) -> None:
    # given
    store = await make_store(runtime, "shop")

    # when
    with pytest.raises(DomainError) as refused:
        async with runtime.database.write() as session:
            await update_store_settings(session, store.id, {"tax_percentage": "12", key: value})

    # then
    assert refused.value.status == 400
    assert refused.value.message.startswith(f"{key}: ")
    async with runtime.database.read() as session:
        row = await session.get(StoreSettings, store.id)
    assert row is not None and row.tax_basis_points == 0 and row.default_currency == "USD"


@pytest.mark.parametrize(("key", "value", "stored"), ACCEPTED, ids=[f"{k}={v}" for k, v, _ in ACCEPTED])
async def test_a_value_in_the_providers_format_is_stored(
    runtime: Runtime, key: str, value: str, stored: str | None
) -> None:
    # given
    store = await make_store(runtime, "shop")

    # when
    async with runtime.database.write() as session:
        await update_store_settings(session, store.id, {key: value})

    # then
    async with runtime.database.read() as session:
        row = await session.get(StoreSettings, store.id)
    assert getattr(row, key) == stored


def test_every_key_has_a_meaning() -> None:
    assert list(SETTING_MEANINGS) == list(SETTING_KEYS)
    assert all(SETTING_MEANINGS.values())
