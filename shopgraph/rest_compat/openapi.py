"""The OpenAPI 3.1 document of the REST compatibility layer, for both path families."""

from __future__ import annotations

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

# (method, endpoint, summary, needs a key, parameters, response schema)
ENDPOINTS: list[tuple[str, str, str, bool, list[dict[str, Any]], str]] = [
    ("get", "/config", "Store configuration", False, [], "Config"),
    ("get", "/products", "List active products", True, _PRODUCT_QUERY, "ProductPage"),
    (
        "get",
        "/products/{slug}",
        "One active product by slug",
        True,
        [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
        "Product",
    ),
    ("get", "/categories", "The category tree", True, [], "CategoryTree"),
]

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


def _operation(
    family: str,
    method: str,
    endpoint: str,
    summary: str,
    needs_key: bool,
    parameters: list[dict[str, Any]],
    schema: str,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{family}_{method}_{endpoint.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
        "tags": [family],
        "summary": summary,
        "parameters": ([_SLUG_PARAM] if family == "aerostack" else []) + parameters,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
            },
            "400": _ERROR,
            "401": _ERROR,
            "404": _ERROR,
        },
    }
    if not needs_key:
        operation["security"] = []
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for family, base in FAMILIES.items():
        for method, endpoint, summary, needs_key, parameters, schema in ENDPOINTS:
            paths.setdefault(base + endpoint, {})[method] = _operation(
                family, method, endpoint, summary, needs_key, parameters, schema
            )
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
