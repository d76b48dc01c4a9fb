"""`shopgraph import`: products from JSON and CSV, matched by slug and SKU, bad records refused by their line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shopgraph.db.models import Category, Product, ProductAttribute, Project
from shopgraph.domain.catalog.import_files import read_records, records_from_csv, records_from_json
from shopgraph.domain.catalog.import_records import ImportFileError, RejectedRecord
from shopgraph.domain.catalog.imports import ImportSummary, import_products
from shopgraph.runtime import Runtime
from tests.support.cli import cli_in, succeeded
from tests.support.factories import Store, make_product, make_store, product_ids

DATA = Path(__file__).parent / "data"
SAMPLE_CSV = DATA / "products.csv"
SAMPLE_JSON = DATA / "products.json"
WITH_ERRORS_CSV = DATA / "products_with_errors.csv"
ACTIVE_SAMPLE_SLUGS = {"linen-shirt", "enamel-mug", "wool-socks"}

MUG_CSV = """slug,name,price,stock
enamel-mug,Enamel Mug,14.50,40
"""
SHIRT_CSV = """slug,name,price,variant_sku,variant_name,variant_price,variant_stock
linen-shirt,Linen Shirt,49.00,LINEN-S,Small,,12
linen-shirt,,,LINEN-M,Medium,,8
"""


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    return summary.created, summary.updated, summary.unchanged, summary.rejected


async def import_file(runtime: Runtime, store: Store, path: Path, *, dry_run: bool = False) -> ImportSummary:
    return await import_products(runtime.database, store.id, read_records(path, "USD"), dry_run=dry_run)


async def import_csv(runtime: Runtime, store: Store, text: str, *, dry_run: bool = False) -> ImportSummary:
    return await import_products(runtime.database, store.id, records_from_csv(text, "USD"), dry_run=dry_run)


async def catalog_version(runtime: Runtime, store: Store) -> int:
    async with runtime.database.read() as session:
        version = await session.scalar(select(Project.catalog_version).where(Project.id == store.id))
    assert version is not None
    return version


async def category_paths(client: httpx.AsyncClient, store: Store) -> dict[str, str]:
    """Every category id with its path, such as `Apparel > Shirts`."""
    response = await client.get(store.aerocall("/categories"), headers=store.auth)
    paths: dict[str, str] = {}

    def walk(categories: list[dict[str, Any]], parent: str) -> None:
        for category in categories:
            paths[category["id"]] = f"{parent}{category['name']}"
            walk(category["children"], f"{paths[category['id']]} > ")

    walk(response.json()["categories"], "")
    return paths


async def attribute_rows(runtime: Runtime, store: Store, slug: str) -> dict[str, str]:
    async with runtime.database.read() as session:
        rows = await session.execute(
            select(ProductAttribute.name, ProductAttribute.value)
            .join(Product, Product.id == ProductAttribute.product_id)
            .where(Product.project_id == store.id, Product.slug == slug)
        )
    return {name: value for name, value in rows}


def variants_of(product: dict[str, Any]) -> list[tuple[str, str, float, int | None, dict[str, Any]]]:
    return [(v["sku"], v["name"], v["price"], v["stock"], v["options"]) for v in product["variants"]]


@pytest.mark.parametrize("sample", [SAMPLE_CSV, SAMPLE_JSON], ids=["csv", "json"])
async def test_a_sample_file_loads_products_with_variants_categories_and_attributes(
    runtime: Runtime, client: httpx.AsyncClient, sample: Path
) -> None:
    # given
    store = await make_store(runtime, "shop")

    # when
    summary = await import_file(runtime, store, sample)

    # then
    assert counts(summary) == (4, 0, 0, 0)
    products = await product_ids(client, store)
    paths = await category_paths(client, store)
    assert set(products) == ACTIVE_SAMPLE_SLUGS
    shirt, mug, socks = products["linen-shirt"], products["enamel-mug"], products["wool-socks"]
    assert (shirt["name"], shirt["price"], shirt["compare_at_price"]) == ("Linen Shirt", 49.0, 59.0)
    assert shirt["images"] == ["https://img.example.com/linen-1.jpg", "https://img.example.com/linen-2.jpg"]
    assert shirt["attributes"] == {"color": "white", "material": "linen"}
    assert variants_of(shirt) == [
        ("LINEN-S", "Small", 49.0, 12, {"size": "S"}),
        ("LINEN-M", "Medium", 49.0, 8, {"size": "M"}),
        ("LINEN-L", "Large", 52.0, 0, {"size": "L"}),
    ]
    assert shirt["stock"] == 20
    assert (mug["price"], mug["stock"], mug["variants"]) == (14.5, 40, [])
    assert [variant["name"] for variant in socks["variants"]] == ["M", "L"]
    assert paths[shirt["category_id"]] == "Apparel > Shirts"
    assert paths[socks["category_id"]] == "Apparel > Socks"
    assert paths[mug["category_id"]] == "Home > Kitchen"
    assert sorted(paths.values()) == [
        "Apparel",
        "Apparel > Shirts",
        "Apparel > Socks",
        "Home",
        "Home > Kitchen",
        "Stationery",
    ]
    assert await attribute_rows(runtime, store, "travel-journal") == {"material": "paper"}


async def test_the_json_sample_describes_the_same_catalog_as_the_csv_sample(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_file(runtime, store, SAMPLE_CSV)

    # when
    summary = await import_file(runtime, store, SAMPLE_JSON)

    # then
    assert counts(summary) == (0, 0, 4, 0)


async def test_importing_the_same_file_again_changes_nothing(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_file(runtime, store, SAMPLE_CSV)
    version = await catalog_version(runtime, store)
    products = await product_ids(client, store)
    categories = await category_paths(client, store)

    # when
    summary = await import_file(runtime, store, SAMPLE_CSV)

    # then
    assert counts(summary) == (0, 0, 4, 0)
    assert await catalog_version(runtime, store) == version
    assert await product_ids(client, store) == products
    assert await category_paths(client, store) == categories


async def test_a_changed_row_updates_the_price_and_stock(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_csv(runtime, store, MUG_CSV)

    # when
    summary = await import_csv(runtime, store, MUG_CSV.replace("14.50,40", "16.00,35"))

    # then
    assert counts(summary) == (0, 1, 0, 0)
    mug = (await product_ids(client, store))["enamel-mug"]
    assert (mug["price"], mug["stock"]) == (16.0, 35)


async def test_variants_are_matched_by_sku_updated_and_added(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_csv(runtime, store, SHIRT_CSV)
    changed = SHIRT_CSV.replace("LINEN-M,Medium,,8", "LINEN-M,Medium,45.00,3") + "linen-shirt,,,LINEN-L,Large,,5\n"

    # when
    summary = await import_csv(runtime, store, changed)

    # then
    assert counts(summary) == (0, 1, 0, 0)
    shirt = (await product_ids(client, store))["linen-shirt"]
    assert variants_of(shirt) == [
        ("LINEN-S", "Small", 49.0, 12, {}),
        ("LINEN-M", "Medium", 45.0, 3, {}),
        ("LINEN-L", "Large", 49.0, 5, {}),
    ]


async def test_what_the_file_does_not_mention_is_left_alone(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await make_product(runtime, store, "Gift Card", slug="gift-card", price_minor=2500)
    await import_file(runtime, store, SAMPLE_CSV)
    before = await product_ids(client, store)

    # when
    summary = await import_csv(runtime, store, MUG_CSV.replace("40", "12") + "linen-shirt,Linen Shirt,49.00,\n")

    # then
    assert counts(summary) == (0, 1, 1, 0)
    after = await product_ids(client, store)
    assert after["gift-card"] == before["gift-card"]
    assert after["linen-shirt"] == before["linen-shirt"]
    assert after["enamel-mug"]["stock"] == 12
    for field in ("images", "attributes", "category_id", "description", "price"):
        assert after["enamel-mug"][field] == before["enamel-mug"][field]


async def test_attribute_rows_follow_the_attributes(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_file(runtime, store, SAMPLE_CSV)

    # when
    summary = await import_csv(runtime, store, "slug,name,price,attr.color,attr.size\nenamel-mug,Enamel Mug,14.50,,L\n")

    # then
    assert counts(summary) == (0, 1, 0, 0)
    assert (await product_ids(client, store))["enamel-mug"]["attributes"] == {"material": "enamel", "size": "L"}
    assert await attribute_rows(runtime, store, "enamel-mug") == {"material": "enamel", "size": "L"}


async def test_bad_records_are_rejected_with_their_line_while_the_rest_load(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # given
    store = await make_store(runtime, "shop")

    # when
    summary = await import_file(runtime, store, WITH_ERRORS_CSV)

    # then
    assert counts(summary) == (2, 0, 0, 10)
    assert [str(rejection) for rejection in summary.rejections] == [
        "line 3: slug: required",
        "line 4: name: required",
        "line 5: slug: lowercase letters and digits separated by '-', '_' or '.'",
        "line 6: price: not a number",
        "line 7: price: must not be negative",
        "line 8: stock: must be a whole number",
        "line 9: status: must be one of active, draft, archived",
        "line 10: price: more decimal places than USD has",
        "line 14: variant_price: must not be negative",
        "line 15: variant_sku: SCARF-RED is also in good-scarf (line 11)",
    ]
    assert set(await product_ids(client, store)) == {"good-cap", "good-scarf"}


async def test_json_records_are_rejected_by_their_index(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    document = [
        {"slug": "good-cap", "name": "Good Cap", "price": 20},
        {"slug": "odd-cap", "name": "Odd Cap", "price": "abc"},
        "a cap",
        {"slug": "half-cap", "name": "Half Cap", "price": 5, "stock": 1.5, "colour": "red"},
        {"slug": "sized-cap", "name": "Sized Cap", "price": 5, "variants": [{"sku": "CAP-1", "price": -1}]},
    ]

    # when
    summary = await import_products(runtime.database, store.id, records_from_json(json.dumps(document), "USD"))

    # then
    assert counts(summary) == (1, 0, 0, 4)
    assert [str(rejection) for rejection in summary.rejections] == [
        "index 1: price: not a number",
        "index 2: must be an object",
        "index 3: colour: unknown field",
        "index 3: stock: must be a whole number",
        "index 4: variants[0].price: must not be negative",
    ]
    assert set(await product_ids(client, store)) == {"good-cap"}


async def test_a_sku_of_another_product_is_rejected(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    red = {"name": "Red", "sku": "SCARF-RED", "price_minor": 1000, "stock": 4}
    await make_product(runtime, store, "Old Scarf", slug="old-scarf", variants=[red])
    text = (
        "slug,name,price,variant_sku,variant_name\n"
        "new-scarf,New Scarf,30.00,SCARF-BLUE,Blue\n"
        "new-scarf,,,SCARF-RED,Red\n"
        "good-cap,Good Cap,20.00,,\n"
    )

    # when
    summary = await import_csv(runtime, store, text)

    # then
    assert counts(summary) == (1, 0, 0, 1)
    assert [str(rejection) for rejection in summary.rejections] == [
        "line 3: variant_sku: SCARF-RED belongs to product old-scarf"
    ]
    products = await product_ids(client, store)
    assert set(products) == {"old-scarf", "good-cap"}
    assert variants_of(products["old-scarf"]) == [("SCARF-RED", "Red", 10.0, 4, {})]


async def test_a_dry_run_reports_and_writes_nothing(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "shop")
    await import_csv(runtime, store, MUG_CSV)
    version = await catalog_version(runtime, store)
    before = await product_ids(client, store)

    # when
    summary = await import_file(runtime, store, SAMPLE_CSV, dry_run=True)

    # then
    assert summary.dry_run
    assert counts(summary) == (3, 1, 0, 0)
    assert await product_ids(client, store) == before
    assert await category_paths(client, store) == {}
    assert await catalog_version(runtime, store) == version


async def test_category_paths_find_existing_categories_and_add_missing_ones(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # given
    store = await make_store(runtime, "shop", demo=True)
    before = await category_paths(client, store)
    text = (
        "slug,name,price,category\n"
        "plain-tee,Plain Tee,10.00,apparel > t-shirts\n"
        "bucket-hat,Bucket Hat,10.00,Home > Hats\n"
    )

    # when
    summary = await import_csv(runtime, store, text)

    # then
    assert counts(summary) == (2, 0, 0, 0)
    products = await product_ids(client, store)
    after = await category_paths(client, store)
    assert after[products["plain-tee"]["category_id"]] == "Apparel > T-Shirts"
    assert after[products["bucket-hat"]["category_id"]] == "Home > Hats"
    assert set(after) - set(before) == {products["bucket-hat"]["category_id"]}
    async with runtime.database.read() as session:
        slugs = set(await session.scalars(select(Category.slug).where(Category.project_id == store.id)))
    assert {"hats", "home-hats"} <= slugs


async def test_progress_is_reported_after_every_record(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "shop")
    reported: list[tuple[int, int]] = []

    # when
    await import_products(
        runtime.database,
        store.id,
        read_records(WITH_ERRORS_CSV, "USD"),
        progress=lambda done, total: reported.append((done, total)),
    )

    # then
    assert reported == [(done, 12) for done in range(1, 13)]


async def test_the_catalog_version_moves_every_hundred_written_products_and_at_the_end(runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "shop")
    rows = "".join(f"item-{index},Item {index},1.00\n" for index in range(201))
    version = await catalog_version(runtime, store)

    # when
    summary = await import_csv(runtime, store, "slug,name,price\n" + rows)

    # then
    assert counts(summary) == (201, 0, 0, 0)
    assert await catalog_version(runtime, store) == version + 3


async def test_prices_are_read_in_the_project_currency(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given
    store = await make_store(runtime, "yen-shop", currency="JPY")

    # when
    summary = await import_products(runtime.database, store.id, read_records(SAMPLE_JSON, "JPY"))

    # then
    assert counts(summary) == (3, 0, 0, 1)
    assert [str(rejection) for rejection in summary.rejections] == ["index 1: price: more decimal places than JPY has"]
    shirt = (await product_ids(client, store))["linen-shirt"]
    assert (shirt["price"], shirt["currency"]) == (49, "JPY")


def test_the_later_rows_of_a_product_may_only_repeat_its_product_cells() -> None:
    # given
    text = "slug,name,price,variant_sku\nlinen-shirt,Linen Shirt,49.00,LINEN-S\nlinen-shirt,Linen Shirt,45.00,LINEN-M\n"

    # when
    [record] = records_from_csv(text, "USD")

    # then
    assert isinstance(record, RejectedRecord)
    assert [str(rejection) for rejection in record.rejections] == ["line 3: price: differs from line 2"]


@pytest.mark.parametrize(
    ("text", "rejection"),
    [
        ("slug,name,price,variant_sku\ncap,Cap,1,CAP-1\ncap,,,CAP-1\n", "line 3: variant_sku: CAP-1 repeats line 2"),
        ('[{"slug": "cap", "name": "Cap", "price": 1, "variants": [{"sku": "C"}, {"sku": "C"}]}]', None),
    ],
    ids=["csv", "json"],
)
def test_a_sku_repeated_within_a_product_rejects_it(text: str, rejection: str | None) -> None:
    # when
    [record] = records_from_json(text, "USD") if text.startswith("[") else records_from_csv(text, "USD")

    # then
    assert isinstance(record, RejectedRecord)
    assert [str(found) for found in record.rejections] == [
        rejection or "index 0: variants[1].sku: C repeats variants[0].sku"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("products.txt", "slug,name,price\n", r"not a \.json or \.csv file"),
        ("products.json", "{not json", "not valid JSON"),
        ("products.json", '{"items": []}', "must be a list of products"),
        ("products.csv", "", "no header row"),
        ("products.csv", "slug,name\n", "missing column.*price"),
        ("products.csv", "slug,name,price,prise\n", "unknown column 'prise'"),
        ("products.csv", "slug,name,price,attr.bad name\n", "attr.bad name"),
    ],
)
def test_an_unusable_file_is_refused_as_a_whole(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    # given
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")

    # when / then
    with pytest.raises(ImportFileError, match=message):
        read_records(path, "USD")


def test_the_import_command_loads_the_sample_csv_and_prints_a_summary(tmp_path: Path) -> None:
    # given
    cli = cli_in(tmp_path)
    succeeded(cli.run("project", "create", "shop", "--json"))

    # when
    first = cli.run("import", "shop", str(SAMPLE_CSV))
    again = cli.run("import", "shop", str(SAMPLE_CSV))
    with_errors = cli.run("import", "shop", str(WITH_ERRORS_CSV), "--dry-run")
    unknown_project = cli.run("import", "no-such-shop", str(SAMPLE_CSV))

    # then
    assert first.returncode == 0, first.stderr
    assert first.stdout == "4 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert "4/4 records" in first.stderr
    assert again.stdout == "0 created, 0 updated, 4 unchanged, 0 rejected\n"
    assert with_errors.returncode == 1
    assert with_errors.stdout.startswith("dry run, nothing written: 2 created, 0 updated, 0 unchanged, 10 rejected\n")
    assert "line 7: price: must not be negative\n" in with_errors.stdout
    assert unknown_project.returncode == 2
    assert "no-such-shop" in unknown_project.stderr
    assert "Traceback" not in unknown_project.stderr


async def test_text_with_nul_is_rejected_by_its_record_and_field(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # given: NUL, which PostgreSQL cannot store, in a JSON field, a variant's field and a CSV cell
    store = await make_store(runtime, "shop")
    document = [
        {"slug": "good-cap", "name": "Good Cap", "price": 20},
        {"slug": "nul-cap", "name": "Nul\x00Cap", "price": 20},
        {"slug": "sized-cap", "name": "Sized Cap", "price": 5, "variants": [{"sku": "CAP\x00-1", "price": 5}]},
    ]
    csv_text = "slug,name,price,stock\nenamel-mug,Enamel Mug,14.50,40\nnul-mug,Nul\x00Mug,14.50,40\n"

    # when
    from_json = await import_products(runtime.database, store.id, records_from_json(json.dumps(document), "USD"))
    from_csv = await import_csv(runtime, store, csv_text)

    # then
    assert counts(from_json) == (1, 0, 0, 2)
    assert [str(rejection) for rejection in from_json.rejections] == [
        "index 1: name: text must not contain a NUL character",
        "index 2: variants[0].sku: text must not contain a NUL character",
    ]
    assert counts(from_csv) == (1, 0, 0, 1)
    assert [str(rejection) for rejection in from_csv.rejections] == [
        "line 3: name: text must not contain a NUL character"
    ]
    assert set(await product_ids(client, store)) == {"good-cap", "enamel-mug"}
