"""Admin writes and reads of coupons: codes unique and upper-case, values and dates that make sense."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Category, Coupon, CouponType, Product
from shopgraph.domain.carts.coupons import COUPON_CODE, normalize_code
from shopgraph.domain.carts.error_codes import CouponErrorCode
from shopgraph.domain.conflicts import concurrent_writes_as_conflict
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import (
    FieldProblem,
    amount,
    boolean,
    choice,
    decimal,
    ids,
    invalid,
    not_found,
    optional_amount,
    read_fields,
    require,
    timestamp,
    whole_number,
)
from shopgraph.domain.stores.config import store_currency
from shopgraph.errors import Conflict
from shopgraph.ids import new_id, now_ms


def coupon_code(value: object, _currency: str) -> str:
    code = normalize_code(value) if isinstance(value, str) else ""
    if not COUPON_CODE.match(code):
        raise FieldProblem(
            "1 to 64 letters, digits, '-' or '_', starting with a letter or digit", CouponErrorCode.INVALID_CODE
        )
    return code


COUPON_FIELDS = {
    "code": ("code", coupon_code),
    "type": ("type", choice(tuple(CouponType))),
    "value": ("value", decimal),
    "active": ("active", boolean),
    "starts_at": ("starts_at", timestamp),
    "ends_at": ("ends_at", timestamp),
    "min_subtotal": ("min_subtotal_minor", optional_amount),
    "usage_limit": ("usage_limit", whole_number(minimum=1, optional=True)),
    "once_per_customer": ("once_per_customer", boolean),
    "product_ids": ("product_ids", ids),
    "category_ids": ("category_ids", ids),
}


@dataclass(frozen=True)
class CouponRecord:
    coupon: Coupon
    currency: str


def _discount(kind: str, value: Decimal | None, currency: str) -> tuple[int | None, int | None]:
    """(percent in basis points, amount in minor units) of a coupon of this kind."""
    if kind == CouponType.PERCENTAGE:
        if value is None or not value.is_finite() or not 0 < value <= 100:
            raise invalid("value", "a percentage above 0 and at most 100", CouponErrorCode.INVALID_PERCENTAGE)
        basis_points = value * 100
        if basis_points != basis_points.to_integral_value():
            raise invalid("value", "a percentage has at most two decimal places", CouponErrorCode.INVALID_PERCENTAGE)
        return int(basis_points), None
    if kind == CouponType.FIXED:
        try:
            minor = amount(value, currency)
        except FieldProblem as problem:
            raise invalid("value", problem.message, problem.code) from problem
        if minor <= 0:
            raise invalid("value", "the amount off must be more than 0", ErrorCode.INVALID_AMOUNT)
        return None, minor
    if value is not None:
        raise invalid("value", "a free_shipping coupon takes no value")
    return None, None


def _ensure_dates(starts_at: int | None, ends_at: int | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise invalid("endsAt", "must be after startsAt", CouponErrorCode.INVALID_DATES)


async def _ensure_targets(
    session: AsyncSession, project_id: str, product_ids: Sequence[str], category_ids: Sequence[str]
) -> None:
    for model, wanted, what, field in (
        (Product, product_ids, "product", "productIds"),
        (Category, category_ids, "category", "categoryIds"),
    ):
        if not wanted:
            continue
        found = set(
            (await session.scalars(select(model.id).where(model.project_id == project_id, model.id.in_(wanted)))).all()
        )
        missing = [item for item in wanted if item not in found]
        if missing:
            raise not_found(f"{what} {missing[0]!r}", field)


async def _ensure_code_free(session: AsyncSession, project_id: str, code: str, except_id: str = "") -> None:
    taken = await session.scalar(
        select(Coupon.id).where(Coupon.project_id == project_id, Coupon.code == code, Coupon.id != except_id)
    )
    if taken is not None:
        raise Conflict(f"code: a coupon {code!r} already exists", code=CouponErrorCode.COUPON_CODE_TAKEN, field="code")


async def _coupon(session: AsyncSession, project_id: str, coupon_id: str) -> Coupon:
    coupon = await session.scalar(select(Coupon).where(Coupon.id == coupon_id, Coupon.project_id == project_id))
    if coupon is None:
        raise not_found("coupon")
    return coupon


async def list_coupons(session: AsyncSession, project_id: str) -> list[CouponRecord]:
    currency = await store_currency(session, project_id)
    rows = (await session.scalars(select(Coupon).where(Coupon.project_id == project_id).order_by(Coupon.code))).all()
    return [CouponRecord(row, currency) for row in rows]


async def create_coupon(session: AsyncSession, project_id: str, given: Mapping[str, object]) -> CouponRecord:
    currency = await store_currency(session, project_id)
    values = read_fields(COUPON_FIELDS, given, currency=currency)
    require(values, ("code", "code"), ("type", "type"))
    discount = _discount(values["type"], values.pop("value", None), currency)
    values["percent_basis_points"], values["amount_minor"] = discount
    _ensure_dates(values.get("starts_at"), values.get("ends_at"))
    await _ensure_targets(session, project_id, values.get("product_ids", []), values.get("category_ids", []))
    await _ensure_code_free(session, project_id, values["code"])
    coupon = Coupon(
        id=new_id("cpn"),
        project_id=project_id,
        used_count=0,
        created_at=now_ms(),
        **{"active": True, "once_per_customer": False, "product_ids": [], "category_ids": [], **values},
    )
    session.add(coupon)
    with concurrent_writes_as_conflict():
        await session.flush()
    return CouponRecord(coupon, currency)


async def update_coupon(
    session: AsyncSession, project_id: str, coupon_id: str, given: Mapping[str, object]
) -> CouponRecord:
    """Changes the given fields; a new type needs its value (except free_shipping, which has none)."""
    coupon = await _coupon(session, project_id, coupon_id)
    currency = await store_currency(session, project_id)
    values = read_fields(COUPON_FIELDS, given, currency=currency)
    kind = values.get("type", coupon.type)
    if "value" in values or kind != coupon.type:
        if "value" not in values and kind != CouponType.FREE_SHIPPING:
            raise invalid("value", f"give the value of a {kind} coupon")
        values["percent_basis_points"], values["amount_minor"] = _discount(kind, values.pop("value", None), currency)
    _ensure_dates(values.get("starts_at", coupon.starts_at), values.get("ends_at", coupon.ends_at))
    await _ensure_targets(session, project_id, values.get("product_ids", []), values.get("category_ids", []))
    if "code" in values:
        await _ensure_code_free(session, project_id, values["code"], except_id=coupon.id)
    for column, value in values.items():
        setattr(coupon, column, value)
    with concurrent_writes_as_conflict():
        await session.flush()
    return CouponRecord(coupon, currency)


async def delete_coupon(session: AsyncSession, project_id: str, coupon_id: str) -> str:
    """Carts holding it lose it; orders keep its code. To keep its history, deactivate it instead."""
    coupon = await _coupon(session, project_id, coupon_id)
    await session.delete(coupon)
    await session.flush()
    return coupon_id
