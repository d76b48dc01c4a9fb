"""Before anything is loaded: one request of each kind, checked, and its bytes kept for the bare app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from bench.catalog import VARIANTS_EACH, SeededCatalog
from bench.processes import BenchError
from bench.targets import (
    GRAPHQL_FILTERED,
    GRAPHQL_PAGE,
    GRAPHQL_PRODUCT,
    PAGE_PATH,
    PAGE_SIZE,
    REST,
    cart_add_body,
    checkout_body,
    graphql_body,
)

FIRST_REQUEST_SECONDS = 600.0
"""Time allowed for a request that may have to build a whole catalog (the first after seeding, or a change)."""


def request(base: str, method: str, path: str, auth: str, body: str | None = None, status: int = 200) -> httpx.Response:
    headers = {"Authorization": auth}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        response = httpx.request(method, base + path, headers=headers, content=body, timeout=FIRST_REQUEST_SECONDS)
    except httpx.HTTPError as error:
        raise BenchError(f"{method} {path}: {error!r}") from error
    if response.status_code != status:
        raise BenchError(f"{method} {path}: HTTP {response.status_code}: {response.text[:500]}")
    return response


def graphql(base: str, auth: str, body: str, path: str = "/graphql") -> dict[str, Any]:
    answer: dict[str, Any] = request(base, "POST", path, auth, body).json()
    if answer.get("errors"):
        raise BenchError(f"POST {path}: {answer['errors']}")
    return answer


def _check_page(page: dict[str, Any], catalog: SeededCatalog, items: str) -> list[str]:
    ids = [item["id"] for item in page[items]]
    if page["total"] != catalog.products or len(ids) != min(PAGE_SIZE, catalog.products):
        raise BenchError(f"unexpected products page: total={page['total']}, items={len(ids)}")
    if any(len(item["variants"]) != VARIANTS_EACH for item in page[items]):
        raise BenchError(f"products on the page without {VARIANTS_EACH} variants")
    return ids


def capture_responses(base: str, catalog: SeededCatalog, directory: Path) -> Path:
    """Checks the store answers every kind of request the scenarios send; writes the bare app's bodies file."""
    auth = f"Bearer {catalog.public_key}"
    bodies: dict[str, bytes] = {}
    page = request(base, "GET", PAGE_PATH, auth)
    ids = _check_page(page.json(), catalog, "products")
    if request(base, "GET", PAGE_PATH, auth).content != page.content:
        raise BenchError("the same REST page answered different bytes twice")
    bodies["page"] = page.content

    graphql_page = request(base, "POST", "/graphql", auth, graphql_body(GRAPHQL_PAGE))
    if [item["id"] for item in graphql_page.json()["data"]["products"]["items"]] != ids:
        raise BenchError("the GraphQL page differs from the REST page")
    _check_page(graphql_page.json()["data"]["products"], catalog, "items")
    bodies["graphql_page"] = graphql_page.content

    slug = catalog.product_slugs[-1]
    bodies["product"] = request(base, "GET", f"{REST}/products/{slug}", auth).content
    product = request(base, "POST", "/graphql", auth, graphql_body(GRAPHQL_PRODUCT, {"slug": slug}))
    if (product.json()["data"]["product"] or {}).get("slug") != slug:
        raise BenchError(f"GraphQL product(slug: {slug!r}) did not find it")
    bodies["graphql_product"] = product.content

    filtered = graphql(base, auth, graphql_body(GRAPHQL_FILTERED, {"search": "linen", "sort": "PRICE_ASC"}))
    bodies["graphql_filtered"] = json.dumps(filtered, separators=(",", ":")).encode()

    product_id, variant_id = catalog.sellable[0]
    cart_path = f"{REST}/cart/bench-check/items"
    bodies["cart"] = request(base, "POST", cart_path, auth, cart_add_body(product_id, variant_id)).content
    placed = request(
        base, "POST", f"{REST}/checkout", auth, json.dumps(checkout_body("bench-check", "check@example.com")), 201
    )
    bodies["checkout"] = placed.content

    files = {}
    for name, content in bodies.items():
        path = directory / f"{name}.body"
        path.write_bytes(content)
        files[name] = str(path)
    bodies_file = directory / "bare-bodies.json"
    bodies_file.write_text(json.dumps(files))
    return bodies_file


def check_bare(base: str, bodies_file: Path) -> None:
    """The bare app answers the saved bytes."""
    files = json.loads(bodies_file.read_text())
    page = Path(files["page"]).read_bytes()
    if request(base, "GET", PAGE_PATH, "").content != page:
        raise BenchError("the bare app does not answer the saved page")
    answer = request(base, "POST", "/graphql", "", graphql_body(GRAPHQL_PAGE)).content
    if answer != Path(files["graphql_page"]).read_bytes():
        raise BenchError("the bare app does not answer the saved GraphQL page")
