"""The admin's view of the store settings (which secrets are set, never their values), and typed changes to them.

Changes go through the same `KEY=VALUE` rules as `shopgraph project set`, so both paths accept the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import ProjectDomain, StoreSettings
from shopgraph.errors import DomainError, NotFound
from shopgraph.resolvers.admin_fields import camel
from shopgraph.resolvers.store_settings import StoreConfig, update_store_settings

PAYMENT_KEYS = (
    "stripe_secret_key",
    "stripe_publishable_key",
    "stripe_webhook_secret",
    "razorpay_key_id",
    "razorpay_key_secret",
    "razorpay_webhook_secret",
)


@dataclass(frozen=True)
class AdminStoreConfig:
    config: StoreConfig
    storefront_url: str | None
    stripe_mode: str | None
    pending_order_ttl_minutes: int
    domains: tuple[str, ...]
    payment_keys_set: dict[str, bool]


async def read_store_config(session: AsyncSession, project_id: str) -> AdminStoreConfig:
    row = await session.get(StoreSettings, project_id)
    if row is None:
        raise NotFound("unknown project", code="NOT_FOUND")
    domains = await session.scalars(
        select(ProjectDomain.domain).where(ProjectDomain.project_id == project_id).order_by(ProjectDomain.domain)
    )
    return AdminStoreConfig(
        config=StoreConfig.from_row(row),
        storefront_url=row.storefront_url,
        stripe_mode=row.stripe_mode,
        pending_order_ttl_minutes=row.pending_order_ttl_minutes,
        domains=tuple(domains.all()),
        payment_keys_set={key: bool(getattr(row, key)) for key in PAYMENT_KEYS},
    )


def setting_text(value: object) -> str:
    """A typed value as `project set` would take it; null clears an optional setting."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def _named_as_given(error: DomainError) -> DomainError:
    """The settings rules name `tax_percentage`; the caller wrote `taxPercentage`."""
    key = error.field or ("domains" if error.code == "DOMAIN_TAKEN" else None)
    if key is None:
        return error
    message = camel(key) + error.message[len(key) :] if error.message.startswith(key) else error.message
    return DomainError(message, code=error.code, status=error.status, field=camel(key), extra=error.extra)


async def update_store_config(session: AsyncSession, project_id: str, given: Mapping[str, object]) -> AdminStoreConfig:
    """Every change is checked before any is applied; a bad one changes nothing."""
    try:
        await update_store_settings(session, project_id, {key: setting_text(value) for key, value in given.items()})
    except DomainError as error:
        raise _named_as_given(error) from error
    await session.flush()
    return await read_store_config(session, project_id)
