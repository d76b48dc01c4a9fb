"""The OpenAPI 3.1 document of the REST compatibility layer, for both path families."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
        {"type": "string", "enum": ["created_at", "price_asc", "price_desc", "name_asc"]},
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
]  # fmt: skip

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
            "payment_provider": {"type": "string", "enum": ["stripe", "razorpay", "manual"]},
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
                "Error": {
                    "description": "an error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
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
                "issues": {"type": "array", "items": {"type": "string", "enum": [
                    "UNAVAILABLE", "OUT_OF_STOCK", "INSUFFICIENT_STOCK", "PRICE_CHANGED"]}},
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
                "reason": {"type": "string", "enum": [
                    "NOT_FOUND", "EXPIRED", "NOT_STARTED", "INACTIVE", "USAGE_LIMIT_REACHED", "ALREADY_USED",
                    "MIN_SUBTOTAL_NOT_MET", "NOT_APPLICABLE"]},
            },
        },
    }
)  # fmt: skip
