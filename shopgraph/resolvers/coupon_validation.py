"""`POST /coupons/validate` and `couponValidate`: would this code work, and what would it take off?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import InvalidInput
from shopgraph.ids import now_ms
from shopgraph.resolvers import coupons
from shopgraph.resolvers.carts import price_lines, read_cart, validate_cart_id
from shopgraph.resolvers.coupons import CouponRule

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def validate_email(value: object, field: str = "email") -> str:
    if not isinstance(value, str) or len(value) > 320 or not EMAIL.match(value.strip()):
        raise InvalidInput(f"{field}: not an email address", code="INVALID_EMAIL", field=field)
    return value.strip().lower()


@dataclass(frozen=True)
class CouponCheck:
    code: str
    coupon: CouponRule | None
    reason: str | None
    discount_minor: int | None

    @property
    def valid(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str:
        return "the coupon can be applied" if self.reason is None else coupons.MESSAGES[self.reason]


async def check_coupon(
    session: AsyncSession,
    project_id: str,
    *,
    code: object,
    cart_id: object,
    email: object,
    config: StoreConfig,
) -> CouponCheck:
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        raise InvalidInput("code: give a coupon code", code="INVALID_COUPON_CODE", field="code")
    if cart_id is not None and not isinstance(cart_id, str):
        raise InvalidInput("cartId: must be a string", code="INVALID_CART_ID", field="cartId")
    address = validate_email(email) if email is not None else None
    coupon = await coupons.find_coupon(session, project_id, code)
    normalized = coupons.normalize_code(code)
    if coupon is None:
        return CouponCheck(normalized, None, coupons.NOT_FOUND, None)
    already_used = bool(address and coupon.once_per_customer and await coupons.used_by(session, coupon.id, address))
    if cart_id is None:
        reason = coupons.problem_with(
            coupon,
            now=now_ms(),
            subtotal_minor=coupon.min_subtotal_minor or 0,
            has_eligible_line=True,
            already_used=already_used,
        )
        amount = coupon.amount_minor if coupon.type == "fixed" and reason is None else None
        return CouponCheck(coupon.code, coupon, reason, amount)
    cart = await read_cart(session, project_id, validate_cart_id(cart_id), config)
    trial = price_lines(cart.id, list(cart.lines), coupon, config, updated_at=cart.updated_at)
    reason = coupons.ALREADY_USED if already_used and trial.coupon_problem is None else trial.coupon_problem
    discount = trial.totals.discount_total_minor if reason is None else None
    return CouponCheck(coupon.code, coupon, reason, discount)
