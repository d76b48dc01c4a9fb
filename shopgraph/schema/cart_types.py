"""Cart, coupon-check and error-payload types of the storefront schema."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from shopgraph import money
from shopgraph.db.models import CouponType
from shopgraph.domain.carts import coupons
from shopgraph.domain.carts.coupon_checks import CouponCheck
from shopgraph.domain.carts.coupons import CouponRule
from shopgraph.domain.carts.reads import CartLine, CartView
from shopgraph.errors import DomainError
from shopgraph.schema import described
from shopgraph.schema.payloads import UserError, errors_of
from shopgraph.schema.types import Money


def coupon_value(coupon: CouponRule, currency: str) -> Decimal:
    if coupon.type == CouponType.PERCENTAGE:
        return money.percent_from_basis_points(coupon.percent_basis_points or 0)
    if coupon.type == CouponType.FIXED:
        return money.to_decimal(coupon.amount_minor or 0, currency)
    return Decimal(0)


@strawberry.type
class CartCoupon:
    code: str
    type: str
    value: Decimal
    applied: bool


@strawberry.type
class CouponProblem:
    reason: str
    message: str


@strawberry.type
class CartItem:
    line: strawberry.Private[CartLine]
    currency: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.line.id)

    @strawberry.field
    def product_id(self) -> strawberry.ID:
        return strawberry.ID(self.line.product_id)

    @strawberry.field
    def variant_id(self) -> strawberry.ID | None:
        return None if self.line.variant_id is None else strawberry.ID(self.line.variant_id)

    @strawberry.field
    def name(self) -> str:
        return self.line.name

    @strawberry.field
    def variant_name(self) -> str | None:
        return self.line.variant_name

    @strawberry.field
    def sku(self) -> str | None:
        return self.line.sku

    @strawberry.field
    def slug(self) -> str:
        return self.line.slug

    @strawberry.field
    def image(self) -> str | None:
        return self.line.image

    @strawberry.field
    def unit_price(self) -> Money:
        return Money.of(self.line.unit_price_minor, self.currency)

    @strawberry.field
    def quantity(self) -> int:
        return self.line.quantity

    @strawberry.field
    def line_total(self) -> Money:
        return Money.of(self.line.line_total_minor, self.currency)

    @strawberry.field
    def discount(self) -> Money:
        return Money.of(self.line.discount_minor, self.currency)

    @described.field(description="UNAVAILABLE, OUT_OF_STOCK, INSUFFICIENT_STOCK or PRICE_CHANGED")
    def issues(self) -> list[str]:
        return list(self.line.issues)

    @strawberry.field
    def available_quantity(self) -> int | None:
        return self.line.available_quantity

    @strawberry.field
    def previous_unit_price(self) -> Money | None:
        previous = self.line.previous_unit_price_minor
        return None if previous is None else Money.of(previous, self.currency)


@strawberry.type
class Cart:
    view: strawberry.Private[CartView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def currency(self) -> str:
        return self.view.currency

    @strawberry.field
    def items(self) -> list[CartItem]:
        return [CartItem(line=line, currency=self.view.currency) for line in self.view.lines]

    @strawberry.field
    def item_count(self) -> int:
        return self.view.item_count

    @strawberry.field
    def coupon(self) -> CartCoupon | None:
        coupon = self.view.coupon
        if coupon is None:
            return None
        value = coupon_value(coupon, self.view.currency)
        return CartCoupon(code=coupon.code, type=coupon.type, value=value, applied=self.view.coupon_applied)

    @strawberry.field
    def coupon_problem(self) -> CouponProblem | None:
        problem = self.view.coupon_problem
        return None if problem is None else CouponProblem(reason=problem, message=coupons.MESSAGES[problem])

    @strawberry.field
    def subtotal(self) -> Money:
        return Money.of(self.view.totals.subtotal_minor, self.view.currency)

    @strawberry.field
    def discount_total(self) -> Money:
        return Money.of(self.view.totals.discount_total_minor, self.view.currency)

    @strawberry.field
    def tax_total(self) -> Money:
        return Money.of(self.view.totals.tax_total_minor, self.view.currency)

    @strawberry.field
    def shipping_total(self) -> Money:
        return Money.of(self.view.totals.shipping_total_minor, self.view.currency)

    @strawberry.field
    def grand_total(self) -> Money:
        return Money.of(self.view.totals.grand_total_minor, self.view.currency)

    @strawberry.field
    def updated_at(self) -> float | None:
        return self.view.updated_at


@strawberry.type
class CartPayload:
    cart: Cart | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: CartView | DomainError) -> CartPayload:
        if isinstance(result, DomainError):
            return cls(cart=None, user_errors=errors_of(result))
        return cls(cart=Cart(view=result), user_errors=[])


@strawberry.type
class CouponValidation:
    valid: bool
    code: str
    type: str | None
    value: Decimal | None
    discount_amount: Money | None
    reason: str | None
    message: str
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def refused(cls, error: DomainError, code: str) -> CouponValidation:
        return cls(
            valid=False,
            code=code,
            type=None,
            value=None,
            discount_amount=None,
            reason=error.code,
            message=error.message,
            user_errors=errors_of(error),
        )

    @classmethod
    def of(cls, check: CouponCheck | DomainError, currency: str, code: str) -> CouponValidation:
        if isinstance(check, DomainError):
            return cls.refused(check, code)
        coupon = check.coupon if check.valid else None
        discount = check.discount_minor
        return cls(
            valid=check.valid,
            code=check.code,
            type=None if coupon is None else coupon.type,
            value=None if coupon is None else coupon_value(coupon, currency),
            discount_amount=None if discount is None else Money.of(discount, currency),
            reason=check.reason,
            message=check.message,
        )
