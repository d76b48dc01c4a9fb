"""A store's payment provider credentials, as the provider adapters take them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import StoreSettings
from shopgraph.payments import ProviderCredentials


async def credentials_for(session: AsyncSession, project_id: str) -> tuple[ProviderCredentials, StoreSettings]:
    """The credentials, and the settings row they come from (its provider, storefront URL, order lifetime)."""
    row = await session.get(StoreSettings, project_id)
    assert row is not None
    return (
        ProviderCredentials(
            stripe_secret_key=row.stripe_secret_key,
            stripe_publishable_key=row.stripe_publishable_key,
            stripe_webhook_secret=row.stripe_webhook_secret,
            stripe_mode=row.stripe_mode,
            razorpay_key_id=row.razorpay_key_id,
            razorpay_key_secret=row.razorpay_key_secret,
            razorpay_webhook_secret=row.razorpay_webhook_secret,
        ),
        row,
    )
