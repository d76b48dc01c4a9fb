"""Categories, products with their indexed attributes, variants, and the log of catalog changes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from shopgraph.db.models.base import Base, Id
from shopgraph.ids import now_ms


class ProductStatus(StrEnum):
    """Only an active product is on the storefront."""

    ACTIVE = "active"
    DRAFT = "draft"
    ARCHIVED = "archived"


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
    status: Mapped[str] = mapped_column(String(16), default=ProductStatus.ACTIVE)
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


class CatalogChange(Base):
    """One row per catalog version: the products that version touched, or none for a change to the whole catalog.

    Written in the transaction that bumps `projects.catalog_version`, so a process holding an older snapshot reloads
    only the products named here."""

    __tablename__ = "catalog_changes"
    __table_args__ = (Index("ix_catalog_changes_created_at", "created_at"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # None: the category tree, the settings or an import changed; every process rebuilds its snapshot.
    product_ids: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
