"""Projects (stores), their API keys, settings and custom domains."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shopgraph.db.encryption import EncryptedText
from shopgraph.db.models.base import Base, Id
from shopgraph.ids import now_ms


class KeyKind(StrEnum):
    PUBLIC = "public"
    SECRET = "secret"


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    catalog_version: Mapped[int] = mapped_column(BigInteger, default=1)
    settings_version: Mapped[int] = mapped_column(BigInteger, default=1)
    # Signs the hosted order links; never shown, never sent.
    order_link_secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    last_used_at: Mapped[int | None] = mapped_column(BigInteger)
    # A revocation with a grace period is a revocation time in the future: the key works until then.
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)


class StoreSettings(Base):
    """A store's settings; the provider secrets are stored encrypted (`db/encryption.py`)."""

    __tablename__ = "store_settings"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    tax_basis_points: Mapped[int] = mapped_column(Integer, default=0)
    flat_shipping_rate_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    free_shipping_threshold_minor: Mapped[int | None] = mapped_column(BigInteger)
    shipping_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_provider: Mapped[str] = mapped_column(String(20), default="manual")
    stripe_secret_key: Mapped[str | None] = mapped_column(EncryptedText)
    stripe_publishable_key: Mapped[str | None] = mapped_column(String(255))
    stripe_webhook_secret: Mapped[str | None] = mapped_column(EncryptedText)
    stripe_mode: Mapped[str | None] = mapped_column(String(20))
    razorpay_key_id: Mapped[str | None] = mapped_column(String(255))
    razorpay_key_secret: Mapped[str | None] = mapped_column(EncryptedText)
    razorpay_webhook_secret: Mapped[str | None] = mapped_column(EncryptedText)
    storefront_url: Mapped[str | None] = mapped_column(String(2000))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    cors_origins: Mapped[list[Any]] = mapped_column(default=list)
    pending_order_ttl_minutes: Mapped[int] = mapped_column(Integer, default=60)


class ProjectDomain(Base):
    __tablename__ = "project_domains"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
