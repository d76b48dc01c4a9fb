"""Cart totals as pure arithmetic over integer minor units (CONTRACT.md section 3, "Totals").

Every amount is a whole number of the currency's minor unit: cents for USD, none for JPY (the yen is the
unit), thousandths for KWD. The arithmetic never looks at a currency's digits, so 0-, 2- and 3-digit
currencies all work the same way; rounding "half-up to the currency's digits" is rounding half-up to a
whole minor unit.

Order of the computation:

1. subtotal = sum of unit price x quantity over the lines;
2. discount = a percentage of the eligible lines' subtotal (half-up) or a fixed amount, capped at that
   eligible subtotal, then spread over the eligible lines by the largest-remainder method;
3. tax = tax rate of (subtotal - discount), half-up;
4. shipping = the flat rate when shipping is enabled, waived for an empty cart, a free-shipping coupon, or
   when subtotal - discount reaches the free-shipping threshold;
5. grand total = subtotal - discount + tax + shipping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shopgraph.db.models import CouponType
from shopgraph.money import percentage_of

DISCOUNT_KINDS = frozenset(kind.value for kind in CouponType)

BASIS_POINTS_PER_PERCENT = 100
WHOLE_IN_BASIS_POINTS = 100 * BASIS_POINTS_PER_PERCENT


@dataclass(frozen=True)
class PricedLine:
    key: str
    unit_price_minor: int
    quantity: int
    product_id: str
    category_id: str | None = None

    def __post_init__(self) -> None:
        _require_not_negative("unit_price_minor", self.unit_price_minor)
        _require_not_negative("quantity", self.quantity)

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity


@dataclass(frozen=True)
class Discount:
    """A coupon's effect; empty eligibility sets mean every line is eligible."""

    kind: str
    percent_basis_points: int | None = None
    amount_minor: int | None = None
    eligible_product_ids: frozenset[str] = field(default_factory=frozenset)
    eligible_category_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.kind not in DISCOUNT_KINDS:
            raise ValueError(f"kind: must be one of {sorted(DISCOUNT_KINDS)}, not {self.kind!r}")
        if self.kind == CouponType.PERCENTAGE:
            if self.percent_basis_points is None:
                raise ValueError("percent_basis_points: required for a percentage discount")
            _require_not_negative("percent_basis_points", self.percent_basis_points)
            if self.percent_basis_points > WHOLE_IN_BASIS_POINTS:
                raise ValueError(f"percent_basis_points: at most {WHOLE_IN_BASIS_POINTS} (100 %)")
        if self.kind == CouponType.FIXED:
            if self.amount_minor is None:
                raise ValueError("amount_minor: required for a fixed discount")
            _require_not_negative("amount_minor", self.amount_minor)

    @property
    def restricted(self) -> bool:
        return bool(self.eligible_product_ids or self.eligible_category_ids)

    def applies_to(self, line: PricedLine) -> bool:
        if not self.restricted:
            return True
        return line.product_id in self.eligible_product_ids or line.category_id in self.eligible_category_ids

    def amount_off(self, eligible_subtotal_minor: int) -> int:
        # __post_init__ guarantees the kind's own field is set; `or 0` only narrows the type.
        if self.kind == CouponType.PERCENTAGE:
            percent = _basis_points_as_percent(self.percent_basis_points or 0)
            wanted = percentage_of(eligible_subtotal_minor, percent)
        elif self.kind == CouponType.FIXED:
            wanted = self.amount_minor or 0
        else:
            wanted = 0
        return min(wanted, eligible_subtotal_minor)


@dataclass(frozen=True)
class PricingRules:
    currency: str
    tax_basis_points: int
    flat_shipping_rate_minor: int
    free_shipping_threshold_minor: int | None
    shipping_enabled: bool

    def __post_init__(self) -> None:
        _require_not_negative("tax_basis_points", self.tax_basis_points)
        _require_not_negative("flat_shipping_rate_minor", self.flat_shipping_rate_minor)
        if self.free_shipping_threshold_minor is not None:
            _require_not_negative("free_shipping_threshold_minor", self.free_shipping_threshold_minor)

    def reaches_free_shipping(self, discounted_subtotal_minor: int) -> bool:
        threshold = self.free_shipping_threshold_minor
        return threshold is not None and discounted_subtotal_minor >= threshold


@dataclass(frozen=True)
class LineTotals:
    key: str
    line_total_minor: int
    discount_minor: int


@dataclass(frozen=True)
class CartTotals:
    """`free_shipping` is true when an otherwise charged shipping rate was waived (threshold or coupon)."""

    lines: tuple[LineTotals, ...]
    subtotal_minor: int
    discount_total_minor: int
    tax_total_minor: int
    shipping_total_minor: int
    grand_total_minor: int
    free_shipping: bool


def price_cart(lines: Iterable[PricedLine], rules: PricingRules, discount: Discount | None = None) -> CartTotals:
    """The cart's totals per the contract; lines keep their order and must have distinct keys."""
    priced = tuple(lines)
    _require_distinct_keys(priced)
    subtotal = sum(line.total_minor for line in priced)
    line_discounts = _line_discounts(priced, discount)
    discount_total = sum(line_discounts)
    discounted_subtotal = subtotal - discount_total
    tax = percentage_of(discounted_subtotal, _basis_points_as_percent(rules.tax_basis_points))
    waived = _shipping_waived(priced, rules, discount, discounted_subtotal)
    charges_shipping = rules.shipping_enabled and not _is_empty(priced)
    shipping = rules.flat_shipping_rate_minor if charges_shipping and not waived else 0
    return CartTotals(
        lines=tuple(
            LineTotals(line.key, line.total_minor, line_discount)
            for line, line_discount in zip(priced, line_discounts, strict=True)
        ),
        subtotal_minor=subtotal,
        discount_total_minor=discount_total,
        tax_total_minor=tax,
        shipping_total_minor=shipping,
        grand_total_minor=discounted_subtotal + tax + shipping,
        free_shipping=charges_shipping and waived,
    )


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` in proportion to `weights` by the largest-remainder method.

    The shares sum exactly to `amount` and each is within one unit of its exact proportional share.
    Equal remainders go to the earlier weight, so the result is deterministic.
    """
    _require_not_negative("amount", amount)
    for weight in weights:
        _require_not_negative("weight", weight)
    total_weight = sum(weights)
    if total_weight == 0:
        if amount:
            raise ValueError("cannot allocate a non-zero amount over weights that sum to zero")
        return [0] * len(weights)
    shares = [amount * weight // total_weight for weight in weights]
    remainders = [amount * weight % total_weight for weight in weights]
    leftover = amount - sum(shares)
    by_largest_remainder = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in by_largest_remainder[:leftover]:
        shares[index] += 1
    return shares


def _line_discounts(lines: Sequence[PricedLine], discount: Discount | None) -> list[int]:
    if discount is None:
        return [0] * len(lines)
    eligible_weights = [line.total_minor if discount.applies_to(line) else 0 for line in lines]
    return allocate(discount.amount_off(sum(eligible_weights)), eligible_weights)


def _shipping_waived(
    lines: Sequence[PricedLine], rules: PricingRules, discount: Discount | None, discounted_subtotal: int
) -> bool:
    # A restricted free-shipping coupon, like any restricted coupon, needs an eligible line to take effect.
    coupon_waives = (
        discount is not None
        and discount.kind == CouponType.FREE_SHIPPING
        and any(discount.applies_to(line) for line in lines)
    )
    return coupon_waives or rules.reaches_free_shipping(discounted_subtotal)


def _is_empty(lines: Sequence[PricedLine]) -> bool:
    return sum(line.quantity for line in lines) == 0


def _basis_points_as_percent(basis_points: int) -> Decimal:
    return Decimal(basis_points) / BASIS_POINTS_PER_PERCENT


def _require_not_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name}: must not be negative, got {value}")


def _require_distinct_keys(lines: Sequence[PricedLine]) -> None:
    keys = [line.key for line in lines]
    if len(set(keys)) != len(keys):
        raise ValueError("lines: keys must be distinct")
