"""Cart totals in minor units: the contract's examples, rounding, eligibility, and properties over any cart."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopgraph.db.models import CouponType
from shopgraph.domain.carts.pricing import (
    CartTotals,
    Discount,
    LineTotals,
    PricedLine,
    PricingRules,
    allocate,
    price_cart,
)

DEMO_RULES = PricingRules(
    currency="USD",
    tax_basis_points=1000,
    flat_shipping_rate_minor=500,
    free_shipping_threshold_minor=10000,
    shipping_enabled=True,
)
SAVE10 = Discount(kind=CouponType.PERCENTAGE, percent_basis_points=1000)
FLAT5 = Discount(kind=CouponType.FIXED, amount_minor=500)
FREESHIP = Discount(kind=CouponType.FREE_SHIPPING)


def line(key: str, unit_price_minor: int, quantity: int = 1, *, category_id: str | None = None) -> PricedLine:
    return PricedLine(
        key=key,
        unit_price_minor=unit_price_minor,
        quantity=quantity,
        product_id=f"product-{key}",
        category_id=category_id,
    )


def shirts_and_mug() -> list[PricedLine]:
    return [line("shirt", 2500, 2), line("mug", 1450)]


def totals_summary(totals: CartTotals) -> tuple[int, int, int, int, int]:
    return (
        totals.subtotal_minor,
        totals.discount_total_minor,
        totals.tax_total_minor,
        totals.shipping_total_minor,
        totals.grand_total_minor,
    )


def test_a_cart_without_coupon_pays_tax_and_flat_shipping() -> None:
    # given
    lines = shirts_and_mug()

    # when
    totals = price_cart(lines, DEMO_RULES)

    # then
    assert totals_summary(totals) == (6450, 0, 645, 500, 7595)
    assert totals.lines == (LineTotals("shirt", 5000, 0), LineTotals("mug", 1450, 0))
    assert totals.free_shipping is False


def test_a_percentage_coupon_is_taken_before_tax_and_spread_over_the_lines() -> None:
    # given
    lines = shirts_and_mug()

    # when
    totals = price_cart(lines, DEMO_RULES, SAVE10)

    # then
    assert totals_summary(totals) == (6450, 645, 581, 500, 6886)
    assert [line_totals.discount_minor for line_totals in totals.lines] == [500, 145]


def test_a_fixed_coupon_gives_the_odd_unit_to_the_largest_remainder() -> None:
    # given
    lines = shirts_and_mug()

    # when
    totals = price_cart(lines, DEMO_RULES, FLAT5)

    # then
    assert totals_summary(totals) == (6450, 500, 595, 500, 7045)
    assert [line_totals.discount_minor for line_totals in totals.lines] == [388, 112]


def test_a_free_shipping_coupon_waives_shipping_and_takes_nothing_off() -> None:
    # given
    lines = shirts_and_mug()

    # when
    totals = price_cart(lines, DEMO_RULES, FREESHIP)

    # then
    assert totals_summary(totals) == (6450, 0, 645, 0, 7095)
    assert totals.free_shipping is True


@pytest.mark.parametrize(
    ("unit_price_minor", "expected_shipping"),
    [(9999, 500), (10000, 0), (10001, 0)],
)
def test_shipping_is_free_from_the_threshold_on(unit_price_minor: int, expected_shipping: int) -> None:
    # given
    lines = [line("tent", unit_price_minor)]

    # when
    totals = price_cart(lines, DEMO_RULES)

    # then
    assert totals.shipping_total_minor == expected_shipping
    assert totals.free_shipping is (expected_shipping == 0)


def test_the_threshold_applies_to_the_subtotal_after_the_discount() -> None:
    # given
    lines = [line("tent", 10500)]

    # when
    totals = price_cart(lines, DEMO_RULES, SAVE10)

    # then
    assert totals_summary(totals) == (10500, 1050, 945, 500, 10895)


def test_a_discount_larger_than_the_subtotal_stops_at_zero() -> None:
    # given
    lines = [line("mug", 1450)]
    big_coupon = Discount(kind=CouponType.FIXED, amount_minor=5000)

    # when
    totals = price_cart(lines, DEMO_RULES, big_coupon)

    # then
    assert totals_summary(totals) == (1450, 1450, 0, 500, 500)
    assert totals.lines == (LineTotals("mug", 1450, 1450),)


def test_an_empty_cart_costs_nothing_even_with_a_coupon() -> None:
    # given
    lines: list[PricedLine] = []

    # when
    totals = price_cart(lines, DEMO_RULES, FLAT5)

    # then
    assert totals_summary(totals) == (0, 0, 0, 0, 0)
    assert totals.lines == ()
    assert totals.free_shipping is False


def test_disabled_shipping_is_never_charged_nor_reported_as_free() -> None:
    # given
    rules = PricingRules("USD", 1000, 500, 10000, shipping_enabled=False)

    # when
    totals = price_cart(shirts_and_mug(), rules, FREESHIP)

    # then
    assert totals.shipping_total_minor == 0
    assert totals.free_shipping is False


def test_without_a_threshold_shipping_is_charged_on_any_amount() -> None:
    # given
    rules = PricingRules("USD", 1000, 500, None, shipping_enabled=True)

    # when
    totals = price_cart([line("yacht", 10_000_000)], rules)

    # then
    assert totals.shipping_total_minor == 500


def test_a_zero_digit_currency_rounds_to_whole_yen() -> None:
    # given
    rules = PricingRules("JPY", 1000, 500, 10000, shipping_enabled=True)
    lines = [line("teapot", 1235)]

    # when
    totals = price_cart(lines, rules, SAVE10)

    # then
    assert totals_summary(totals) == (1235, 124, 111, 500, 1722)


def test_a_three_digit_currency_rounds_to_whole_fils() -> None:
    # given
    rules = PricingRules("KWD", 500, 2000, 50000, shipping_enabled=True)
    lines = [line("lamp", 12345, 2)]

    # when
    totals = price_cart(lines, rules)

    # then
    assert totals_summary(totals) == (24690, 0, 1235, 2000, 27925)


def test_a_coupon_restricted_to_a_product_discounts_only_that_product() -> None:
    # given
    shirts_only = Discount(
        kind=CouponType.PERCENTAGE, percent_basis_points=1000, eligible_product_ids=frozenset({"product-shirt"})
    )

    # when
    totals = price_cart(shirts_and_mug(), DEMO_RULES, shirts_only)

    # then
    assert totals.discount_total_minor == 500
    assert [line_totals.discount_minor for line_totals in totals.lines] == [500, 0]


def test_a_fixed_coupon_restricted_to_a_category_is_capped_at_that_category() -> None:
    # given
    lines = [line("shirt", 2500, 2, category_id="apparel"), line("mug", 1450, category_id="kitchen")]
    kitchen_only = Discount(kind=CouponType.FIXED, amount_minor=3000, eligible_category_ids=frozenset({"kitchen"}))

    # when
    totals = price_cart(lines, DEMO_RULES, kitchen_only)

    # then
    assert totals.discount_total_minor == 1450
    assert [line_totals.discount_minor for line_totals in totals.lines] == [0, 1450]


def test_a_restricted_coupon_without_an_eligible_line_changes_nothing() -> None:
    # given
    elsewhere = frozenset({"product-elsewhere"})
    restricted_coupons = [
        Discount(kind=CouponType.PERCENTAGE, percent_basis_points=1000, eligible_product_ids=elsewhere),
        Discount(kind=CouponType.FREE_SHIPPING, eligible_product_ids=elsewhere),
    ]

    # when
    all_totals = [price_cart(shirts_and_mug(), DEMO_RULES, coupon) for coupon in restricted_coupons]

    # then
    assert all(totals == price_cart(shirts_and_mug(), DEMO_RULES) for totals in all_totals)


@pytest.mark.parametrize(
    ("subtotal_minor", "expected_discount"),
    [(1004, 100), (1005, 101), (1015, 102), (5, 1), (4, 0)],
)
def test_a_percentage_discount_rounds_half_up(subtotal_minor: int, expected_discount: int) -> None:
    # given
    lines = [line("item", subtotal_minor)]

    # when
    totals = price_cart(lines, DEMO_RULES, SAVE10)

    # then
    assert totals.discount_total_minor == expected_discount


@pytest.mark.parametrize(
    ("taxable_minor", "expected_tax"),
    [(1004, 100), (1005, 101), (1015, 102)],
)
def test_tax_rounds_half_up(taxable_minor: int, expected_tax: int) -> None:
    # given
    lines = [line("item", taxable_minor)]

    # when
    totals = price_cart(lines, DEMO_RULES)

    # then
    assert totals.tax_total_minor == expected_tax


def test_a_fractional_tax_rate_in_basis_points_rounds_half_up() -> None:
    # given
    rules = PricingRules("USD", 825, 0, None, shipping_enabled=False)

    # when
    totals = price_cart([line("item", 200)], rules)

    # then
    assert totals.tax_total_minor == 17


@pytest.mark.parametrize(
    "build_invalid",
    [
        lambda: line("item", -1),
        lambda: line("item", 100, -1),
        lambda: Discount(kind="bogus"),
        lambda: Discount(kind=CouponType.PERCENTAGE),
        lambda: Discount(kind=CouponType.PERCENTAGE, percent_basis_points=-1),
        lambda: Discount(kind=CouponType.PERCENTAGE, percent_basis_points=10001),
        lambda: Discount(kind=CouponType.FIXED),
        lambda: Discount(kind=CouponType.FIXED, amount_minor=-1),
        lambda: PricingRules("USD", -1, 500, None, shipping_enabled=True),
        lambda: PricingRules("USD", 1000, -1, None, shipping_enabled=True),
        lambda: PricingRules("USD", 1000, 500, -1, shipping_enabled=True),
        lambda: price_cart([line("same", 100), line("same", 200)], DEMO_RULES),
    ],
)
def test_invalid_inputs_are_rejected(build_invalid: Callable[[], object]) -> None:
    # given / when / then
    with pytest.raises(ValueError):
        build_invalid()


@pytest.mark.parametrize(
    ("amount", "weights", "expected_shares"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (2, [1, 1, 1], [1, 1, 0]),
        (10, [0, 5, 5], [0, 5, 5]),
        (7, [3], [7]),
        (0, [0, 0], [0, 0]),
        (0, [], []),
    ],
)
def test_allocate_splits_by_largest_remainder_with_ties_to_the_earlier_weight(
    amount: int, weights: list[int], expected_shares: list[int]
) -> None:
    # given / when
    shares = allocate(amount, weights)

    # then
    assert shares == expected_shares


@pytest.mark.parametrize(("amount", "weights"), [(1, [0, 0]), (1, []), (-1, [1]), (1, [2, -1])])
def test_allocate_rejects_what_cannot_be_split(amount: int, weights: list[int]) -> None:
    # given / when / then
    with pytest.raises(ValueError):
        allocate(amount, weights)


PRODUCT_IDS = ("product-a", "product-b", "product-c")
CATEGORY_IDS = ("category-x", "category-y")


@st.composite
def priced_lines(draw: st.DrawFn) -> list[PricedLine]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        PricedLine(
            key=f"line-{index}",
            unit_price_minor=draw(st.integers(min_value=0, max_value=1_000_000)),
            quantity=draw(st.integers(min_value=0, max_value=999)),
            product_id=draw(st.sampled_from(PRODUCT_IDS)),
            category_id=draw(st.none() | st.sampled_from(CATEGORY_IDS)),
        )
        for index in range(count)
    ]


eligible_product_ids = st.frozensets(st.sampled_from(PRODUCT_IDS))
eligible_category_ids = st.frozensets(st.sampled_from(CATEGORY_IDS))

discounts = st.none() | st.one_of(
    st.builds(
        Discount,
        kind=st.just(CouponType.PERCENTAGE),
        percent_basis_points=st.integers(min_value=0, max_value=10000),
        eligible_product_ids=eligible_product_ids,
        eligible_category_ids=eligible_category_ids,
    ),
    st.builds(
        Discount,
        kind=st.just(CouponType.FIXED),
        amount_minor=st.integers(min_value=0, max_value=10_000_000),
        eligible_product_ids=eligible_product_ids,
        eligible_category_ids=eligible_category_ids,
    ),
    st.builds(
        Discount,
        kind=st.just(CouponType.FREE_SHIPPING),
        eligible_product_ids=eligible_product_ids,
        eligible_category_ids=eligible_category_ids,
    ),
)

pricing_rules = st.builds(
    PricingRules,
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
    tax_basis_points=st.integers(min_value=0, max_value=5000),
    flat_shipping_rate_minor=st.integers(min_value=0, max_value=100_000),
    free_shipping_threshold_minor=st.none() | st.integers(min_value=0, max_value=10_000_000),
    shipping_enabled=st.booleans(),
)


@given(priced_lines(), pricing_rules, discounts)
def test_no_total_is_ever_negative(lines: list[PricedLine], rules: PricingRules, discount: Discount | None) -> None:
    # given / when
    totals = price_cart(lines, rules, discount)

    # then
    assert min(totals_summary(totals)) >= 0
    assert totals.subtotal_minor - totals.discount_total_minor >= 0


@given(priced_lines(), pricing_rules, discounts)
def test_line_discounts_sum_to_the_discount_and_never_exceed_their_line(
    lines: list[PricedLine], rules: PricingRules, discount: Discount | None
) -> None:
    # given / when
    totals = price_cart(lines, rules, discount)

    # then
    assert sum(line_totals.discount_minor for line_totals in totals.lines) == totals.discount_total_minor
    assert all(0 <= line_totals.discount_minor <= line_totals.line_total_minor for line_totals in totals.lines)
    assert [line_totals.key for line_totals in totals.lines] == [priced.key for priced in lines]


@given(priced_lines(), pricing_rules, discounts)
def test_the_grand_total_adds_up(lines: list[PricedLine], rules: PricingRules, discount: Discount | None) -> None:
    # given / when
    totals = price_cart(lines, rules, discount)

    # then
    assert totals.subtotal_minor == sum(line_totals.line_total_minor for line_totals in totals.lines)
    assert totals.grand_total_minor == (
        totals.subtotal_minor - totals.discount_total_minor + totals.tax_total_minor + totals.shipping_total_minor
    )


@given(priced_lines(), pricing_rules, discounts)
def test_shipping_is_either_the_flat_rate_or_nothing(
    lines: list[PricedLine], rules: PricingRules, discount: Discount | None
) -> None:
    # given / when
    totals = price_cart(lines, rules, discount)

    # then
    assert totals.shipping_total_minor in (0, rules.flat_shipping_rate_minor)
    if not rules.shipping_enabled or not any(priced.quantity for priced in lines):
        assert totals.shipping_total_minor == 0


weights_and_amount = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=10).flatmap(
    lambda weights: st.tuples(
        st.just(weights),
        st.integers(min_value=0, max_value=sum(weights) * 2 if sum(weights) else 0),
    )
)


@given(weights_and_amount)
def test_allocate_sums_exactly_and_stays_within_one_unit_of_proportional(
    weights_and_amount: tuple[list[int], int],
) -> None:
    # given
    weights, amount = weights_and_amount

    # when
    shares = allocate(amount, weights)

    # then
    assert sum(shares) == amount
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - Fraction(amount * weight, sum(weights) or 1)) < 1
