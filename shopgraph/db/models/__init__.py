"""The tables, as SQLAlchemy 2 typed models, with the states their rows take. Money is integer minor units; times are
epoch milliseconds."""

from __future__ import annotations

from shopgraph.db.models.base import NAMING_CONVENTION, Base, Id
from shopgraph.db.models.carts import Cart, CartItem, Coupon, CouponRedemption, CouponType
from shopgraph.db.models.catalog import CatalogChange, Category, Product, ProductAttribute, ProductStatus, Variant
from shopgraph.db.models.dashboard import DashboardSession
from shopgraph.db.models.events import DeliveryStatus, OutboxMessage, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopgraph.db.models.orders import (
    Order,
    OrderCounter,
    OrderItem,
    OrderStatus,
    PaymentEvent,
    PaymentEventResult,
    PaymentStatus,
)
from shopgraph.db.models.stores import ApiKey, KeyKind, Project, ProjectDomain, StoreSettings

__all__ = [
    "NAMING_CONVENTION",
    "ApiKey",
    "Base",
    "Cart",
    "CartItem",
    "CatalogChange",
    "Category",
    "Coupon",
    "CouponRedemption",
    "CouponType",
    "DashboardSession",
    "DeliveryStatus",
    "Id",
    "KeyKind",
    "Order",
    "OrderCounter",
    "OrderItem",
    "OrderStatus",
    "OutboxMessage",
    "PaymentEvent",
    "PaymentEventResult",
    "PaymentStatus",
    "Product",
    "ProductAttribute",
    "ProductStatus",
    "Project",
    "ProjectDomain",
    "StoreSettings",
    "Variant",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
