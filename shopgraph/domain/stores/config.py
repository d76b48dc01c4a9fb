"""What a store's settings look like from outside: the storefront's config, and the merchant's fuller view."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph import money
from shopgraph.db.models import ProjectDomain, StoreSettings
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.errors import NotFound

PAYMENT_KEYS = (
    "stripe_secret_key",
    "stripe_publishable_key",
    "stripe_webhook_secret",
    "razorpay_key_id",
    "razorpay_key_secret",
    "razorpay_webhook_secret",
)


@dataclass(frozen=True)
class StoreConfig:
    """What `GET /config` and `storeConfig` show: never a secret."""

    default_currency: str
    tax_basis_points: int
    flat_shipping_rate_minor: int
    free_shipping_threshold_minor: int | None
    shipping_enabled: bool
    payment_provider: str
    stripe_publishable_key: str | None
    razorpay_key_id: str | None
    cors_origins: tuple[str, ...]

    @property
    def currency_symbol(self) -> str:
        return money.symbol(self.default_currency)

    @property
    def tax_percentage(self) -> Decimal:
        return (
            Decimal(self.tax_basis_points)
            .scaleb(-2)
            .quantize(Decimal(1) if self.tax_basis_points % 100 == 0 else Decimal("0.01"))
        )

    @classmethod
    def from_row(cls, row: Any) -> StoreConfig:
        return cls(
            default_currency=row.default_currency,
            tax_basis_points=row.tax_basis_points,
            flat_shipping_rate_minor=row.flat_shipping_rate_minor,
            free_shipping_threshold_minor=row.free_shipping_threshold_minor,
            shipping_enabled=row.shipping_enabled,
            payment_provider=row.payment_provider,
            stripe_publishable_key=row.stripe_publishable_key,
            razorpay_key_id=row.razorpay_key_id,
            cors_origins=tuple(row.cors_origins or ()),
        )


@dataclass(frozen=True)
class AdminStoreConfig:
    """The admin's view of the settings: which secrets are set, never their values."""

    config: StoreConfig
    storefront_url: str | None
    contact_email: str | None
    stripe_mode: str | None
    pending_order_ttl_minutes: int
    domains: tuple[str, ...]
    payment_keys_set: dict[str, bool]


async def read_store_config(session: AsyncSession, project_id: str) -> AdminStoreConfig:
    row = await session.get(StoreSettings, project_id)
    if row is None:
        raise NotFound("unknown project", code=ErrorCode.NOT_FOUND)
    domains = await session.scalars(
        select(ProjectDomain.domain).where(ProjectDomain.project_id == project_id).order_by(ProjectDomain.domain)
    )
    return AdminStoreConfig(
        config=StoreConfig.from_row(row),
        storefront_url=row.storefront_url,
        contact_email=row.contact_email,
        stripe_mode=row.stripe_mode,
        pending_order_ttl_minutes=row.pending_order_ttl_minutes,
        domains=tuple(domains.all()),
        payment_keys_set={key: bool(getattr(row, key)) for key in PAYMENT_KEYS},
    )


async def store_currency(session: AsyncSession, project_id: str) -> str:
    """The store's currency, which amounts given to it are read in."""
    currency = await session.scalar(
        select(StoreSettings.default_currency).where(StoreSettings.project_id == project_id)
    )
    if currency is None:
        raise NotFound("unknown project", code=ErrorCode.NOT_FOUND)
    return currency
