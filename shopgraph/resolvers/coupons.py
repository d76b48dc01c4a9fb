"""Coupons: whether one applies to a cart, and why not when it does not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Coupon, CouponRedemption
from shopgraph.resolvers.pricing import Discount

NOT_FOUND = "NOT_FOUND"
EXPIRED = "EXPIRED"
NOT_STARTED = "NOT_STARTED"
INACTIVE = "INACTIVE"
USAGE_LIMIT_REACHED = "USAGE_LIMIT_REACHED"
ALREADY_USED = "ALREADY_USED"
MIN_SUBTOTAL_NOT_MET = "MIN_SUBTOTAL_NOT_MET"
NOT_APPLICABLE = "NOT_APPLICABLE"

MESSAGES = {
    NOT_FOUND: "there is no coupon with this code",
    EXPIRED: "this coupon has expired",
    NOT_STARTED: "this coupon is not valid yet",
    INACTIVE: "this coupon is not active",
    USAGE_LIMIT_REACHED: "this coupon has been used as often as it may be",
    ALREADY_USED: "this coupon has already been used with this email",
    MIN_SUBTOTAL_NOT_MET: "the cart's subtotal is below this coupon's minimum",
    NOT_APPLICABLE: "this coupon applies to none of the products in the cart",
}
COUPON_TYPES = ("percentage", "fixed", "free_shipping")


def normalize_code(code: str) -> str:
    return code.strip().upper()


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
) -> str | None:
    """The reason a coupon cannot be used on a cart now, or None when it can."""
    if coupon is None:
        return NOT_FOUND
    if not coupon.active:
        return INACTIVE
    if coupon.starts_at is not None and now < coupon.starts_at:
        return NOT_STARTED
    if coupon.ends_at is not None and now >= coupon.ends_at:
        return EXPIRED
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return USAGE_LIMIT_REACHED
    if already_used:
        return ALREADY_USED
    if coupon.min_subtotal_minor is not None and subtotal_minor < coupon.min_subtotal_minor:
        return MIN_SUBTOTAL_NOT_MET
    if coupon.restricted and not has_eligible_line:
        return NOT_APPLICABLE
    return None


async def find_coupon(session: AsyncSession, project_id: str, code: str) -> CouponRule | None:
    row = await session.scalar(
        select(Coupon).where(Coupon.project_id == project_id, Coupon.code == normalize_code(code))
    )
    return None if row is None else CouponRule.from_row(row)


async def used_by(session: AsyncSession, coupon_id: str, email: str) -> bool:
    query = select(
        exists().where(CouponRedemption.coupon_id == coupon_id, CouponRedemption.email == email.strip().lower())
    )
    return bool(await session.scalar(query))
