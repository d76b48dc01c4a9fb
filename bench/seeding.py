"""Seeding a store: the project through the `shopgraph` CLI, the catalog with bulk Core inserts into the tables of
`shopgraph.db.models`, and a fresh PostgreSQL database per run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.catalog import AISLES, DEPARTMENTS, PLENTY, ProductSpec, SeededCatalog, product_spec
from bench.processes import BenchError, run_bounded
from shopgraph.db.models import Category, Product, ProductAttribute, Project, Variant

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/"
CLI_SECONDS = 180.0
SEED_SECONDS = 900.0
CHUNK = 2_000


class Ids:
    """Ids shaped like the server's own (`prod_...`), unique to this seed, made without a random draw each."""

    def __init__(self) -> None:
        self.run = uuid.uuid4().hex[:12]
        self.count = 0

    def new(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}_{self.run}{self.count:014d}"


def shopgraph_command() -> list[str]:
    script = Path(sys.executable).parent / "shopgraph"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from shopgraph.cli import main; main()"]


# PostgreSQL needs an encryption key for stored secrets; one per bench run is enough (SQLite keeps a key file).
_ENCRYPTION_KEY = os.environ.get("SHOPGRAPH_ENCRYPTION_KEY") or Fernet.generate_key().decode()


def cli_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "SHOPGRAPH_DATABASE_URL": database_url, "SHOPGRAPH_ENCRYPTION_KEY": _ENCRYPTION_KEY}


def server_env(database_url: str) -> dict[str, str]:
    # The load comes from one address; a limit it can never reach keeps the limiter's cost in the figures.
    return {**cli_env(database_url), "SHOPGRAPH_RATE_LIMIT": "100000000/minute"}


def create_project(database_url: str, slug: str) -> dict[str, str]:
    """`shopgraph project create SLUG --json` (which applies the migrations first): its slug and keys."""
    command = [*shopgraph_command(), "project", "create", slug, "--name", "Bench Store", "--json"]
    output = run_bounded(command, CLI_SECONDS, env=cli_env(database_url))
    keys: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return keys


async def _drop_and_create(name: str, create: bool) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=10)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@contextlib.contextmanager
def fresh_database(kind: str, workdir: Path, label: str) -> Iterator[str]:
    """A new empty database (a SQLite file in `workdir`, or a PostgreSQL database dropped afterwards); its URL."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / f'{label}.db'}"
        return
    name = f"shopgraph_bench_{label}_{uuid.uuid4().hex[:8]}"
    asyncio.run(asyncio.wait_for(_drop_and_create(name, create=True), 30))
    try:
        yield POSTGRES_BASE + name
    finally:
        asyncio.run(asyncio.wait_for(_drop_and_create(name, create=False), 60))


def _category_rows(ids: Ids, project_id: str, now: int) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Departments with aisles below them; returns the rows and, per department, its aisle ids."""
    rows: list[dict[str, Any]] = []
    aisles: list[list[str]] = []
    for position, department in enumerate(DEPARTMENTS):
        department_id = ids.new("cat")
        rows.append(_category(department_id, project_id, None, department, department.lower(), position, now))
        aisle_ids = []
        for aisle_position, aisle in enumerate(AISLES):
            aisle_id = ids.new("cat")
            slug = f"{department.lower()}-{aisle.lower()}"
            rows.append(_category(aisle_id, project_id, department_id, aisle, slug, aisle_position, now))
            aisle_ids.append(aisle_id)
        aisles.append(aisle_ids)
    return rows, aisles


def _category(
    category_id: str, project_id: str, parent_id: str | None, name: str, slug: str, position: int, now: int
) -> dict[str, Any]:
    return {
        "id": category_id,
        "project_id": project_id,
        "parent_id": parent_id,
        "name": name,
        "slug": slug,
        "description": f"{name} in the benchmark store",
        "position": position,
        "created_at": now,
    }


def _product_rows(
    ids: Ids, spec: ProductSpec, project_id: str, category_id: str, created_at: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    product_id = ids.new("prod")
    product = {
        "id": product_id,
        "project_id": project_id,
        "category_id": category_id,
        "slug": spec.slug,
        "name": spec.name,
        "description": spec.description,
        "price_minor": spec.price_minor,
        "compare_at_price_minor": spec.compare_at_price_minor,
        "images": list(spec.images),
        "attributes": {"color": spec.color, "material": spec.material},
        "status": "active",
        "stock": None,
        "low_stock_threshold": None,
        "low_stock_notified": False,
        "created_at": created_at,
        "updated_at": created_at,
    }
    attributes = [
        {"product_id": product_id, "project_id": project_id, "name": name, "value": value}
        for name, value in (("color", spec.color), ("material", spec.material))
    ]
    variants = [
        {
            "id": ids.new("var"),
            "project_id": project_id,
            "product_id": product_id,
            "name": variant.name,
            "sku": variant.sku,
            "price_minor": variant.price_minor,
            "stock": variant.stock,
            "low_stock_threshold": None,
            "low_stock_notified": False,
            "options": {"size": variant.size},
            "position": position,
            "created_at": created_at,
            "updated_at": created_at,
        }
        for position, variant in enumerate(spec.variants)
    ]
    return product, attributes, variants


async def _insert_catalog(connection: AsyncConnection, project_id: str, count: int, catalog: SeededCatalog) -> None:
    now = int(time.time() * 1000)
    ids = Ids()
    categories, aisles = _category_rows(ids, project_id, now)
    await connection.execute(insert(Category), categories)
    catalog.root_category_ids = [row["id"] for row in categories if row["parent_id"] is None]
    catalog.leaf_category_ids = [aisle for department in aisles for aisle in department]
    for start in range(0, count, CHUNK):
        products: list[dict[str, Any]] = []
        attributes: list[dict[str, Any]] = []
        variants: list[dict[str, Any]] = []
        for index in range(start, min(count, start + CHUNK)):
            spec = product_spec(index)
            # Newest first is the catalog's default order: spread creation over the last `count` minutes.
            product, product_attributes, product_variants = _product_rows(
                ids, spec, project_id, aisles[spec.department][spec.aisle], now - (count - index) * 60_000
            )
            products.append(product)
            attributes += product_attributes
            variants += product_variants
            catalog.product_slugs.append(spec.slug)
            if spec.sellable:
                catalog.sellable.append((product["id"], product_variants[0]["id"]))
            if product_variants[0]["stock"] == PLENTY:
                catalog.stock_variants.append((spec.slug, product_variants[1]["id"]))
        await connection.execute(insert(Product), products)
        await connection.execute(insert(ProductAttribute), attributes)
        await connection.execute(insert(Variant), variants)
    # The server sees the new catalog on its next request, as after any catalog write.
    await connection.execute(
        update(Project).where(Project.id == project_id).values(catalog_version=Project.catalog_version + 1)
    )


async def _seed(database_url: str, slug: str, count: int, catalog: SeededCatalog) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            project_id = await connection.scalar(select(Project.id).where(Project.slug == slug))
            if project_id is None:
                raise BenchError(f"project {slug} was not created")
            await _insert_catalog(connection, project_id, count, catalog)
        if engine.dialect.name == "postgresql":
            # A store's tables have statistics; rows inserted in bulk a moment ago do not until autovacuum gets
            # to them, and until then PostgreSQL plans for empty tables.
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


def seed_store(database_url: str, count: int, slug: str = "bench") -> SeededCatalog:
    """A new project with `count` active products of 3 variants each."""
    keys = create_project(database_url, slug)
    catalog = SeededCatalog(slug=slug, public_key=keys["public_key"], secret_key=keys["secret_key"], products=count)
    asyncio.run(asyncio.wait_for(_seed(database_url, slug, count, catalog), SEED_SECONDS))
    return catalog
