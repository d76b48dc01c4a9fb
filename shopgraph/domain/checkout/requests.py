"""A checkout request, read alike from both doors: each field checked, an error naming it as the caller wrote it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from shopgraph.countries import is_country_code
from shopgraph.domain.carts.coupons import normalize_code
from shopgraph.domain.checkout.error_codes import CheckoutErrorCode
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import is_http_url, validate_email
from shopgraph.errors import InvalidInput

ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")
# The fields of a checkout, by their snake_case names; each door finds them in its own input.
CHECKOUT_FIELDS = (
    "cart_id",
    "email",
    "shipping_address",
    "billing_address",
    "coupon_code",
    "customer_name",
    "customer_phone",
    "success_url",
    "cancel_url",
)


@dataclass(frozen=True)
class CheckoutRequest:
    cart_id: str
    email: str
    shipping_address: dict[str, str] | None = None
    billing_address: dict[str, str] | None = None
    coupon_code: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    success_url: str | None = None
    cancel_url: str | None = None

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def _text(value: object, field: str, *, limit: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{field}: required", code=CheckoutErrorCode.INVALID_ADDRESS, field=field)
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(f"{field}: text of at most {limit} characters", code=ErrorCode.INVALID_INPUT, field=field)
    return value.strip()


def _every_check(checks: Mapping[str, Callable[[], str | None]]) -> tuple[dict[str, str | None], list[InvalidInput]]:
    """Runs every check, not stopping at a refusal: the values of those that passed, and every refusal."""
    values: dict[str, str | None] = {}
    refusals: list[InvalidInput] = []
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInput as refused:
            refusals.append(refused)
    return values, refusals


def _address_parts(value: Mapping[str, object], field: str) -> tuple[dict[str, str | None], list[InvalidInput]]:
    """Each part of an address checked on its own, with every refusal rather than the first."""
    checks: dict[str, Callable[[], str | None]] = {
        "line1": lambda: _text(value.get("line1"), f"{field}.line1", limit=200, required=True),
        "line2": lambda: _text(value.get("line2"), f"{field}.line2", limit=200),
        "city": lambda: _text(value.get("city"), f"{field}.city", limit=100, required=True),
        "state": lambda: _text(value.get("state"), f"{field}.state", limit=100),
        "postal_code": lambda: _text(
            value.get("postal_code", value.get("postalCode")), f"{field}.postal_code", limit=20
        ),
        "country": lambda: _text(value.get("country"), f"{field}.country", limit=2, required=True),
    }
    address, refusals = _every_check(checks)
    if "country" in address and not is_country_code(address["country"]):
        refusals.append(
            InvalidInput(
                f"{field}.country: {value.get('country')!r} is not an ISO 3166 country code such as US",
                code=CheckoutErrorCode.INVALID_ADDRESS,
                field=f"{field}.country",
            )
        )
    return address, refusals


def validate_address(value: object, field: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"{field}: must be an object with line1, city, country ...",
            code=CheckoutErrorCode.INVALID_ADDRESS,
            field=field,
        )
    unknown = set(value) - set(ADDRESS_FIELDS) - {"postalCode"}
    if unknown:
        raise InvalidInput(
            f"{field}: unknown fields {', '.join(sorted(unknown))}", code=CheckoutErrorCode.INVALID_ADDRESS, field=field
        )
    address, refusals = _address_parts(value, field)
    if refusals:
        raise refusals[0]
    address["country"] = str(address["country"]).upper()
    return {key: text for key, text in address.items() if text is not None}


def customer_field_refusals(fields: Mapping[str, object]) -> list[InvalidInput]:
    """Every refusal of the fields a customer types (email, name, shipping address), for a form to show at once.

    The same checks `validate_request` makes, which stops at the first.
    """
    _, refusals = _every_check(
        {
            "email": lambda: validate_email(fields.get("email")),
            "customer_name": lambda: _text(fields.get("customer_name"), "customerName", limit=200),
        }
    )
    address = fields.get("shipping_address")
    if isinstance(address, Mapping):
        refusals.extend(_address_parts(address, "shippingAddress")[1])
    return refusals


def _url(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not is_http_url(value):
        raise InvalidInput(f"{field}: must be an http(s) URL", code=ErrorCode.INVALID_URL, field=field)
    return value


def validate_request(fields: Mapping[str, object]) -> CheckoutRequest:
    """The request from the CHECKOUT_FIELDS a door found; a field it did not find is None."""
    cart_id = fields.get("cart_id")
    coupon_code = fields.get("coupon_code")
    if not isinstance(cart_id, str) or not cart_id:
        raise InvalidInput("cartId: required", code=CheckoutErrorCode.INVALID_CART_ID, field="cartId")
    if coupon_code is not None and (not isinstance(coupon_code, str) or len(coupon_code) > 64):
        raise InvalidInput(
            "couponCode: must be a coupon code", code=CheckoutErrorCode.INVALID_COUPON_CODE, field="couponCode"
        )
    shipping = validate_address(fields.get("shipping_address"), "shippingAddress")
    return CheckoutRequest(
        cart_id=cart_id,
        email=validate_email(fields.get("email")),
        shipping_address=shipping,
        billing_address=validate_address(fields.get("billing_address"), "billingAddress") or shipping,
        coupon_code=normalize_code(coupon_code) if isinstance(coupon_code, str) and coupon_code.strip() else None,
        customer_name=_text(fields.get("customer_name"), "customerName", limit=200),
        customer_phone=_text(fields.get("customer_phone"), "customerPhone", limit=40),
        success_url=_url(fields.get("success_url"), "successUrl"),
        cancel_url=_url(fields.get("cancel_url"), "cancelUrl"),
    )
