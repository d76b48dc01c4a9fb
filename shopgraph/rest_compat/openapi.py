"""The OpenAPI 3.1 document of the REST compatibility layer, for both path families."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopgraph.db.models import OrderStatus, PaymentStatus
from shopgraph.domain.carts.error_codes import CouponRefusal
from shopgraph.domain.carts.reads import LineIssue
from shopgraph.domain.catalog.snapshot import ProductSort
from shopgraph.payments import Provider

FAMILIES = {
    "aerostack": "/api/v1/public/projects/{projectSlug}/ecommerce",
    "aerocall": "/api/v1/ecommerce",
}

_ERROR = {"$ref": "#/components/responses/Error"}
_SLUG_PARAM = {"name": "projectSlug", "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_PRODUCT_QUERY = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "page number"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "items per page"),
    _query("category_id", {"type": "string"}, "a category; its descendants are included"),
    _query(
        "sort",
        {"type": "string", "enum": list(ProductSort)},
        "created_at is newest first (the default)",
    ),
    _query("q", {"type": "string", "maxLength": 200}, "case-insensitive text in name or description"),
    _query("min_price", {"type": "number", "minimum": 0}, "inclusive, on the product's price"),
    _query("max_price", {"type": "number", "minimum": 0}, "inclusive, on the product's price"),
    _query("in_stock", {"type": "boolean"}, "only products that can be bought now"),
    {
        "name": "attr",
        "in": "query",
        "required": False,
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": "attr.<name>=<value>: custom attributes, repeatable, all must match",
    },
]

_CART_ID = {"name": "cartId", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}  # fmt: skip
_ITEM_ID = {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    response: str
    parameters: tuple[dict[str, Any], ...] = ()
    body: str | None = None
    needs_key: bool = True
    errors: tuple[int, ...] = (400, 401, 404)


ENDPOINTS = [
    Endpoint("get", "/config", "Store configuration", "Config", needs_key=False),
    Endpoint("get", "/products", "List active products", "ProductPage", tuple(_PRODUCT_QUERY)),
    Endpoint(
        "get", "/products/{slug}", "One active product by slug", "Product",
        ({"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},),
    ),
    Endpoint("get", "/categories", "The category tree", "CategoryTree"),
    Endpoint("get", "/cart/{cartId}", "A cart (an unknown id is an empty cart)", "Cart", (_CART_ID,)),
    Endpoint("delete", "/cart/{cartId}", "Empty the cart", "Cart", (_CART_ID,)),
    Endpoint(
        "post", "/cart/{cartId}/items", "Add or increment an item; creates the cart", "Cart", (_CART_ID,),
        body="AddItem", errors=(400, 401, 404, 409),
    ),
    Endpoint(
        "patch", "/cart/{cartId}/items/{itemId}", "Set an item's quantity (0 removes it)", "Cart",
        (_CART_ID, _ITEM_ID), body="SetQuantity", errors=(400, 401, 404, 409),
    ),
    Endpoint("delete", "/cart/{cartId}/items/{itemId}", "Remove an item", "Cart", (_CART_ID, _ITEM_ID)),
    Endpoint("post", "/cart/{cartId}/coupon", "Apply a coupon", "Cart", (_CART_ID,), body="CouponCode"),
    Endpoint("delete", "/cart/{cartId}/coupon", "Remove the coupon", "Cart", (_CART_ID,)),
    Endpoint("post", "/coupons/validate", "Would this coupon work?", "CouponValidation", body="CouponValidate"),
    Endpoint(
        "post", "/checkout", "Turn the cart into an order and start its payment", "Checkout",
        ({"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 255},
          "description": "a retry with the same key and body returns the same order; another body is a 409"},),
        body="CheckoutRequest", errors=(400, 401, 409, 502),
    ),
    Endpoint(
        "get", "/orders", "A customer's orders, newest first", "OrderPage",
        ({"name": "email", "in": "query", "required": True, "schema": {"type": "string", "format": "email"}},
         {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
         {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}),
    ),
    Endpoint(
        "get", "/orders/{orderId}", "One order, for the email it was placed with", "Order",
        ({"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}},
         {"name": "email", "in": "query", "required": True, "schema": {"type": "string", "format": "email"}}),
    ),
    Endpoint(
        "post", "/payments/razorpay/verify", "Check the Razorpay modal's signature; the order is paid at once",
        "RazorpayVerified", body="RazorpayVerify",
    ),
]  # fmt: skip

WEBHOOK_PATHS = {
    "/api/v1/webhooks/stripe/{projectSlug}": "Stripe events, verified with the project's stripe_webhook_secret",
    "/api/v1/webhooks/razorpay/{projectSlug}": "Razorpay events, verified with the project's razorpay_webhook_secret",
}

_MONEY = {"type": "number", "description": "main units, rounded to the currency's digits"}
_MS = {"type": "integer", "description": "epoch milliseconds"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["message", "code"],
        "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
    },
    "Config": {
        "type": "object",
        "properties": {
            "default_currency": {"type": "string"},
            "currency_symbol": {"type": "string"},
            "tax_percentage": {"type": "number"},
            "flat_shipping_rate": _MONEY,
            "free_shipping_threshold": {"type": ["number", "null"]},
            "shipping_enabled": {"type": "boolean"},
            "payment_provider": {"type": "string", "enum": list(Provider)},
            "stripe_publishable_key": {"type": ["string", "null"]},
            "razorpay_key_id": {"type": ["string", "null"]},
        },
    },
    "Variant": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "sku": {"type": "string"},
            "price": _MONEY,
            "stock": {"type": ["integer", "null"]},
            "in_stock": {"type": "boolean"},
            "options": {"type": "object", "additionalProperties": True},
        },
    },
    "Product": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "price": _MONEY,
            "compare_at_price": {"type": ["number", "null"]},
            "currency": {"type": "string"},
            "images": {"type": "array", "items": {"type": "string"}},
            "category_id": {"type": ["string", "null"]},
            "attributes": {"type": "object", "additionalProperties": True},
            "stock": {"type": ["integer", "null"], "description": "null: not tracked"},
            "in_stock": {"type": "boolean"},
            "variants": {"type": "array", "items": {"$ref": "#/components/schemas/Variant"}},
            "created_at": _MS,
            "updated_at": _MS,
        },
    },
    "ProductPage": {
        "type": "object",
        "properties": {
            "products": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "limit": {"type": "integer"},
        },
    },
    "Category": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "slug": {"type": "string"},
            "description": {"type": "string"},
            "parent_id": {"type": ["string", "null"]},
            "position": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}},
        },
    },
    "CategoryTree": {
        "type": "object",
        "properties": {"categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}},
    },
}


def _operation(family: str, endpoint: Endpoint) -> dict[str, Any]:
    path_words = endpoint.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    operation: dict[str, Any] = {
        "operationId": f"{family}_{endpoint.method}_{path_words}",
        "tags": [family],
        "summary": endpoint.summary,
        "parameters": ([_SLUG_PARAM] if family == "aerostack" else []) + list(endpoint.parameters),
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{endpoint.response}"}}},
            },
            **{str(status): _ERROR for status in endpoint.errors},
            "429": {"$ref": "#/components/responses/RateLimited"},
        },
    }
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{endpoint.body}"}}},
        }
    if not endpoint.needs_key:
        operation["security"] = []
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for family, base in FAMILIES.items():
        for endpoint in ENDPOINTS:
            paths.setdefault(base + endpoint.path, {})[endpoint.method] = _operation(family, endpoint)
    for path, summary in WEBHOOK_PATHS.items():
        paths[path] = {"post": {
            "operationId": "webhook_" + path.split("/")[4], "tags": ["provider webhooks"], "summary": summary,
            "parameters": [_SLUG_PARAM], "security": [],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "received (also for a repeated event)"}, "400": _ERROR, "404": _ERROR},
        }}  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "shopgraph REST API",
            "version": "1",
            "description": "The storefront REST API, on the Aerostack and Aerocall path families.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "RateLimited": {
                    "description": "too many requests from this client; wait as Retry-After says",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
                "Error": {
                    "description": "an error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a project's public key"},
                "token": {"type": "apiKey", "in": "query", "name": "token"},
            },
        },
        "security": [{"bearer": []}, {"token": []}],
    }


_NULLABLE_MONEY = {"type": ["number", "null"]}
_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS.update(
    {
        "CartItem": {
            "type": "object",
            "properties": {
                "id": _STRING, "product_id": _STRING, "variant_id": _NULLABLE_STRING, "name": _STRING,
                "variant_name": _NULLABLE_STRING, "sku": _NULLABLE_STRING, "slug": _STRING, "image": _NULLABLE_STRING,
                "unit_price": _MONEY, "quantity": {"type": "integer"}, "line_total": _MONEY, "discount": _MONEY,
                "issues": {"type": "array", "items": {"type": "string", "enum": list(LineIssue)}},
                "available_quantity": {"type": ["integer", "null"]}, "previous_unit_price": _NULLABLE_MONEY,
            },
        },
        "Cart": {
            "type": "object",
            "properties": {
                "id": _STRING, "currency": _STRING,
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/CartItem"}},
                "item_count": {"type": "integer"},
                "coupon": {"type": ["object", "null"], "properties": {
                    "code": _STRING, "type": _STRING, "value": {"type": "number"}, "applied": {"type": "boolean"}}},
                "coupon_error": {"type": ["object", "null"], "properties": {"reason": _STRING, "message": _STRING}},
                "subtotal": _MONEY, "discount_total": _MONEY, "tax_total": _MONEY, "shipping_total": _MONEY,
                "grand_total": _MONEY, "updated_at": {"type": ["integer", "null"]},
            },
        },
        "AddItem": {
            "type": "object",
            "required": ["productId"],
            "properties": {
                "productId": _STRING, "variantId": _NULLABLE_STRING,
                "quantity": {"type": "integer", "minimum": 1, "maximum": 999, "default": 1},
            },
        },
        "SetQuantity": {
            "type": "object", "required": ["quantity"],
            "properties": {"quantity": {"type": "integer", "minimum": 0, "maximum": 999}},
        },
        "CouponCode": {"type": "object", "required": ["code"], "properties": {"code": _STRING}},
        "CouponValidate": {
            "type": "object", "required": ["code"],
            "properties": {"code": _STRING, "cartId": _STRING, "email": {"type": "string", "format": "email"}},
        },
        "CouponValidation": {
            "type": "object",
            "properties": {
                "valid": {"type": "boolean"}, "code": _STRING, "type": _STRING, "value": {"type": "number"},
                "discount_amount": _NULLABLE_MONEY, "message": _STRING,
                "reason": {"type": "string", "enum": list(CouponRefusal)},
            },
        },
    }
)  # fmt: skip

_ADDRESS = {
    "type": "object",
    "required": ["line1", "city", "country"],
    "properties": {
        "line1": _STRING,
        "line2": _STRING,
        "city": _STRING,
        "state": _STRING,
        "postal_code": _STRING,
        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"},
    },
}
_ORDER_SUMMARY = {
    "id": _STRING,
    "order_number": {"type": "string", "examples": ["ORD-001"]},
    "status": {"type": "string", "enum": list(OrderStatus)},
    "payment_status": {"type": "string", "enum": list(PaymentStatus)},
    "currency": _STRING,
    "grand_total": _MONEY,
    "item_count": {"type": "integer"},
    "created_at": _MS,
}

SCHEMAS.update(
    {
        "Address": _ADDRESS,
        "CheckoutRequest": {
            "type": "object",
            "required": ["cartId"],
            "properties": {
                "cartId": _STRING, "email": {"type": "string", "format": "email"},
                "customerEmail": {"type": "string", "format": "email", "description": "the Aerocall name of email"},
                "shippingAddress": {"$ref": "#/components/schemas/Address"},
                "billingAddress": {"$ref": "#/components/schemas/Address"},
                "couponCode": _STRING, "customerName": _STRING, "customerPhone": _STRING,
                "successUrl": {"type": "string", "format": "uri"}, "cancelUrl": {"type": "string", "format": "uri"},
            },
        },
        "OrderItem": {
            "type": "object",
            "properties": {
                "id": _STRING, "product_id": _NULLABLE_STRING, "variant_id": _NULLABLE_STRING, "name": _STRING,
                "variant_name": _NULLABLE_STRING, "sku": _NULLABLE_STRING, "unit_price": _MONEY,
                "quantity": {"type": "integer"}, "line_total": _MONEY, "discount": _MONEY,
            },
        },
        "OrderSummary": {"type": "object", "properties": _ORDER_SUMMARY},
        "Order": {
            "type": "object",
            "properties": {
                **_ORDER_SUMMARY, "email": _STRING, "customer_name": _NULLABLE_STRING,
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/OrderItem"}},
                "subtotal": _MONEY, "discount_total": _MONEY, "tax_total": _MONEY, "shipping_total": _MONEY,
                "coupon_code": _NULLABLE_STRING, "shipping_address": {"type": ["object", "null"]},
                "billing_address": {"type": ["object", "null"]}, "payment_provider": _STRING,
                "tracking_number": _NULLABLE_STRING, "carrier": _NULLABLE_STRING,
                "paid_at": {"type": ["integer", "null"]}, "cancelled_at": {"type": ["integer", "null"]},
                "updated_at": _MS,
            },
        },
        "OrderPage": {
            "type": "object",
            "properties": {
                "orders": {"type": "array", "items": {"$ref": "#/components/schemas/OrderSummary"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "limit": {"type": "integer"},
            },
        },
        "Payment": {
            "type": "object",
            "description": "stripe: id, url (Checkout Session) or client_secret (PaymentIntent); razorpay: token, "
            "providerOrderId, amount (minor units), currency; manual: instructions",
            "properties": {
                "provider": {"type": "string", "enum": list(Provider)}, "id": _STRING,
                "url": _STRING, "client_secret": _STRING, "token": _STRING, "providerOrderId": _STRING,
                "amount": {"type": "integer"}, "currency": _STRING, "instructions": _STRING,
            },
        },
        "Checkout": {
            "type": "object",
            "properties": {
                "success": {"type": "boolean"}, "order": {"$ref": "#/components/schemas/Order"},
                "payment": {"$ref": "#/components/schemas/Payment"}, "orderId": _STRING,
                "paymentIntent": {"type": ["string", "null"], "description": "the Stripe client secret"},
            },
        },
        "RazorpayVerify": {
            "type": "object",
            "required": ["razorpay_order_id", "razorpay_payment_id", "razorpay_signature"],
            "properties": {"razorpay_order_id": _STRING, "razorpay_payment_id": _STRING, "razorpay_signature": _STRING},
        },
        "RazorpayVerified": {
            "type": "object",
            "properties": {"success": {"type": "boolean"}, "order": {"$ref": "#/components/schemas/Order"}},
        },
    }
)  # fmt: skip
