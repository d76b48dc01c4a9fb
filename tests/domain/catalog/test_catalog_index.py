"""The indexed catalog answers every product query exactly as a plain scan of the same products does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopgraph.domain.catalog import index as catalog_index
from shopgraph.domain.catalog.queries import ProductQuery, find_product, list_products, validate_query
from shopgraph.domain.catalog.snapshot import (
    CatalogSnapshot,
    CategoryView,
    ProductSort,
    ProductView,
    VariantView,
)

WORDS = ["red", "mug", "tea", "oak", "rust", "blue-green", "Straße", "ÉTÉ", "a", "mugs", "teapot", "x_y"]
CATEGORIES = [
    CategoryView("cat_home", "Home", "home", "", None, 0, ()),
    CategoryView("cat_kitchen", "Kitchen", "kitchen", "", "cat_home", 0, ()),
    CategoryView("cat_cups", "Cups", "cups", "", "cat_kitchen", 1, ()),
    CategoryView("cat_bags", "Bags", "bags", "", None, 1, ()),
]


def reference_page(
    snapshot: CatalogSnapshot, products: Iterable[ProductView], query: ProductQuery
) -> tuple[list[str], int]:
    """The page as the catalog answered it before it kept indexes: sort everything, then filter one by one."""
    query = validate_query(query, snapshot)
    newest_first = sorted(products, key=lambda p: (p.created_at, p.id), reverse=True)
    if query.sort == ProductSort.PRICE_ASC:
        ordered = sorted(newest_first, key=lambda p: p.price_minor)
    elif query.sort == ProductSort.PRICE_DESC:
        ordered = sorted(newest_first, key=lambda p: p.price_minor, reverse=True)
    elif query.sort == ProductSort.NAME_ASC:
        ordered = sorted(newest_first, key=lambda p: (p.name.casefold(), p.id))
    else:
        ordered = newest_first
    matched = []
    for product in ordered:
        wanted = None if query.category_id is None else snapshot.category_with_descendants(query.category_id)
        if wanted is not None and product.category_id not in wanted:
            continue
        if query.search and query.search.casefold() not in product.search_text:
            continue
        if query.min_price_minor is not None and product.price_minor < query.min_price_minor:
            continue
        if query.max_price_minor is not None and product.price_minor > query.max_price_minor:
            continue
        if query.in_stock and not product.in_stock:
            continue
        if not all(product.attribute_matches(name, value.casefold()) for name, value in query.attributes):
            continue
        matched.append(product.id)
    start = (query.page - 1) * query.limit
    return matched[start : start + query.limit], len(matched)


@st.composite
def product_views(draw: st.DrawFn, number: int) -> ProductView:
    name = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
    description = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4)))
    variant_stocks = draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=2))
    attributes: dict[str, Any] = {}
    if draw(st.booleans()):
        attributes["color"] = draw(st.sampled_from(["Red", "blue", ["red", "green"], True, 3, None]))
    product_id = f"prod_{number:04d}"
    return ProductView(
        id=product_id,
        slug=f"item-{number}",
        name=name,
        description=description,
        price_minor=draw(st.sampled_from([0, 500, 999, 1000, 2500])),
        compare_at_price_minor=None,
        currency="USD",
        images=(),
        category_id=draw(st.sampled_from([None, "cat_home", "cat_kitchen", "cat_cups", "cat_bags", "cat_gone"])),
        attributes=attributes,
        own_stock=draw(st.one_of(st.none(), st.integers(0, 2))),
        variants=tuple(
            VariantView(f"var_{number}_{i}", product_id, f"V{i}", f"SKU-{number}-{i}", 100, stock, {})
            for i, stock in enumerate(variant_stocks)
        ),
        created_at=draw(st.sampled_from([1, 2, 3, 5, 8])),
        updated_at=1,
        search_text=f"{name}\n{description}".casefold(),
    )


catalogs = st.integers(0, 40).flatmap(lambda size: st.tuples(*(product_views(n) for n in range(size))))

queries = st.builds(
    ProductQuery,
    page=st.integers(1, 4),
    limit=st.sampled_from([1, 3, 20]),
    category_id=st.sampled_from([None, "cat_home", "kitchen", "cat_cups", "cat_bags"]),
    sort=st.sampled_from(list(ProductSort)).map(str),
    search=st.one_of(
        st.none(),
        st.sampled_from(
            [
                "mug",
                "MUG",
                "ea",
                "tea mug",
                "d mu",
                "-",
                "e-g",
                "strasse",
                "été",
                "x_y",
                "_",
                "zzz",
                "a",
                "\x00",
                "g\nr",
            ]
        ),
    ),
    min_price_minor=st.one_of(st.none(), st.sampled_from([0, 500, 1000])),
    max_price_minor=st.one_of(st.none(), st.sampled_from([999, 1000, 5000])),
    in_stock=st.booleans(),
    attributes=st.one_of(
        st.just(()),
        st.tuples(st.tuples(st.just("color"), st.sampled_from(["red", "RED", "green", "true", "3", "blue"]))),
    ),
)


def _check(snapshot: CatalogSnapshot, products: Iterable[ProductView], query: ProductQuery) -> None:
    low, high = query.min_price_minor, query.max_price_minor
    if low is not None and high is not None and low > high:
        query = replace(query, max_price_minor=None)
    page = list_products(snapshot, query)
    expected_ids, expected_total = reference_page(snapshot, products, query)
    assert ([p.id for p in page.items], page.total) == (expected_ids, expected_total)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs, st.lists(queries, min_size=1, max_size=5))
def test_pages_match_a_plain_scan(products: tuple[ProductView, ...], asked: list[ProductQuery]) -> None:
    snapshot = CatalogSnapshot("proj", 1, "USD", products, list(CATEGORIES))
    for query in asked:
        _check(snapshot, products, query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalogs,
    st.lists(st.tuples(st.integers(0, 45), st.one_of(st.none(), product_views(0))), max_size=12),
    st.lists(queries, min_size=1, max_size=4),
)
def test_pages_after_changes_match_a_plain_scan_of_the_changed_products(
    products: tuple[ProductView, ...],
    changes: list[tuple[int, ProductView | None]],
    asked: list[ProductQuery],
) -> None:
    # given: the queries asked once before, so the searches' kept results have to follow the changes
    snapshot = CatalogSnapshot("proj", 1, "USD", products, list(CATEGORIES))
    current = {product.id: product for product in products}
    for query in asked:
        _check(snapshot, products, query)

    # when
    for version, (number, changed) in enumerate(changes, start=2):
        product_id = f"prod_{number:04d}"
        if changed is not None:
            changed = replace(changed, id=product_id, slug=f"item-{number}")
            current[product_id] = changed
        else:
            current.pop(product_id, None)
        snapshot = snapshot.advanced(version, {product_id: changed})

    # then
    assert snapshot.products_by_id == current
    assert {slug: p.id for slug, p in snapshot.products_by_slug.items()} == {p.slug: p.id for p in current.values()}
    for query in asked:
        _check(snapshot, current.values(), query)
    for product in current.values():
        assert find_product(snapshot, slug=product.slug) == product


class Watched(ProductView):
    """A product that counts how often its fields are read, to show which queries walk the whole catalog."""

    reads = 0

    def __getattribute__(self, name: str) -> Any:
        Watched.reads += 1
        return super().__getattribute__(name)


def large_catalog(size: int) -> list[ProductView]:
    return [
        Watched(
            id=f"prod_{n:05d}",
            slug=f"item-{n}",
            name=f"Item {n}" + (" teapot" if n % 1000 == 7 else ""),
            description="plain",
            price_minor=100 + n % 500,
            compare_at_price_minor=None,
            currency="USD",
            images=(),
            category_id="cat_cups" if n % 1000 == 3 else "cat_bags",
            attributes={"color": "gold"} if n % 1000 == 5 else {"color": "grey"},
            own_stock=0 if n % 1000 == 9 else 5,
            variants=(),
            created_at=n,
            updated_at=n,
            search_text=(f"Item {n}" + (" teapot" if n % 1000 == 7 else "") + "\nplain").casefold(),
        )
        for n in range(size)
    ]


def test_narrow_and_dense_queries_read_far_fewer_products_than_the_catalog_holds() -> None:
    # given
    products = large_catalog(20_000)
    snapshot = CatalogSnapshot("proj", 1, "USD", products, list(CATEGORIES))
    asked = [
        ProductQuery(category_id="cat_cups", sort=ProductSort.PRICE_ASC),
        ProductQuery(attributes=(("color", "GOLD"),), sort=ProductSort.NAME_ASC),
        ProductQuery(search="teapot"),
        # The names holding it all sort after the others: matches that are dense but not spread evenly.
        ProductQuery(search="item 9", sort=ProductSort.NAME_ASC),
        ProductQuery(in_stock=True, page=50, sort=ProductSort.PRICE_DESC),
        ProductQuery(min_price_minor=150, max_price_minor=151, sort=ProductSort.PRICE_ASC, page=3),
        ProductQuery(min_price_minor=150, max_price_minor=151, sort=ProductSort.CREATED_AT),
        ProductQuery(page=50, limit=20),
    ]

    for query in asked:
        # when
        Watched.reads = 0
        page = list_products(snapshot, query)
        reads = Watched.reads

        # then
        assert reads < 4_000, (query, reads)
        assert ([p.id for p in page.items], page.total) == reference_page(snapshot, products, query)
    assert find_product(snapshot, slug="item-12345") is snapshot.products_by_id["prod_12345"]


def test_search_stays_exact_across_many_changed_texts_and_the_rebuilds_they_cause() -> None:
    # given
    products = large_catalog(600)
    snapshot = CatalogSnapshot("proj", 1, "USD", products, list(CATEGORIES))
    current = {product.id: product for product in products}

    # when
    for round, product in enumerate(products[:500]):
        renamed = replace(product, search_text=f"round {round} renamed\nplain" if round % 3 else "gone")
        current[product.id] = renamed
        snapshot = snapshot.advanced(round + 2, {product.id: renamed})
        if round % 50 == 0:
            assert list_products(snapshot, ProductQuery(search="renamed", limit=100)).total == sum(
                "renamed" in p.search_text for p in current.values()
            )

    # then
    for needle in ("renamed", "round 49 ", "gone", "teapot", "plain"):
        found = {p.id for p in current.values() if needle in p.search_text}
        assert snapshot.index.text.find(needle, snapshot.products_by_id) == found, needle


def test_kept_searches_stay_exact_as_products_change_and_within_their_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr(catalog_index, "SEARCHES_KEPT_IDS", 600)
    products = large_catalog(1_000)
    snapshot = CatalogSnapshot("proj", 1, "USD", products, list(CATEGORIES))
    current = {product.id: product for product in products}
    needles = ["item 1", "item 2", "item 3", "item 4", "item 5", "item 6", "teapot", "renamed", "plain"]

    for round in range(4):
        # when
        for needle in needles:
            found = snapshot.index.text.find(needle, snapshot.products_by_id)

            # then
            assert found == {p.id for p in current.values() if needle in p.searched_text}, (round, needle)
            assert snapshot.index.text.kept_ids <= 600
        for product in products[round * 7 : round * 7 + 5]:
            renamed = replace(product, search_text=f"renamed {round}\nplain")
            current[product.id] = renamed
            snapshot = snapshot.advanced(snapshot.version + 1, {product.id: renamed})
        gone = products[900 + round]
        del current[gone.id]
        snapshot = snapshot.advanced(snapshot.version + 1, {gone.id: None})
