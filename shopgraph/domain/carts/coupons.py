"""Coupons: whether one applies to a cart and why not when it does not; their uses, taken and given back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Coupon, CouponRedemption, Order
from shopgraph.db.statements import changed_rows
from shopgraph.domain.carts.error_codes import CouponRefusal
from shopgraph.domain.carts.pricing import Discount
from shopgraph.errors import Conflict, InvalidInput
from shopgraph.ids import new_id

MESSAGES = {
    CouponRefusal.NOT_FOUND: "there is no coupon with this code",
    CouponRefusal.EXPIRED: "this coupon has expired",
    CouponRefusal.NOT_STARTED: "this coupon is not valid yet",
    CouponRefusal.INACTIVE: "this coupon is not active",
    CouponRefusal.USAGE_LIMIT_REACHED: "this coupon has been used as often as it may be",
    CouponRefusal.ALREADY_USED: "this coupon has already been used with this email",
    CouponRefusal.MIN_SUBTOTAL_NOT_MET: "the cart's subtotal is below this coupon's minimum",
    CouponRefusal.NOT_APPLICABLE: "this coupon applies to none of the products in the cart",
}

# Every coupon's code, once normalised (upper case): what the admin accepts when a coupon is made.
COUPON_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,63}$")


def normalize_code(code: str) -> str:
    return code.strip().upper()


def refused(problem: CouponRefusal, field: str) -> InvalidInput:
    return InvalidInput(MESSAGES[problem], code=problem, field=field)


@dataclass(frozen=True)
class CouponRule:
    id: str
    code: str
    type: str
    percent_basis_points: int | None
    amount_minor: int | None
    active: bool
    starts_at: int | None
    ends_at: int | None
    min_subtotal_minor: int | None
    usage_limit: int | None
    used_count: int
    once_per_customer: bool
    product_ids: tuple[str, ...]
    category_ids: tuple[str, ...]

    @classmethod
    def from_row(cls, row: Any) -> CouponRule:
        return cls(
            id=row.id,
            code=row.code,
            type=row.type,
            percent_basis_points=row.percent_basis_points,
            amount_minor=row.amount_minor,
            active=row.active,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            min_subtotal_minor=row.min_subtotal_minor,
            usage_limit=row.usage_limit,
            used_count=row.used_count,
            once_per_customer=row.once_per_customer,
            product_ids=tuple(row.product_ids or ()),
            category_ids=tuple(row.category_ids or ()),
        )

    @property
    def restricted(self) -> bool:
        return bool(self.product_ids or self.category_ids)

    def applies_to(self, product_id: str, category_id: str | None) -> bool:
        if not self.restricted:
            return True
        return product_id in self.product_ids or (category_id is not None and category_id in self.category_ids)

    def discount(self) -> Discount:
        return Discount(
            kind=self.type,
            percent_basis_points=self.percent_basis_points,
            amount_minor=self.amount_minor,
            eligible_product_ids=frozenset(self.product_ids),
            eligible_category_ids=frozenset(self.category_ids),
        )


def problem_with(
    coupon: CouponRule | None,
    *,
    now: int,
    subtotal_minor: int,
    has_eligible_line: bool,
    already_used: bool = False,
) -> CouponRefusal | None:
    """The reason a coupon cannot be used on a cart now, or None when it can."""
    if coupon is None:
        return CouponRefusal.NOT_FOUND
    if not coupon.active:
        return CouponRefusal.INACTIVE
    if coupon.starts_at is not None and now < coupon.starts_at:
        return CouponRefusal.NOT_STARTED
    if coupon.ends_at is not None and now >= coupon.ends_at:
        return CouponRefusal.EXPIRED
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return CouponRefusal.USAGE_LIMIT_REACHED
    if already_used:
        return CouponRefusal.ALREADY_USED
    if coupon.min_subtotal_minor is not None and subtotal_minor < coupon.min_subtotal_minor:
        return CouponRefusal.MIN_SUBTOTAL_NOT_MET
    if coupon.restricted and not has_eligible_line:
        return CouponRefusal.NOT_APPLICABLE
    return None


async def find_coupon(session: AsyncSession, project_id: str, code: str) -> CouponRule | None:
    """A code no coupon could have (every code is made to match COUPON_CODE) is not looked up: it cannot exist, and
    some characters (NUL) cannot even be sent to PostgreSQL."""
    normalised = normalize_code(code)
    if not COUPON_CODE.match(normalised):
        return None
    row = await session.scalar(select(Coupon).where(Coupon.project_id == project_id, Coupon.code == normalised))
    return None if row is None else CouponRule.from_row(row)


async def already_used(session: AsyncSession, coupon: CouponRule, email: str | None) -> bool:
    """True when `email` has used this once-per-customer coupon before."""
    if not (email and coupon.once_per_customer):
        return False
    query = select(
        exists().where(CouponRedemption.coupon_id == coupon.id, CouponRedemption.email == email.strip().lower())
    )
    return bool(await session.scalar(query))


async def take_use(session: AsyncSession, project_id: str, coupon: CouponRule, email: str, order_id: str) -> None:
    """One use of the coupon for this order, or a refusal if its limit was reached or this email got in first."""
    result = await session.execute(
        update(Coupon)
        .where(
            Coupon.id == coupon.id,
            (Coupon.usage_limit.is_(None)) | (Coupon.used_count < Coupon.usage_limit),
        )
        .values(used_count=Coupon.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        problem = CouponRefusal.USAGE_LIMIT_REACHED
        raise Conflict(MESSAGES[problem], code=problem, field="couponCode")
    session.add(
        CouponRedemption(
            id=new_id("red"),
            project_id=project_id,
            coupon_id=coupon.id,
            email=email,
            order_id=order_id,
            once_per_customer=coupon.once_per_customer,
        )
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        # Another checkout with this email redeemed the coupon after this one looked.
        raise refused(CouponRefusal.ALREADY_USED, "couponCode") from exc


async def give_back_use(session: AsyncSession, order: Order) -> None:
    """The use an order took, returned: its coupon may be used again, by this email too."""
    if order.coupon_id is None:
        return
    await session.execute(
        update(Coupon)
        .where(Coupon.id == order.coupon_id, Coupon.used_count > 0)
        .values(used_count=Coupon.used_count - 1)
    )
    await session.execute(delete(CouponRedemption).where(CouponRedemption.order_id == order.id))
