"""Small builders: each test makes what it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import add_category, add_product
from shopgraph.domain.demo import load_demo_catalog
from shopgraph.domain.stores.projects import create_project
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime

AEROSTACK = "/api/v1/public/projects/{slug}/ecommerce"
AEROCALL = "/api/v1/ecommerce"


@dataclass(frozen=True)
class Store:
    id: str
    slug: str
    public_key: str
    secret_key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.public_key}"}

    def aerostack(self, endpoint: str) -> str:
        return AEROSTACK.format(slug=self.slug) + endpoint

    def aerocall(self, endpoint: str) -> str:
        return AEROCALL + endpoint

    def both(self, endpoint: str) -> list[str]:
        return [self.aerostack(endpoint), self.aerocall(endpoint)]


async def make_store(
    runtime: Runtime,
    slug: str,
    *,
    demo: bool = False,
    settings: dict[str, str] | None = None,
    currency: str = "USD",
) -> Store:
    async with runtime.database.write() as session:
        created = await create_project(session, slug, currency=currency)
        if demo:
            await load_demo_catalog(session, created.id)
        if settings:
            await update_store_settings(session, created.id, settings)
    return Store(created.id, created.slug, created.public_key, created.secret_key)


async def make_category(runtime: Runtime, store: Store, name: str, parent_id: str | None = None) -> str:
    async with runtime.database.write() as session:
        category = await add_category(session, store.id, name=name, parent_id=parent_id)
        await bump_catalog_version(session, store.id)
    return category.id


async def make_product(runtime: Runtime, store: Store, name: str, price_minor: int = 1000, **fields: Any) -> str:
    async with runtime.database.write() as session:
        product = await add_product(session, store.id, name=name, price_minor=price_minor, **fields)
        await bump_catalog_version(session, store.id)
    return product.id


async def make_products(runtime: Runtime, store: Store, count: int, variants_each: int = 3) -> None:
    async with runtime.database.write() as session:
        for index in range(count):
            await add_product(
                session,
                store.id,
                name=f"Item {index:04d}",
                price_minor=1000 + index,
                attributes={"color": "red" if index % 2 else "blue"},
                stock=10,
                variants=[
                    {
                        "name": f"V{v}",
                        "sku": f"SKU-{index}-{v}",
                        "price_minor": 1000 + index,
                        "stock": 5,
                        "options": {"size": str(v)},
                    }
                    for v in range(variants_each)
                ],
            )
        await bump_catalog_version(session, store.id)


async def product_ids(client: Any, store: Store) -> dict[str, dict[str, Any]]:
    """Every active product of a store by slug, as the REST API shows it."""
    response = await client.get(store.aerocall("/products"), params={"limit": 100}, headers=store.auth)
    return {product["slug"]: product for product in response.json()["products"]}


def variant_id(product: dict[str, Any], name: str) -> str:
    return next(variant["id"] for variant in product["variants"] if variant["name"] == name)  # type: ignore[no-any-return]


ADDRESS = {"line1": "123 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


async def fill_cart(client: Any, store: Store, cart_id: str, lines: list[tuple[str, int]]) -> None:
    """Adds (product id, quantity) lines to a cart through the REST API."""
    for product_id, quantity in lines:
        response = await client.post(
            store.aerocall(f"/cart/{cart_id}/items"),
            json={"productId": product_id, "quantity": quantity},
            headers=store.auth,
        )
        assert response.status_code == 200, response.text


def checkout_body(cart_id: str, email: str = "ann@example.com", **extra: Any) -> dict[str, Any]:
    return {"cartId": cart_id, "email": email, "shippingAddress": ADDRESS, **extra}
