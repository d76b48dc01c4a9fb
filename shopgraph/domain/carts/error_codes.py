"""The codes carts and coupons answer with."""

from __future__ import annotations

from enum import StrEnum


class CartErrorCode(StrEnum):
    INVALID_CART_ID = "INVALID_CART_ID"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    INVALID_PRODUCT_ID = "INVALID_PRODUCT_ID"
    INVALID_VARIANT = "INVALID_VARIANT"
    VARIANT_REQUIRED = "VARIANT_REQUIRED"
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    ITEM_NOT_FOUND = "ITEM_NOT_FOUND"
    INVALID_COUPON_CODE = "INVALID_COUPON_CODE"


class CouponRefusal(StrEnum):
    """Why a coupon cannot be used on a cart now: the `reason` of a coupon check, the code of a refusal."""

    NOT_FOUND = "NOT_FOUND"
    EXPIRED = "EXPIRED"
    NOT_STARTED = "NOT_STARTED"
    INACTIVE = "INACTIVE"
    USAGE_LIMIT_REACHED = "USAGE_LIMIT_REACHED"
    ALREADY_USED = "ALREADY_USED"
    MIN_SUBTOTAL_NOT_MET = "MIN_SUBTOTAL_NOT_MET"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class CouponErrorCode(StrEnum):
    """The admin's coupon writes."""

    INVALID_CODE = "INVALID_CODE"
    INVALID_PERCENTAGE = "INVALID_PERCENTAGE"
    INVALID_DATES = "INVALID_DATES"
    COUPON_CODE_TAKEN = "COUPON_CODE_TAKEN"
