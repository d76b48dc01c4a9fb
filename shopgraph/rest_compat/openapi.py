"""The OpenAPI 3.1 document of the REST compatibility layer, for both path families."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopgraph.domain.catalog.names import PRODUCT_SLUG
from shopgraph.domain.catalog.snapshot import ProductSort
from shopgraph.domain.paging import MAX_LIMIT
from shopgraph.money import MAX_AMOUNT_DIGITS
from shopgraph.rest_compat.openapi_schemas import BODY_EXAMPLES, SCHEMAS

FAMILIES = {
    "aerostack": "/api/v1/public/projects/{projectSlug}/ecommerce",
    "aerocall": "/api/v1/ecommerce",
}

_ERROR = {"$ref": "#/components/responses/Error"}
_SLUG_PARAM = {"name": "projectSlug", "in": "path", "required": True, "schema": {"type": "string"}, "example": "demo"}
# What the server takes: a page is at most nine digits, a limit 1 to 100, an amount under 10^15 main units (and exact
# in the store's currency: 0.001 is a 400 in USD).
_PAGE = {"type": "integer", "minimum": 1, "maximum": 999_999_999, "default": 1}
_LIMIT = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}
_AMOUNT = {"type": "number", "minimum": 0, "exclusiveMaximum": 10**MAX_AMOUNT_DIGITS}


def _query(name: str, schema: dict[str, Any], description: str, example: Any = None) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if example is not None:
        parameter["example"] = example
    return parameter


_PRODUCT_QUERY = [
    _query("page", _PAGE, "page number", 1),
    _query("limit", _LIMIT, "items per page", 20),
    _query("category_id", {"type": "string"}, "a category by id or slug; its descendants are included"),
    _query("category", {"type": "string"}, "the same as category_id"),
    _query(
        "sort",
        {"type": "string", "enum": list(ProductSort)},
        "created_at is newest first (the default)",
    ),
    _query("q", {"type": "string", "maxLength": 200}, "case-insensitive text in name or description", "mug"),
    _query("min_price", _AMOUNT, "inclusive, on the product's price; above max_price it is a 400", 10),
    _query("max_price", _AMOUNT, "inclusive, on the product's price", 50),
    _query("in_stock", {"type": "boolean"}, "only products that can be bought now"),
    {
        "name": "attr",
        "in": "query",
        "required": False,
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": "attr[<name>]=<value> (or attr.<name>=<value>): custom attributes, repeatable, all must match",
    },
]

_CART_ID = {"name": "cartId", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}, "example": "cart_demo"}  # fmt: skip
_ITEM_ID = {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}, "example": "item_1"}
_PRODUCT_SLUG = {
    "name": "slug", "in": "path", "required": True, "example": "ceramic-mug",
    "schema": {"type": "string", "pattern": PRODUCT_SLUG.pattern},
    "description": "a product's slug or id; any other character is a 400 INVALID_SLUG, an unknown one a 404",
}  # fmt: skip


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
    success: int = 200


ENDPOINTS = [
    Endpoint("get", "/config", "Store configuration", "Config", needs_key=False),
    Endpoint("get", "/products", "List active products", "ProductPage", tuple(_PRODUCT_QUERY)),
    Endpoint(
        "get", "/products/{slug}", "One active product by slug or id", "Product",
        (_PRODUCT_SLUG,),
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
        body="CheckoutRequest", errors=(400, 401, 409, 502), success=201,
    ),
    Endpoint(
        "get", "/orders", "A customer's orders, newest first", "OrderPage",
        ({"name": "email", "in": "query", "required": True, "schema": {"type": "string", "format": "email"},
          "example": "ann@example.com"},
         {"name": "page", "in": "query", "schema": _PAGE, "example": 1},
         {"name": "limit", "in": "query", "schema": _LIMIT, "example": 20}),
    ),
    Endpoint(
        "get", "/orders/{orderId}", "One order by id or number (ORD-001), for its email in any case",
        "Order",
        ({"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}, "example": "ORD-001"},
         {"name": "email", "in": "query", "required": True, "schema": {"type": "string", "format": "email"},
          "example": "ann@example.com"}),
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


# What the request guard may answer before any route does: a query string too long, the database unavailable; and,
# for a request with a body, a body too large or too slow.
_ANY_REQUEST = {"414": _ERROR, "503": {"$ref": "#/components/responses/Unavailable"}}
_WITH_BODY = {"408": _ERROR, "413": _ERROR}


def _operation(family: str, endpoint: Endpoint) -> dict[str, Any]:
    path_words = endpoint.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    operation: dict[str, Any] = {
        "operationId": f"{family}_{endpoint.method}_{path_words}",
        "tags": [family],
        "summary": endpoint.summary,
        "parameters": ([_SLUG_PARAM] if family == "aerostack" else []) + list(endpoint.parameters),
        "responses": {
            str(endpoint.success): {
                "description": "Created" if endpoint.success == 201 else "OK",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{endpoint.response}"}}},
            },
            **{str(status): _ERROR for status in endpoint.errors},
            **_ANY_REQUEST,
            "429": {"$ref": "#/components/responses/RateLimited"},
        },
    }
    if endpoint.body is not None:
        operation["responses"].update(_WITH_BODY)
        media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{endpoint.body}"}}
        if endpoint.body in BODY_EXAMPLES:
            media["example"] = BODY_EXAMPLES[endpoint.body]
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}
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
            "responses": {"200": {"description": "received (also for a repeated event)"}, "400": _ERROR, "404": _ERROR,
                          **_ANY_REQUEST, **_WITH_BODY},
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
                "Unavailable": {
                    "description": "the database is unavailable for the moment; retry after Retry-After seconds",
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
