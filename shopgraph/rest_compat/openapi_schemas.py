"""The OpenAPI document's schemas: the guides' snake_case shapes, money as main-unit numbers."""

from __future__ import annotations

from typing import Any

from shopgraph.db.models import OrderStatus, PaymentStatus
from shopgraph.domain.carts.error_codes import CouponRefusal
from shopgraph.domain.carts.reads import LineIssue
from shopgraph.payments import Provider

_MONEY = {"type": "number", "description": "main units, rounded to the currency's digits"}
_MS = {"type": "integer", "description": "epoch milliseconds"}

# Not empty, not only spaces, at most 64 characters: anything else is a 400 before any coupon is looked up.
_COUPON_CODE = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "\\S"}

# The request bodies' examples, in the demo store's terms (`serve --demo`).
BODY_EXAMPLES: dict[str, Any] = {
    "AddItem": {"productId": "prod_01hzexampleproduct00000000", "quantity": 1},
    "SetQuantity": {"quantity": 2},
    "CouponCode": {"code": "SAVE10"},
    "CouponValidate": {"code": "SAVE10", "cartId": "cart_demo"},
    "CheckoutRequest": {
        "cartId": "cart_demo",
        "email": "ann@example.com",
        "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"},
    },
    "RazorpayVerify": {
        "razorpay_order_id": "order_example", "razorpay_payment_id": "pay_example", "razorpay_signature": "0" * 64,
    },
}  # fmt: skip

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
            "description": "variantId is required for a product with variants (else 400 VARIANT_REQUIRED) and refused "
                           "for one without (400 INVALID_VARIANT)",
            "properties": {
                "productId": _STRING, "variantId": _NULLABLE_STRING,
                "quantity": {"type": "integer", "minimum": 1, "maximum": 999, "default": 1},
            },
        },
        "SetQuantity": {
            "type": "object", "required": ["quantity"],
            "properties": {"quantity": {"type": "integer", "minimum": 0, "maximum": 999}},
        },
        "CouponCode": {"type": "object", "required": ["code"], "properties": {"code": _COUPON_CODE}},
        "CouponValidate": {
            "type": "object", "required": ["code"],
            "properties": {"code": _COUPON_CODE, "cartId": _STRING, "email": {"type": "string", "format": "email"}},
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
                "successUrl": {
                    "type": "string", "format": "uri",
                    "description": "omitted: the project's storefront_url, else the hosted order page "
                    "/store/{slug}/orders/{id}?t=<signed token>",
                },
                "cancelUrl": {
                    "type": "string", "format": "uri",
                    "description": "omitted: the project's storefront_url, else the hosted cart /store/{slug}/cart",
                },
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
