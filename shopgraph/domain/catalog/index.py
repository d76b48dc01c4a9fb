"""The products of a catalog snapshot, indexed for the storefront's queries and changed one product at a time.

Each sort keeps its products in a list ordered by a unique key, so a product goes in or out with a bisection;
categories, attribute values and "in stock" keep sets of product ids; search runs `str.find` over all the texts
joined into one string. Nothing here awaits: a change is applied whole between two requests' steps.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopgraph.domain.catalog.snapshot import ProductView

SortKey = Callable[["ProductView"], tuple[Any, ...]]
IdSet = set[str] | frozenset[str]

# Between two products' texts in the searched string: a search for text holding it looks at every product.
_BETWEEN = "\x00"
_EMPTY: frozenset[str] = frozenset()
# The ids that searches' results kept for their next asking may hold in all (about 30 bytes each).
SEARCHES_KEPT_IDS = 250_000


def attribute_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).casefold()


def attribute_values(attributes: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The (name, value) pairs an `attr.<name>=<value>` filter matches, values compared casefolded."""
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                yield name, attribute_text(item)


@dataclass(frozen=True)
class Ordering:
    """Products in one sort's order: `products` ascends by `key`, and the sort reads it backwards if `descending`."""

    key: SortKey
    descending: bool
    products: list[ProductView]
    # 1 when `key` starts with the price, -1 when with the price negated.
    price_sign: int | None = None

    def add(self, product: ProductView) -> None:
        insort(self.products, product, key=self.key)

    def remove(self, product: ProductView) -> None:
        at = bisect_left(self.products, self.key(product), key=self.key)
        if at < len(self.products) and self.products[at].id == product.id:
            del self.products[at]

    def __iter__(self) -> Iterator[ProductView]:
        return reversed(self.products) if self.descending else iter(self.products)

    def top(self, count: int, products: Collection[ProductView]) -> list[ProductView]:
        """The first `count` of `products` in this order."""
        if count * 16 >= len(products):
            # A heap keeps `count` keys in Python's hands; for a large share of the products a sort costs less.
            return sorted(products, key=self.key, reverse=self.descending)[:count]
        pick = heapq.nlargest if self.descending else heapq.nsmallest
        return pick(count, products, key=self.key)

    def price_span(self, low: int | None, high: int | None) -> range | None:
        """The positions in `products` priced within [low, high]; None unless the list is ordered by price first."""
        if self.price_sign is None:
            return None
        if self.price_sign < 0:
            low, high = (None if high is None else -high), (None if low is None else -low)
        start = 0 if low is None else bisect_left(self.products, (low,), key=self.key)
        stop = len(self.products) if high is None else bisect_left(self.products, (high + 1,), key=self.key)
        return range(start, max(start, stop))


def _by_created(product: ProductView) -> tuple[Any, ...]:
    return (product.created_at, product.id)


def _by_price_then_created(product: ProductView) -> tuple[Any, ...]:
    return (product.price_minor, product.created_at, product.id)


def _by_price_descending_then_created(product: ProductView) -> tuple[Any, ...]:
    return (-product.price_minor, product.created_at, product.id)


def _by_name(product: ProductView) -> tuple[Any, ...]:
    return (product.name.casefold(), product.id)


class TextScan:
    """Every product's text in one string, searched with `str.find`: a match is mapped to its product by bisection.

    A product whose text changed after the string was built is checked on its own until the string is rebuilt,
    which happens on a search once enough texts have changed. The results of recent searches are kept, and kept
    exact as products change, since a storefront asks the same words again for each page and sort."""

    def __init__(self) -> None:
        self._text = ""
        self._starts = array("q")
        self._owners: list[str] = []
        self._built = False
        self._changed: set[str] = set()
        self._kept: OrderedDict[str, set[str]] = OrderedDict()
        self._kept_ids = 0

    def changed(self, product_id: str, product: ProductView | None) -> None:
        """`product` (None: no product) now stands where the product with this id was, with a new text."""
        if self._built:
            self._changed.add(product_id)
        text = product.searched_text if product is not None else None
        for needle, found in self._kept.items():
            before = len(found)
            if text is not None and needle in text:
                found.add(product_id)
            else:
                found.discard(product_id)
            self._kept_ids += len(found) - before

    @property
    def kept_ids(self) -> int:
        return self._kept_ids

    def find(self, needle: str, products: dict[str, ProductView]) -> IdSet:
        """The ids of the products whose text holds `needle`; the caller must not change the set."""
        kept = self._kept.get(needle)
        if kept is not None:
            self._kept.move_to_end(needle)
            return kept
        found = self._scan(needle, products)
        self._keep(needle, found)
        return found

    def _keep(self, needle: str, found: set[str]) -> None:
        if len(found) > SEARCHES_KEPT_IDS // 4:
            return
        self._kept[needle] = found
        self._kept_ids += len(found)
        while self._kept_ids > SEARCHES_KEPT_IDS:
            _, dropped = self._kept.popitem(last=False)
            self._kept_ids -= len(dropped)

    def _scan(self, needle: str, products: dict[str, ProductView]) -> set[str]:
        if _BETWEEN in needle:
            return {p.id for p in products.values() if needle in p.searched_text}
        if not self._built or len(self._changed) > max(256, len(products) // 16):
            self.build(products)
        text, starts, owners, changed = self._text, self._starts, self._owners, self._changed
        found = {id for id in changed if (p := products.get(id)) is not None and needle in p.searched_text}
        at = text.find(needle)
        while at != -1:
            owner = bisect_right(starts, at) - 1
            product_id = owners[owner]
            if product_id not in changed:  # a product removed or added since the build is among the changed
                found.add(product_id)
            at = text.find(needle, starts[owner + 1]) if owner + 1 < len(owners) else -1
        return found

    def build(self, products: dict[str, ProductView]) -> None:
        texts = [p.searched_text for p in products.values()]
        self._text = _BETWEEN.join(texts)
        self._starts = array("q", accumulate((len(text) + 1 for text in texts), initial=0))
        self._owners = list(products)
        self._changed = set()
        self._built = True


class CatalogIndex:
    def __init__(self, products: Iterable[ProductView]) -> None:
        self.by_id: dict[str, ProductView] = {}
        self.by_slug: dict[str, ProductView] = {}
        self.orderings: dict[str, Ordering] = {}
        self.by_category: dict[str | None, set[str]] = {}
        self.by_attribute: dict[tuple[str, str], set[str]] = {}
        self.in_stock: set[str] = set()
        self.text = TextScan()
        self._category_members: dict[frozenset[str], frozenset[str]] = {}
        products = list(products)
        for product in products:
            self._add_to_sets(product)
        self.orderings = {
            sort: Ordering(key, descending, sorted(products, key=key), price_sign)
            for sort, (key, descending, price_sign) in ORDERINGS.items()
        }
        self.text.build(self.by_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def replace(self, product_id: str, product: ProductView | None) -> None:
        """Puts `product` (or nothing) where the product with this id was."""
        old = self.by_id.get(product_id)
        if old is not None:
            self._remove_from_sets(old)
            for ordering in self.orderings.values():
                ordering.remove(old)
        if product is not None:
            self._add_to_sets(product)
            for ordering in self.orderings.values():
                ordering.add(product)
        if old is None or product is None or old.category_id != product.category_id:
            self._category_members.clear()
        if old is None or product is None or old.searched_text != product.searched_text:
            self.text.changed(product_id, product)

    def _add_to_sets(self, product: ProductView) -> None:
        self.by_id[product.id] = product
        self.by_slug[product.slug] = product
        self.by_category.setdefault(product.category_id, set()).add(product.id)
        for pair in attribute_values(product.attributes):
            self.by_attribute.setdefault(pair, set()).add(product.id)
        if product.in_stock:
            self.in_stock.add(product.id)

    def _remove_from_sets(self, product: ProductView) -> None:
        del self.by_id[product.id]
        if self.by_slug.get(product.slug) is product:
            del self.by_slug[product.slug]
        _discard(self.by_category, product.category_id, product.id)
        for pair in attribute_values(product.attributes):
            _discard(self.by_attribute, pair, product.id)
        self.in_stock.discard(product.id)

    def in_categories(self, category_ids: frozenset[str]) -> frozenset[str]:
        members = self._category_members.get(category_ids)
        if members is None:
            members = frozenset().union(*(self.by_category.get(id, _EMPTY) for id in category_ids))
            self._category_members[category_ids] = members
        return members

    def page(self, sort: str, wanted: Filters, start: int, count: int) -> tuple[list[ProductView], int]:
        """The `count` products from position `start` of those matching `wanted`, in `sort` order, and their total.

        The filters with an index narrow the candidates first (smallest set first); the page is then either the
        first matches met walking the sort's order, when they are dense, or the top of the candidates."""
        ordering = self.orderings[sort]
        sets: list[IdSet] = []
        if wanted.category_ids is not None:
            sets.append(self.in_categories(wanted.category_ids))
        sets.extend(self.by_attribute.get(pair, _EMPTY) for pair in wanted.attributes)
        if wanted.in_stock:
            sets.append(self.in_stock)
        if wanted.search:
            sets.append(self.text.find(wanted.search, self.by_id))
        priced = wanted.min_price is not None or wanted.max_price is not None
        by_price = self.orderings[PRICE_ORDERING]
        in_price = by_price.price_span(wanted.min_price, wanted.max_price) if priced else None

        if not sets:
            if in_price is None:
                return list(islice(ordering, start, start + count)), len(self.by_id)
            span = ordering.price_span(wanted.min_price, wanted.max_price)
            if span is not None:
                products = ordering.products[span.start : span.stop]
                matched: Iterable[ProductView] = reversed(products) if ordering.descending else products
                return list(islice(matched, start, start + count)), len(span)
            return self._page_of(
                ordering,
                len(in_price),
                lambda product: wanted.price_admits(product.price_minor),
                lambda: by_price.products[in_price.start : in_price.stop],
                start,
                count,
            )

        smallest, *others = sorted(sets, key=len)
        ids = smallest.intersection(*others) if others else smallest
        if in_price is not None:
            if len(in_price) < len(ids):
                ids = {p.id for p in by_price.products[in_price.start : in_price.stop] if p.id in ids}
            else:
                ids = {id for id in ids if wanted.price_admits(self.by_id[id].price_minor)}
        chosen = ids
        return self._page_of(
            ordering, len(chosen), lambda p: p.id in chosen, lambda: [self.by_id[id] for id in chosen], start, count
        )

    def _page_of(
        self,
        ordering: Ordering,
        total: int,
        matches: Callable[[ProductView], bool],
        candidates: Callable[[], Collection[ProductView]],
        start: int,
        count: int,
    ) -> tuple[list[ProductView], int]:
        if start >= total:
            return [], total
        wanted = start + count
        walk = wanted * len(self.by_id) // total  # products met before the page ends, were matches spread evenly
        if walk <= total:
            # Matches dense enough that walking the sort's order to the end of the page meets fewer products
            # than ranking every candidate would. They may not be spread evenly (a search for a word names start
            # with, sorted by name), so the walk stops at twice its expected length and ranks instead.
            budget = 2 * walk + count
            found = list(islice(filter(matches, islice(ordering, budget)), wanted))
            if len(found) == wanted or budget >= len(self.by_id):
                return found[start:], total
        return ordering.top(wanted, candidates())[start:], total


@dataclass(frozen=True)
class Filters:
    category_ids: frozenset[str] | None = None
    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    attributes: tuple[tuple[str, str], ...] = ()

    def price_admits(self, price: int) -> bool:
        return (self.min_price is None or price >= self.min_price) and (
            self.max_price is None or price <= self.max_price
        )


def _discard(index: dict[Any, set[str]], key: object, product_id: str) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(product_id)
        if not members:
            del index[key]


PRICE_ORDERING = "price_desc"
# Each sort as a unique ascending key and a direction. Newest first is descending (created_at, id); price ascending
# breaks ties newest first, as a stable sort of the newest-first list by price does, and so does price descending.
ORDERINGS: dict[str, tuple[SortKey, bool, int | None]] = {
    "created_at": (_by_created, True, None),
    "price_asc": (_by_price_descending_then_created, True, -1),
    "price_desc": (_by_price_then_created, True, 1),
    "name_asc": (_by_name, False, None),
}
