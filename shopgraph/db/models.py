"""The tables, as SQLAlchemy 2 typed models. Money is integer minor units; times are epoch milliseconds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import text

from shopgraph.ids import now_ms

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = String(40)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    catalog_version: Mapped[int] = mapped_column(BigInteger, default=1)
    settings_version: Mapped[int] = mapped_column(BigInteger, default=1)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)


class StoreSettings(Base):
    __tablename__ = "store_settings"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    tax_basis_points: Mapped[int] = mapped_column(Integer, default=0)
    flat_shipping_rate_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    free_shipping_threshold_minor: Mapped[int | None] = mapped_column(BigInteger)
    shipping_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_provider: Mapped[str] = mapped_column(String(20), default="manual")
    stripe_secret_key: Mapped[str | None] = mapped_column(String(255))
    stripe_publishable_key: Mapped[str | None] = mapped_column(String(255))
    stripe_webhook_secret: Mapped[str | None] = mapped_column(String(255))
    stripe_mode: Mapped[str | None] = mapped_column(String(20))
    razorpay_key_id: Mapped[str | None] = mapped_column(String(255))
    razorpay_key_secret: Mapped[str | None] = mapped_column(String(255))
    razorpay_webhook_secret: Mapped[str | None] = mapped_column(String(255))
    storefront_url: Mapped[str | None] = mapped_column(String(2000))
    cors_origins: Mapped[list[Any]] = mapped_column(default=list)
    pending_order_ttl_minutes: Mapped[int] = mapped_column(Integer, default=60)


class ProjectDomain(Base):
    __tablename__ = "project_domains"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("project_id", "slug"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("project_id", "slug"),
        Index("ix_products_listing_price", "project_id", "status", "price_minor"),
        Index("ix_products_listing_created", "project_id", "status", "created_at"),
        Index("ix_products_listing_name", "project_id", "status", "name"),
        Index("ix_products_category", "project_id", "category_id"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(BigInteger)
    compare_at_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    images: Mapped[list[Any]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    stock: Mapped[int | None] = mapped_column(Integer)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    # Set when `inventory.low` was sent, cleared when stock is back at the threshold: one event per dip.
    low_stock_notified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_ms, onupdate=now_ms)


class ProductAttribute(Base):
    """One row per custom attribute, so `attr.<name>=<value>` filters can use an index."""

    __tablename__ = "product_attributes"
    __table_args__ = (Index("ix_product_attributes_lookup", "project_id", "name", "value"),)

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(500))


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("project_id", "sku"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    sku: Mapped[str] = mapped_column(String(100))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int | None] = mapped_column(Integer)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    low_stock_notified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_ms, onupdate=now_ms)


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    percent_basis_points: Mapped[int | None] = mapped_column(Integer)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[int | None] = mapped_column(BigInteger)
    ends_at: Mapped[int | None] = mapped_column(BigInteger)
    min_subtotal_minor: Mapped[int | None] = mapped_column(BigInteger)
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    once_per_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    product_ids: Mapped[list[Any]] = mapped_column(default=list)
    category_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class Cart(Base):
    __tablename__ = "carts"
    __table_args__ = (Index("ix_carts_updated_at", "updated_at"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    coupon_id: Mapped[str | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "cart_id"], ["carts.project_id", "carts.id"], ondelete="CASCADE", name="fk_cart_items_cart"
        ),
        UniqueConstraint("project_id", "cart_id", "product_id", "variant_key"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(String(40))
    cart_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    variant_id: Mapped[str | None] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    # The variant id, or "" for a product without variants: NULLs never collide in a unique constraint.
    variant_key: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    added_unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class CouponRedemption(Base):
    """One use of a coupon; written by checkout, read to enforce once-per-customer coupons."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        Index("ix_coupon_redemptions_coupon_email", "coupon_id", "email"),
        # Two concurrent checkouts with one email cannot both redeem a once-per-customer coupon.
        Index(
            "uq_coupon_redemptions_once_per_customer",
            "coupon_id",
            "email",
            unique=True,
            sqlite_where=text("once_per_customer"),
            postgresql_where=text("once_per_customer"),
        ),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    once_per_customer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    order_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class OrderCounter(Base):
    """The last order number of a project, taken with a conditional upsert so numbers never repeat or skip."""

    __tablename__ = "order_counters"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        UniqueConstraint("project_id", "idempotency_key"),
        Index("ix_orders_project_email_created", "project_id", "email", "created_at"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index("ix_orders_provider_reference", "provider", "provider_reference"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    order_number: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(320))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    discount_total_minor: Mapped[int] = mapped_column(BigInteger)
    tax_total_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_total_minor: Mapped[int] = mapped_column(BigInteger)
    grand_total_minor: Mapped[int] = mapped_column(BigInteger)
    coupon_id: Mapped[str | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"))
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cart_id: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(20))
    provider_reference: Mapped[str | None] = mapped_column(String(255))
    payment_details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    success_url: Mapped[str | None] = mapped_column(String(2000))
    cancel_url: Mapped[str | None] = mapped_column(String(2000))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[int | None] = mapped_column(BigInteger)
    cancelled_at: Mapped[int | None] = mapped_column(BigInteger)
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str | None] = mapped_column(String(40))
    variant_id: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    variant_name: Mapped[str | None] = mapped_column(String(300))
    sku: Mapped[str | None] = mapped_column(String(100))
    slug: Mapped[str | None] = mapped_column(String(200))
    image: Mapped[str | None] = mapped_column(String(2000))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PaymentEvent(Base):
    """Each provider event once: the primary key makes a second delivery of the same event a no-op."""

    __tablename__ = "payment_events"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class OutboxMessage(Base):
    """A message to deliver (an email, a merchant webhook), written in the transaction that causes it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(60))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    locked_until: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    delivered_at: Mapped[int | None] = mapped_column(BigInteger)


class WebhookEndpoint(Base):
    """A merchant's URL that receives signed events; `events` empty means every event type."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_project_created", "project_id", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    events: Mapped[list[Any]] = mapped_column(default=list)
    # Kept as given (`whsec_...`): every delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[int | None] = mapped_column(BigInteger)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class WebhookDelivery(Base):
    """One event for one endpoint; `body` holds the exact bytes sent, so every retry sends the same."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_project_created", "project_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    locked_until: Mapped[int | None] = mapped_column(BigInteger)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    delivered_at: Mapped[int | None] = mapped_column(BigInteger)


class WebhookAttempt(Base):
    """One POST of a delivery, as the merchant's server answered it (or why it could not be sent)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
