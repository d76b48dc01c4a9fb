"""Coupons and their uses, carts and their lines."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import text

from shopgraph.db.models.base import Base, Id
from shopgraph.ids import now_ms


class CouponType(StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"


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
