"""Two `shopgraph serve` processes on one database: an order or an edit made anywhere shows on both within a second."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from shopgraph.db.engine import Database
from shopgraph.db.models import ProductStatus, Project
from shopgraph.domain.catalog.admin_products import update_product
from tests.fakes.server import free_port
from tests.support.cli import SHOPGRAPH, shopgraph_environment, stop
from tests.support.databases import encryption_keys_for
from tests.support.factories import checkout_body
from tests.test_cli import wait_until_healthy

PRODUCTS = "/api/v1/ecommerce/products"


@contextmanager
def serving(directory: Path, database_url: str, *options: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stdout_path, stderr_path = directory / f"{port}-stdout.txt", directory / f"{port}-stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [str(SHOPGRAPH), "serve", "--port", str(port), "--no-worker", *options],
            cwd=directory,
            env=shopgraph_environment(database_url),
            stdout=stdout,
            stderr=stderr,
        )
        try:
            wait_until_healthy(process, base_url, stderr_path)
            yield base_url, stdout_path
        finally:
            stop(process)


def catalog(base_url: str, auth: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = httpx.get(base_url + PRODUCTS, params={"limit": 100}, headers=auth, timeout=10)
    assert response.status_code == 200, response.text
    return {product["slug"]: product for product in response.json()["products"]}


def shown_within_a_second(base_url: str, auth: dict[str, str], slug: str, expected: dict[str, Any] | None) -> None:
    """Polls until the product shows `expected` (None: until it is gone), failing after one second."""
    started = time.monotonic()
    while True:
        product = catalog(base_url, auth).get(slug)
        if (product is None) if expected is None else (product is not None and expected.items() <= product.items()):
            return
        assert time.monotonic() - started < 1.0, (base_url, product)
        time.sleep(0.05)


async def reprice_and_withdraw(database_url: str, price_product_id: str, withdrawn_id: str) -> None:
    """A third process's catalog writes: a price change, then a product withdrawn."""
    database = Database(database_url, encryption_keys_for(database_url))
    try:
        async with database.write() as session:
            project_id = await session.scalar(select(Project.id).where(Project.slug == "demo"))
            assert project_id is not None
            await update_product(session, project_id, price_product_id, {"price": "12.75"})
        async with database.write() as session:
            await update_product(session, project_id, withdrawn_id, {"status": ProductStatus.ARCHIVED})
    finally:
        await database.dispose()


def test_orders_and_edits_from_any_process_show_on_every_process_within_a_second(
    database_url: str, tmp_path: Path
) -> None:
    with serving(tmp_path, database_url, "--demo") as (first, first_output):
        match = re.search(r"public key\s+(pk_\S+)", first_output.read_text())
        assert match, first_output.read_text()
        auth = {"Authorization": f"Bearer {match.group(1)}"}
        with serving(tmp_path, database_url) as (second, _):
            # given
            shown = catalog(first, auth)
            mug, beanie = shown["ceramic-mug"], shown["wool-beanie"]
            assert catalog(second, auth)["ceramic-mug"]["stock"] == mug["stock"]

            # when: an order through the first process
            added = httpx.post(
                first + "/api/v1/ecommerce/cart/c1/items",
                json={"productId": mug["id"], "quantity": 2},
                headers=auth,
                timeout=10,
            )
            assert added.status_code == 200, added.text
            ordered = httpx.post(
                first + "/api/v1/ecommerce/checkout", json=checkout_body("c1"), headers=auth, timeout=10
            )
            assert ordered.status_code == 201, ordered.text

            # then
            assert catalog(first, auth)["ceramic-mug"]["stock"] == mug["stock"] - 2
            shown_within_a_second(second, auth, "ceramic-mug", {"stock": mug["stock"] - 2})

            # when: a price change and a withdrawal from a third process
            asyncio.run(reprice_and_withdraw(database_url, mug["id"], beanie["id"]))

            # then
            for process in (first, second):
                shown_within_a_second(process, auth, "ceramic-mug", {"price": 12.75, "stock": mug["stock"] - 2})
                shown_within_a_second(process, auth, "wool-beanie", None)


KEY_CREATE = "mutation { apiKeyCreate(kind: PUBLIC) { apiKey { id } key userErrors { code } } }"
KEY_REVOKE = "mutation Revoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { revokedAt } userErrors { code } } }"


def admin(base_url: str, secret_key: str, query: str, **variables: str) -> dict[str, Any]:
    response = httpx.post(
        base_url + "/admin/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {secret_key}"},
        timeout=10,
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def answered_within_a_second(base_url: str, auth: dict[str, str], status: int) -> None:
    started = time.monotonic()
    while (got := httpx.get(base_url + PRODUCTS, headers=auth, timeout=10).status_code) != status:
        assert time.monotonic() - started < 1.0, (base_url, got)
        time.sleep(0.05)


def test_a_key_made_or_revoked_through_one_process_works_or_stops_on_every_process_within_a_second(
    database_url: str, tmp_path: Path
) -> None:
    with serving(tmp_path, database_url, "--demo") as (first, first_output):
        match = re.search(r"secret key\s+(sk_\S+)", first_output.read_text())
        assert match, first_output.read_text()
        secret_key = match.group(1)
        with serving(tmp_path, database_url) as (second, _):
            # when: a new key, made through the first process
            created = admin(first, secret_key, KEY_CREATE)["apiKeyCreate"]
            assert created["userErrors"] == []
            auth = {"Authorization": f"Bearer {created['key']}"}

            # then
            answered_within_a_second(first, auth, 200)
            answered_within_a_second(second, auth, 200)

            # when: both have just used it, and it is revoked through the first process
            revoked = admin(first, secret_key, KEY_REVOKE, id=created["apiKey"]["id"])["apiKeyRevoke"]
            assert revoked["userErrors"] == []

            # then: refused by the first at once, by the second within a second
            assert httpx.get(first + PRODUCTS, headers=auth, timeout=10).status_code == 401
            answered_within_a_second(second, auth, 401)
