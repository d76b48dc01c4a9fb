"""Catalog import files: JSON or CSV read into typed records, each checked field by field.

Reading a file gives typed records, or for a bad record every reason it was refused with its line (CSV) or
index (JSON). A field the file does not mention (no such column or key) keeps its value when the record is
written; a blank one means empty.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from shopgraph import money
from shopgraph.errors import InvalidInput
from shopgraph.resolvers.catalog import ATTRIBUTE_NAME
from shopgraph.resolvers.catalog_admin import (
    PRODUCT_STATUSES,
    SLUG,
)

MAX_AMOUNT_MINOR = 10**15
MAX_COUNT = 2**31 - 1
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
SLUG_RULE = "lowercase letters and digits separated by '-', '_' or '.'"
PATH_SEPARATOR = ">"
LIST_SEPARATOR = "|"

ImportOutcome = Literal["created", "updated", "unchanged"]


class ImportFileError(InvalidInput):
    """The file cannot be imported at all: missing, unreadable, or not a catalog in JSON or CSV."""

    code = "IMPORT_FILE_UNUSABLE"


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
    status: str = "active"
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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _FieldReader:
    """Reads the fields of one record, noting every problem rather than stopping at the first."""

    def __init__(self, location: str, currency: str, rejections: list[Rejection] | None = None) -> None:
        self.location = location
        self.currency = currency
        self.rejections = [] if rejections is None else rejections

    def at(self, location: str) -> _FieldReader:
        return _FieldReader(location, self.currency, self.rejections)

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
        if _blank(value):
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
        if _blank(value):
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
        status = self.text(name, value, limit=20).lower() or "active"
        if status not in PRODUCT_STATUSES:
            self.reject(name, f"must be one of {', '.join(PRODUCT_STATUSES)}")
        return status

    def category(self, name: str, value: object) -> tuple[str, ...]:
        if _blank(value):
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
        if _blank(value):
            return ()
        items = value.split(LIST_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.reject(name, "must be a list of URLs")
            return ()
        return tuple(item.strip() for item in items if item.strip())

    def named_values(self, name: str, value: object, *, key_pattern: re.Pattern[str] | None = None) -> dict[str, Any]:
        if _blank(value):
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


def _rejected_or(record: ProductRecord, reader: _FieldReader) -> ImportRecord:
    return RejectedRecord(record.location, tuple(reader.rejections)) if reader.rejections else record


def _reject_repeated_skus(variants: Sequence[VariantRecord], reader: _FieldReader) -> None:
    first_seen: dict[str, VariantRecord] = {}
    for variant in variants:
        earlier = first_seen.setdefault(variant.sku, variant)
        if earlier is not variant:
            where = earlier.location if earlier.location != variant.location else earlier.sku_field
            reader.at(variant.location).reject(variant.sku_field, f"{variant.sku} repeats {where}")


def _reject_repeats_across_products(records: list[ImportRecord]) -> list[ImportRecord]:
    """A slug or SKU used by an earlier product of the same file refuses the later product."""
    slugs: dict[str, str] = {}
    skus: dict[str, str] = {}
    checked: list[ImportRecord] = []
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
        checked.append(record)
    return checked


# JSON


def records_from_json(text: str, currency: str) -> list[ImportRecord]:
    """A list of product objects, or `{"products": [...]}`; each is located by its index in that list."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"not valid JSON: {error}") from None
    items = document.get("products") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportFileError('JSON must be a list of products or {"products": [...]}')
    return _reject_repeats_across_products([_json_record(item, f"index {i}", currency) for i, item in enumerate(items)])


def _json_record(item: object, location: str, currency: str) -> ImportRecord:
    if not isinstance(item, dict):
        return RejectedRecord(location, (Rejection(location, "", "must be an object"),))
    reader = _FieldReader(location, currency)
    for key in sorted(set(item) - JSON_PRODUCT_KEYS):
        reader.reject(key, "unknown field")
    price = reader.amount("price", item.get("price"), required=True) or 0
    variants = _json_variants(reader, item.get("variants"), price)
    _reject_repeated_skus(variants, reader)
    record = ProductRecord(
        location=location,
        slug=reader.slug("slug", item.get("slug")),
        name=reader.text("name", item.get("name"), limit=300, required=True),
        price_minor=price,
        description=reader.text("description", item.get("description"), limit=100_000),
        compare_at_price_minor=reader.amount("compare_at_price", item.get("compare_at_price")),
        category=reader.category("category", item.get("category")),
        status=reader.status("status", item.get("status")),
        stock=reader.whole_number("stock", item.get("stock")),
        low_stock_threshold=reader.whole_number("low_stock_threshold", item.get("low_stock_threshold")),
        images=reader.images("images", item.get("images")),
        attributes=_json_named_values(reader, item, "attributes", key_pattern=ATTRIBUTE_NAME),
        variants=tuple(variants),
        given=frozenset(PRODUCT_FIELDS[key] for key in item.keys() & PRODUCT_FIELDS.keys()),
    )
    return _rejected_or(record, reader)


def _json_named_values(
    reader: _FieldReader,
    item: Mapping[str, Any],
    key: str,
    *,
    label: str = "",
    key_pattern: re.Pattern[str] | None = None,
) -> NamedValues:
    if key not in item:
        return NamedValues()
    return NamedValues(reader.named_values(label or key, item[key], key_pattern=key_pattern), names=None)


def _json_variants(reader: _FieldReader, value: object, product_price: int) -> list[VariantRecord]:
    if _blank(value):
        return []
    if not isinstance(value, list):
        reader.reject("variants", "must be a list")
        return []
    variants = [_json_variant(reader, item, f"variants[{i}]", product_price) for i, item in enumerate(value)]
    return [variant for variant in variants if variant is not None]


def _json_variant(reader: _FieldReader, item: object, prefix: str, product_price: int) -> VariantRecord | None:
    if not isinstance(item, dict):
        reader.reject(prefix, "must be an object")
        return None
    for key in sorted(set(item) - JSON_VARIANT_KEYS):
        reader.reject(f"{prefix}.{key}", "unknown field")
    sku = reader.text(f"{prefix}.sku", item.get("sku"), limit=100, required=True)
    options = _json_named_values(reader, item, "options", label=f"{prefix}.options")
    price = reader.amount(f"{prefix}.price", item.get("price"))
    return VariantRecord(
        location=reader.location,
        sku_field=f"{prefix}.sku",
        sku=sku,
        name=reader.text(f"{prefix}.name", item.get("name"), limit=300) or _default_variant_name(options.values, sku),
        price_minor=product_price if price is None else price,
        stock=reader.whole_number(f"{prefix}.stock", item.get("stock")),
        low_stock_threshold=reader.whole_number(f"{prefix}.low_stock_threshold", item.get("low_stock_threshold")),
        options=options,
        given=frozenset(VARIANT_FIELDS[key] for key in item.keys() & VARIANT_FIELDS.keys()),
    )


# CSV


@dataclass(frozen=True)
class _CsvHeader:
    columns: tuple[str, ...]

    @property
    def attribute_columns(self) -> list[str]:
        return [column for column in self.columns if column.startswith(ATTRIBUTE_PREFIX)]

    @property
    def option_columns(self) -> list[str]:
        return [column for column in self.columns if column.startswith(OPTION_PREFIX)]

    @property
    def variant_columns(self) -> list[str]:
        return [column for column in self.columns if column in CSV_VARIANT_COLUMNS or column.startswith(OPTION_PREFIX)]


@dataclass(frozen=True)
class _CsvRow:
    line: int
    cells: Mapping[str, str]

    @property
    def location(self) -> str:
        return f"line {self.line}"

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def records_from_csv(text: str, currency: str) -> list[ImportRecord]:
    """One row per variant (or per product without variants); rows with the same slug make one product."""
    rows = _numbered_rows(text)
    first = next(rows, None)
    header = _csv_header(None if first is None else first[1])
    entries = _group_rows_by_slug(header, rows)
    records = [
        entry if isinstance(entry, RejectedRecord) else _csv_record(header, entry, currency) for entry in entries
    ]
    return _reject_repeats_across_products(records)


def _csv_header(cells: list[str] | None) -> _CsvHeader:
    if not cells or not any(cell.strip() for cell in cells):
        raise ImportFileError("the CSV has no header row")
    columns = tuple(_column_name(cell) for cell in cells)
    for column in columns:
        _check_column(column, columns)
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")
    header = _CsvHeader(columns)
    if header.variant_columns and "variant_sku" not in columns:
        raise ImportFileError("variant columns need a variant_sku column")
    return header


def _column_name(cell: str) -> str:
    name = cell.strip()
    for prefix in (ATTRIBUTE_PREFIX, OPTION_PREFIX):
        if name.lower().startswith(prefix):
            return prefix + name[len(prefix) :].strip()
    return name.lower()


def _check_column(column: str, columns: tuple[str, ...]) -> None:
    if columns.count(column) > 1:
        raise ImportFileError(f"column {column!r} appears more than once")
    if column.startswith(ATTRIBUTE_PREFIX) or column.startswith(OPTION_PREFIX):
        name = column.partition(".")[2]
        if not ATTRIBUTE_NAME.match(name):
            raise ImportFileError(f"column {column!r}: names use letters, digits, '_', '-' and '.'")
    elif column not in CSV_PRODUCT_COLUMNS and column not in CSV_VARIANT_COLUMNS:
        raise ImportFileError(f"unknown column {column!r}")


def _numbered_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows that are not blank, with the line each starts on (a quoted cell may span lines)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for cells in rows:
            if any(cell.strip() for cell in cells):
                yield line, cells
            line = rows.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"line {rows.line_num}: {error}") from None


def _group_rows_by_slug(
    header: _CsvHeader, numbered_rows: Iterable[tuple[int, list[str]]]
) -> list[RejectedRecord | list[_CsvRow]]:
    entries: list[RejectedRecord | list[_CsvRow]] = []
    groups: dict[str, list[_CsvRow]] = {}
    for line, cells in numbered_rows:
        location = f"line {line}"
        if any(cell.strip() for cell in cells[len(header.columns) :]):
            entries.append(RejectedRecord(location, (Rejection(location, "", "more cells than the header has"),)))
            continue
        row = _CsvRow(line, dict(zip(header.columns, cells, strict=False)))
        slug = row.get("slug")
        if not slug:
            entries.append(RejectedRecord(location, (Rejection(location, "slug", "required"),)))
            continue
        if slug not in groups:
            groups[slug] = []
            entries.append(groups[slug])
        groups[slug].append(row)
    return entries


def _csv_record(header: _CsvHeader, rows: list[_CsvRow], currency: str) -> ImportRecord:
    first = rows[0]
    reader = _FieldReader(first.location, currency)
    for row in rows[1:]:
        _check_repeated_product_cells(header, first, row, reader.at(row.location))
    price = reader.amount("price", first.get("price"), required=True) or 0
    variants = [
        variant for row in rows if (variant := _csv_variant(header, row, reader.at(row.location), price)) is not None
    ]
    _reject_repeated_skus(variants, reader)
    attribute_columns = header.attribute_columns
    record = ProductRecord(
        location=first.location,
        slug=reader.slug("slug", first.get("slug")),
        name=reader.text("name", first.get("name"), limit=300, required=True),
        price_minor=price,
        description=reader.text("description", first.get("description"), limit=100_000),
        compare_at_price_minor=reader.amount("compare_at_price", first.get("compare_at_price")),
        category=reader.category("category", first.get("category")),
        status=reader.status("status", first.get("status")),
        stock=reader.whole_number("stock", first.get("stock")),
        low_stock_threshold=reader.whole_number("low_stock_threshold", first.get("low_stock_threshold")),
        images=reader.images("images", first.get("images")),
        attributes=_csv_named_values(reader, first, attribute_columns),
        variants=tuple(variants),
        given=frozenset(PRODUCT_FIELDS[column] for column in header.columns if column in PRODUCT_FIELDS),
    )
    return _rejected_or(record, reader)


def _check_repeated_product_cells(header: _CsvHeader, first: _CsvRow, row: _CsvRow, reader: _FieldReader) -> None:
    """A product's later rows leave its product cells blank or repeat them."""
    for column in header.columns:
        if column in CSV_VARIANT_COLUMNS or column.startswith(OPTION_PREFIX) or column == "slug":
            continue
        if row.get(column) and row.get(column) != first.get(column):
            reader.reject(column, f"differs from {first.location}")


def _csv_named_values(reader: _FieldReader, row: _CsvRow, columns: list[str]) -> NamedValues:
    values = {}
    for column in columns:
        name = column.partition(".")[2]
        if row.get(column) and reader.named_value(column, name, row.get(column)):
            values[name] = row.get(column)
    return NamedValues(values, names=frozenset(column.partition(".")[2] for column in columns))


def _csv_variant(header: _CsvHeader, row: _CsvRow, reader: _FieldReader, product_price: int) -> VariantRecord | None:
    if not any(row.get(column) for column in header.variant_columns):
        return None
    sku = reader.text("variant_sku", row.get("variant_sku"), limit=100, required=True)
    options = _csv_named_values(reader, row, header.option_columns)
    price = reader.amount("variant_price", row.get("variant_price"))
    return VariantRecord(
        location=row.location,
        sku_field="variant_sku",
        sku=sku,
        name=reader.text("variant_name", row.get("variant_name"), limit=300)
        or _default_variant_name(options.values, sku),
        price_minor=product_price if price is None else price,
        stock=reader.whole_number("variant_stock", row.get("variant_stock")),
        low_stock_threshold=reader.whole_number("variant_low_stock_threshold", row.get("variant_low_stock_threshold")),
        options=options,
        given=frozenset(
            VARIANT_FIELDS[CSV_VARIANT_COLUMNS[column]]
            for column in header.columns
            if CSV_VARIANT_COLUMNS.get(column) in VARIANT_FIELDS
        ),
    )


# Files

READERS: Mapping[str, Callable[[str, str], list[ImportRecord]]] = {".json": records_from_json, ".csv": records_from_csv}


def read_records(path: Path, currency: str) -> list[ImportRecord]:
    """The records of a `.json` or `.csv` file (UTF-8); raises ImportFileError when the file is unusable."""
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(f"{path}: not a .json or .csv file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ImportFileError(f"{path}: {error.strerror}") from None
    try:
        return reader(text, currency)
    except ImportFileError as error:
        raise ImportFileError(f"{path}: {error.message}") from None
