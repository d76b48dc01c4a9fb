"""Catalog import records: typed products and variants, each field checked, every problem noted.

JSON and CSV files name a record's fields alike (`price`, `stock`, ...), so one reading builds a record from either
(`import_files` finds the fields). A field the file does not mention (no such column or key) keeps its value when
the record is written; a blank one means empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from shopgraph import money
from shopgraph.db.models import ProductStatus
from shopgraph.domain.catalog.error_codes import CatalogErrorCode
from shopgraph.domain.catalog.names import SLUG
from shopgraph.domain.catalog.writes import PRODUCT_STATUSES
from shopgraph.errors import InvalidInput

MAX_AMOUNT_MINOR = 10**15
MAX_COUNT = 2**31 - 1
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
SLUG_RULE = "lowercase letters and digits separated by '-', '_' or '.'"
PATH_SEPARATOR = ">"
LIST_SEPARATOR = "|"

ImportOutcome = Literal["created", "updated", "unchanged"]


class ImportFileError(InvalidInput):
    """The file cannot be imported at all: missing, unreadable, or not a catalog in JSON or CSV."""

    code = CatalogErrorCode.IMPORT_FILE_UNUSABLE


@dataclass(frozen=True)
class Rejection:
    location: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.reason}" if self.field else f"{self.location}: {self.reason}"


@dataclass(frozen=True)
class NamedValues:
    """Attributes or options from a file: a JSON object replaces them all, CSV columns set only their names."""

    values: Mapping[str, Any] = field(default_factory=dict)
    names: frozenset[str] | None = frozenset()

    def applied_to(self, current: Mapping[str, Any]) -> dict[str, Any]:
        kept = {} if self.names is None else {k: v for k, v in current.items() if k not in self.names}
        return kept | dict(self.values)


@dataclass(frozen=True)
class VariantRecord:
    """A variant by SKU; `given` names the optional fields the file sets (the rest keep their values)."""

    location: str
    sku_field: str
    sku: str
    name: str
    price_minor: int
    stock: int | None = None
    low_stock_threshold: int | None = None
    options: NamedValues = NamedValues()
    given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProductRecord:
    """A product by slug; `given` names the optional fields the file sets (the rest keep their values)."""

    location: str
    slug: str
    name: str
    price_minor: int
    description: str = ""
    compare_at_price_minor: int | None = None
    category: tuple[str, ...] = ()
    status: str = ProductStatus.ACTIVE
    stock: int | None = None
    low_stock_threshold: int | None = None
    images: tuple[str, ...] = ()
    attributes: NamedValues = NamedValues()
    variants: tuple[VariantRecord, ...] = ()
    given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RejectedRecord:
    location: str
    rejections: tuple[Rejection, ...]


ImportRecord = ProductRecord | RejectedRecord


class ImportRecords(Protocol):
    """The records of a file, counted before they are read (a list, or a CSV read as it is imported)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[ImportRecord]: ...


PRODUCT_FIELDS = {
    "description": "description",
    "compare_at_price": "compare_at_price_minor",
    "category": "category",
    "status": "status",
    "stock": "stock",
    "low_stock_threshold": "low_stock_threshold",
    "images": "images",
}
VARIANT_FIELDS = {
    "name": "name",
    "price": "price_minor",
    "stock": "stock",
    "low_stock_threshold": "low_stock_threshold",
}
JSON_PRODUCT_KEYS = frozenset({"slug", "name", "price", "attributes", "variants", *PRODUCT_FIELDS})
JSON_VARIANT_KEYS = frozenset({"sku", "options", *VARIANT_FIELDS})
CSV_VARIANT_COLUMNS = {f"variant_{name}": name for name in ("sku", *VARIANT_FIELDS)}
CSV_PRODUCT_COLUMNS = frozenset({"slug", "name", "price", *PRODUCT_FIELDS})
CSV_REQUIRED_COLUMNS = ("slug", "name", "price")
ATTRIBUTE_PREFIX = "attr."
OPTION_PREFIX = "variant_option."


# Reading the values of one record


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class FieldReader:
    """Reads the fields of one record, noting every problem rather than stopping at the first."""

    def __init__(self, location: str, currency: str, rejections: list[Rejection] | None = None) -> None:
        self.location = location
        self.currency = currency
        self.rejections = [] if rejections is None else rejections

    def at(self, location: str) -> FieldReader:
        return FieldReader(location, self.currency, self.rejections)

    def reject(self, name: str, reason: str) -> None:
        self.rejections.append(Rejection(self.location, name, reason))

    def text(self, name: str, value: object, *, limit: int, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.reject(name, "must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.reject(name, "required")
        elif len(value) > limit:
            self.reject(name, f"longer than {limit} characters")
        return value

    def slug(self, name: str, value: object) -> str:
        slug = self.text(name, value, limit=200, required=True)
        if slug and not SLUG.match(slug):
            self.reject(name, SLUG_RULE)
        return slug

    def amount(self, name: str, value: object, *, required: bool = False) -> int | None:
        if blank(value):
            if required:
                self.reject(name, "required")
            return None
        try:
            minor = money.parse_amount(value, self.currency)
        except ValueError as error:
            self.reject(name, str(error))
            return None
        return self._in_range(name, minor, MAX_AMOUNT_MINOR)

    def whole_number(self, name: str, value: object) -> int | None:
        if blank(value):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str) or not WHOLE_NUMBER.match(str(value).strip()):
            self.reject(name, "must be a whole number")
            return None
        return self._in_range(name, int(value), MAX_COUNT)

    def _in_range(self, name: str, number: int, limit: int) -> int | None:
        if number < 0:
            self.reject(name, "must not be negative")
            return None
        if number > limit:
            self.reject(name, "too large")
            return None
        return number

    def status(self, name: str, value: object) -> str:
        status = self.text(name, value, limit=20).lower() or ProductStatus.ACTIVE
        if status not in PRODUCT_STATUSES:
            self.reject(name, f"must be one of {', '.join(PRODUCT_STATUSES)}")
        return status

    def category(self, name: str, value: object) -> tuple[str, ...]:
        if blank(value):
            return ()
        parts = value.split(PATH_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(parts, list | tuple) or not all(isinstance(part, str) for part in parts):
            self.reject(name, f"must be a path such as 'Apparel {PATH_SEPARATOR} T-Shirts'")
            return ()
        path = tuple(part.strip() for part in parts)
        if not all(path):
            self.reject(name, "a category name in the path is empty")
        elif any(len(part) > 200 for part in path):
            self.reject(name, "a category name is longer than 200 characters")
        return path

    def images(self, name: str, value: object) -> tuple[str, ...]:
        if blank(value):
            return ()
        items = value.split(LIST_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.reject(name, "must be a list of URLs")
            return ()
        return tuple(item.strip() for item in items if item.strip())

    def named_values(self, name: str, value: object, *, key_pattern: re.Pattern[str] | None = None) -> dict[str, Any]:
        if blank(value):
            return {}
        if not isinstance(value, dict):
            self.reject(name, "must be an object")
            return {}
        values: dict[str, Any] = {}
        for key, item in value.items():
            if self.named_value(f"{name}.{key}", key, item, key_pattern=key_pattern):
                values[key] = item
        return values

    def named_value(self, name: str, key: str, value: object, *, key_pattern: re.Pattern[str] | None = None) -> bool:
        if key_pattern is not None and not key_pattern.match(key):
            self.reject(name, "names use letters, digits, '_', '-' and '.'")
            return False
        scalars = value if isinstance(value, list) else [value]
        if not all(isinstance(scalar, str | int | float | bool) for scalar in scalars):
            self.reject(name, "must be text, a number, true/false, or a list of them")
            return False
        if len(str(value)) > 500:
            self.reject(name, "longer than 500 characters")
            return False
        return True


def _default_variant_name(options: Mapping[str, Any], sku: str) -> str:
    return " / ".join(str(value) for value in options.values())[:300] or sku


def _rejected_or(record: ProductRecord, reader: FieldReader) -> ImportRecord:
    return RejectedRecord(record.location, tuple(reader.rejections)) if reader.rejections else record


def _reject_repeated_skus(variants: Sequence[VariantRecord], reader: FieldReader) -> None:
    first_seen: dict[str, VariantRecord] = {}
    for variant in variants:
        earlier = first_seen.setdefault(variant.sku, variant)
        if earlier is not variant:
            where = earlier.location if earlier.location != variant.location else earlier.sku_field
            reader.at(variant.location).reject(variant.sku_field, f"{variant.sku} repeats {where}")


def reject_repeats_across_products(records: Iterable[ImportRecord]) -> Iterator[ImportRecord]:
    """A slug or SKU used by an earlier product of the same file refuses the later product."""
    slugs: dict[str, str] = {}
    skus: dict[str, str] = {}
    for record in records:
        if isinstance(record, ProductRecord):
            rejections = [
                Rejection(variant.location, variant.sku_field, f"{variant.sku} is also in {skus[variant.sku]}")
                for variant in record.variants
                if variant.sku in skus
            ]
            if record.slug in slugs:
                rejections.insert(0, Rejection(record.location, "slug", f"repeats {slugs[record.slug]}"))
            if rejections:
                record = RejectedRecord(record.location, tuple(rejections))
            else:
                slugs[record.slug] = record.location
                skus |= {variant.sku: f"{record.slug} ({record.location})" for variant in record.variants}
        yield record


Get = Callable[[str], object]


def product_record(
    reader: FieldReader,
    get: Get,
    *,
    variants_of: Callable[[int], list[VariantRecord]],
    attributes_of: Callable[[], NamedValues],
    given: frozenset[str],
) -> ImportRecord:
    """The product whose fields `get` finds by name; `variants_of(price)` reads its variants, which default to the
    product's price."""
    price = reader.amount("price", get("price"), required=True) or 0
    variants = variants_of(price)
    _reject_repeated_skus(variants, reader)
    record = ProductRecord(
        location=reader.location,
        slug=reader.slug("slug", get("slug")),
        name=reader.text("name", get("name"), limit=300, required=True),
        price_minor=price,
        description=reader.text("description", get("description"), limit=100_000),
        compare_at_price_minor=reader.amount("compare_at_price", get("compare_at_price")),
        category=reader.category("category", get("category")),
        status=reader.status("status", get("status")),
        stock=reader.whole_number("stock", get("stock")),
        low_stock_threshold=reader.whole_number("low_stock_threshold", get("low_stock_threshold")),
        images=reader.images("images", get("images")),
        attributes=attributes_of(),
        variants=tuple(variants),
        given=given,
    )
    return _rejected_or(record, reader)


def variant_record(
    reader: FieldReader,
    get: Get,
    *,
    field_name: Callable[[str], str],
    product_price: int,
    options_of: Callable[[], NamedValues],
    given: frozenset[str],
) -> VariantRecord:
    """The variant whose fields `get` finds by name; `field_name` says how the file names them in a rejection."""
    sku = reader.text(field_name("sku"), get("sku"), limit=100, required=True)
    options = options_of()
    price = reader.amount(field_name("price"), get("price"))
    return VariantRecord(
        location=reader.location,
        sku_field=field_name("sku"),
        sku=sku,
        name=reader.text(field_name("name"), get("name"), limit=300) or _default_variant_name(options.values, sku),
        price_minor=product_price if price is None else price,
        stock=reader.whole_number(field_name("stock"), get("stock")),
        low_stock_threshold=reader.whole_number(field_name("low_stock_threshold"), get("low_stock_threshold")),
        options=options,
        given=given,
    )
