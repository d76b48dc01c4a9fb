"""Catalog import files, JSON or CSV, read into records: a bad record with every reason it was refused, located by
its index (JSON) or its line (CSV).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from shopgraph.domain.catalog.import_records import (
    ATTRIBUTE_PREFIX,
    CSV_PRODUCT_COLUMNS,
    CSV_REQUIRED_COLUMNS,
    CSV_VARIANT_COLUMNS,
    JSON_PRODUCT_KEYS,
    JSON_VARIANT_KEYS,
    OPTION_PREFIX,
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    FieldReader,
    ImportFileError,
    ImportRecord,
    ImportRecords,
    NamedValues,
    RejectedRecord,
    Rejection,
    VariantRecord,
    blank,
    product_record,
    reject_repeats_across_products,
    variant_record,
)
from shopgraph.domain.catalog.names import ATTRIBUTE_NAME
from shopgraph.unstorable_text import NUL, UNSTORABLE_MESSAGE, nul_location

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
    return list(
        reject_repeats_across_products(_json_record(item, f"index {i}", currency) for i, item in enumerate(items))
    )


def _json_record(item: object, location: str, currency: str) -> ImportRecord:
    if not isinstance(item, dict):
        return RejectedRecord(location, (Rejection(location, "", "must be an object"),))
    where = nul_location(item)
    if where:
        return RejectedRecord(location, (Rejection(location, where, UNSTORABLE_MESSAGE),))
    reader = FieldReader(location, currency)
    for key in sorted(set(item) - JSON_PRODUCT_KEYS):
        reader.reject(key, "unknown field")
    return product_record(
        reader,
        item.get,
        variants_of=lambda price: _json_variants(reader, item.get("variants"), price),
        attributes_of=lambda: _json_named_values(reader, item, "attributes", key_pattern=ATTRIBUTE_NAME),
        given=frozenset(PRODUCT_FIELDS[key] for key in item.keys() & PRODUCT_FIELDS.keys()),
    )


def _json_named_values(
    reader: FieldReader,
    item: Mapping[str, Any],
    key: str,
    *,
    label: str = "",
    key_pattern: re.Pattern[str] | None = None,
) -> NamedValues:
    if key not in item:
        return NamedValues()
    return NamedValues(reader.named_values(label or key, item[key], key_pattern=key_pattern), names=None)


def _json_variants(reader: FieldReader, value: object, product_price: int) -> list[VariantRecord]:
    if blank(value):
        return []
    if not isinstance(value, list):
        reader.reject("variants", "must be a list")
        return []
    variants = [_json_variant(reader, item, f"variants[{i}]", product_price) for i, item in enumerate(value)]
    return [variant for variant in variants if variant is not None]


def _json_variant(reader: FieldReader, item: object, prefix: str, product_price: int) -> VariantRecord | None:
    if not isinstance(item, dict):
        reader.reject(prefix, "must be an object")
        return None
    for key in sorted(set(item) - JSON_VARIANT_KEYS):
        reader.reject(f"{prefix}.{key}", "unknown field")
    return variant_record(
        reader,
        item.get,
        field_name=lambda name: f"{prefix}.{name}",
        product_price=product_price,
        options_of=lambda: _json_named_values(reader, item, "options", label=f"{prefix}.options"),
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
    return list(CsvRecords(lambda: io.StringIO(text, newline=""), currency))


class CsvRecords:
    """The records of a CSV read in two passes over the file, holding only what a record needs while it is read.

    The first pass checks the header and the CSV syntax (an unusable file is refused before anything is written),
    counts the records and notes each slug's last row; the second yields each product once its last row is read,
    in the order the slugs first appear, so rows of one product need not be next to each other."""

    def __init__(self, open_text: Callable[[], IO[str]], currency: str) -> None:
        self.open_text = open_text
        self.currency = currency
        with open_text() as file:
            rows = _numbered_rows(file)
            first = next(rows, None)
            self.header = _csv_header(None if first is None else first[1])
            self.last_row: dict[str, int] = {}
            self.total = 0
            for index, (_line, cells) in enumerate(rows):
                slug = self._slug(cells)
                if slug is None:
                    self.total += 1
                    continue
                self.total += slug not in self.last_row
                self.last_row[slug] = index

    def __len__(self) -> int:
        return self.total

    def _slug(self, cells: list[str]) -> str | None:
        """The row's slug, or None for a row that is refused on its own."""
        if any(cell.strip() for cell in cells[len(self.header.columns) :]):
            return None
        return dict(zip(self.header.columns, cells, strict=False)).get("slug", "").strip() or None

    def __iter__(self) -> Iterator[ImportRecord]:
        return reject_repeats_across_products(self._records())

    def _records(self) -> Iterator[ImportRecord]:
        with self.open_text() as file:
            rows = _numbered_rows(file)
            next(rows, None)
            rejected: dict[int, RejectedRecord] = {}
            grouped: dict[int, list[_CsvRow]] = {}
            open_groups: dict[str, int] = {}
            ready: set[int] = set()
            order = next_out = 0
            for index, (line, cells) in enumerate(rows):
                location = f"line {line}"
                row = _CsvRow(line, dict(zip(self.header.columns, cells, strict=False)))
                slug = row.get("slug")
                extra_cells = any(cell.strip() for cell in cells[len(self.header.columns) :])
                if extra_cells or not slug:
                    reason = (
                        Rejection(location, "", "more cells than the header has")
                        if extra_cells
                        else Rejection(location, "slug", "required")
                    )
                    rejected[order] = RejectedRecord(location, (reason,))
                    ready.add(order)
                    order += 1
                else:
                    if slug not in open_groups:
                        open_groups[slug] = order
                        grouped[order] = []
                        order += 1
                    grouped[open_groups[slug]].append(row)
                    if self.last_row.get(slug, index) <= index:
                        ready.add(open_groups.pop(slug))
                while next_out in ready:
                    ready.remove(next_out)
                    if next_out in rejected:
                        yield rejected.pop(next_out)
                    else:
                        yield _csv_record(self.header, grouped.pop(next_out), self.currency)
                    next_out += 1
            # Only a file changed between the passes leaves products unfinished here.
            for left in sorted(rejected.keys() | grouped.keys()):
                yield rejected[left] if left in rejected else _csv_record(self.header, grouped[left], self.currency)


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


def _numbered_rows(file: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """The rows that are not blank, with the line each starts on (a quoted cell may span lines)."""
    rows = csv.reader(file)
    line = 1
    try:
        for cells in rows:
            if any(cell.strip() for cell in cells):
                yield line, cells
            line = rows.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"line {rows.line_num}: {error}") from None


def _csv_record(header: _CsvHeader, rows: list[_CsvRow], currency: str) -> ImportRecord:
    first = rows[0]
    unstorable = tuple(
        Rejection(row.location, column, UNSTORABLE_MESSAGE)
        for row in rows
        for column, cell in row.cells.items()
        if NUL in cell
    )
    if unstorable:
        return RejectedRecord(first.location, unstorable)
    reader = FieldReader(first.location, currency)
    for row in rows[1:]:
        _check_repeated_product_cells(header, first, row, reader.at(row.location))

    def variants_of(price: int) -> list[VariantRecord]:
        variants = (_csv_variant(header, row, reader.at(row.location), price) for row in rows)
        return [variant for variant in variants if variant is not None]

    return product_record(
        reader,
        first.get,
        variants_of=variants_of,
        attributes_of=lambda: _csv_named_values(reader, first, header.attribute_columns),
        given=frozenset(PRODUCT_FIELDS[column] for column in header.columns if column in PRODUCT_FIELDS),
    )


def _check_repeated_product_cells(header: _CsvHeader, first: _CsvRow, row: _CsvRow, reader: FieldReader) -> None:
    """A product's later rows leave its product cells blank or repeat them."""
    for column in header.columns:
        if column in CSV_VARIANT_COLUMNS or column.startswith(OPTION_PREFIX) or column == "slug":
            continue
        if row.get(column) and row.get(column) != first.get(column):
            reader.reject(column, f"differs from {first.location}")


def _csv_named_values(reader: FieldReader, row: _CsvRow, columns: list[str]) -> NamedValues:
    values = {}
    for column in columns:
        name = column.partition(".")[2]
        if row.get(column) and reader.named_value(column, name, row.get(column)):
            values[name] = row.get(column)
    return NamedValues(values, names=frozenset(column.partition(".")[2] for column in columns))


def _csv_variant(header: _CsvHeader, row: _CsvRow, reader: FieldReader, product_price: int) -> VariantRecord | None:
    if not any(row.get(column) for column in header.variant_columns):
        return None
    return variant_record(
        reader,
        lambda name: row.get(f"variant_{name}"),
        field_name=lambda name: f"variant_{name}",
        product_price=product_price,
        options_of=lambda: _csv_named_values(reader, row, header.option_columns),
        given=frozenset(
            VARIANT_FIELDS[CSV_VARIANT_COLUMNS[column]]
            for column in header.columns
            if CSV_VARIANT_COLUMNS.get(column) in VARIANT_FIELDS
        ),
    )


# Files


def read_records(path: Path, currency: str) -> ImportRecords:
    """The records of a `.json` or `.csv` file (UTF-8); raises ImportFileError when the file is unusable.

    A CSV is read as it is imported rather than all at once (the first pass over it checks the whole file)."""
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ImportFileError(f"{path}: not a .json or .csv file")
    try:
        if suffix == ".csv":
            return CsvRecords(lambda: path.open(encoding="utf-8-sig", newline=""), currency)
        with path.open(encoding="utf-8-sig", newline="") as file:
            text = file.read()
        return records_from_json(text, currency)
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ImportFileError(f"{path}: {error.strerror}") from None
    except ImportFileError as error:
        raise ImportFileError(f"{path}: {error.message}") from None
