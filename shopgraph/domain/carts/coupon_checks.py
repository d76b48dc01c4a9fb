"""`POST /coupons/validate` and `couponValidate`: would this code work, and what would it take off?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import CouponType
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.carts.error_codes import CartErrorCode, CouponRefusal
from shopgraph.domain.carts.reads import read_cart, try_coupon, validate_cart_id
from shopgraph.domain.fields import validate_email
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.errors import InvalidInput
from shopgraph.ids import now_ms


@dataclass(frozen=True)
class CouponCheck:
    code: str
    coupon: CouponRule | None
    reason: CouponRefusal | None
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
    """Against the cart when one is named; without one, against the coupon's own rules (its minimum assumed met)."""
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        raise InvalidInput("code: give a coupon code", code=CartErrorCode.INVALID_COUPON_CODE, field="code")
    if cart_id is not None and not isinstance(cart_id, str):
        raise InvalidInput("cartId: must be a string", code=CartErrorCode.INVALID_CART_ID, field="cartId")
    address = validate_email(email) if email is not None else None
    coupon = await coupons.find_coupon(session, project_id, code)
    if coupon is None:
        return CouponCheck(coupons.normalize_code(code), None, CouponRefusal.NOT_FOUND, None)
    if cart_id is None:
        reason = coupons.problem_with(
            coupon,
            now=now_ms(),
            subtotal_minor=coupon.min_subtotal_minor or 0,
            has_eligible_line=True,
            already_used=await coupons.already_used(session, coupon, address),
        )
        amount = coupon.amount_minor if coupon.type == CouponType.FIXED and reason is None else None
        return CouponCheck(coupon.code, coupon, reason, amount)
    cart = await read_cart(session, project_id, validate_cart_id(cart_id), config)
    trial = await try_coupon(session, cart, coupon, config, email=address)
    discount = trial.totals.discount_total_minor if trial.coupon_problem is None else None
    return CouponCheck(coupon.code, coupon, trial.coupon_problem, discount)
