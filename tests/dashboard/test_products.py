"""Products in the dashboard: search, create, edit every field, stock; refusals shown by their field."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from shopgraph.db.models import Product, Variant
from shopgraph.runtime import Runtime
from tests.dashboard.support import csrf_of, sign_in
from tests.support.factories import Store


async def _product(runtime: Runtime, store: Store, slug: str) -> Product:
    async with runtime.database.read() as session:
        found = await session.scalar(select(Product).where(Product.project_id == store.id, Product.slug == slug))
    assert found is not None
    return found


async def test_search_and_low_stock_highlight(client: httpx.AsyncClient, demo: Store) -> None:
    await sign_in(client, demo)
    page = await client.get("/dashboard/products", params={"search": "mug"})
    assert page.status_code == 200 and "Ceramic Mug" in page.text
    assert "Ceramic Mug" in page.text and page.text.count("<tr") < 10
    everything = (await client.get("/dashboard/products")).text
    assert 'class="low-stock"' in everything and "low stock" in everything


async def test_create_then_edit_a_product_and_its_stock(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    created = await client.post(
        "/dashboard/products/new",
        data={
            "csrf_token": csrf,
            "name": "Linen Apron",
            "slug": "",
            "description": "Washed linen.",
            "price": "24.50",
            "compare_at_price": "30",
            "images": "https://img.example/apron.jpg\n",
            "attributes": 'color: sand\nsizes: ["S", "M"]',
            "status": "active",
            "low_stock_threshold": "3",
            "stock": "12",
            "category_id": "",
        },
    )
    assert created.status_code == 303, created.text
    product = await _product(runtime, demo, "linen-apron")
    assert (product.price_minor, product.compare_at_price_minor, product.stock) == (2450, 3000, 12)
    assert product.attributes == {"color": "sand", "sizes": ["S", "M"]} and product.images == [
        "https://img.example/apron.jpg"
    ]
    path = f"/dashboard/products/{product.id}"
    csrf = await csrf_of(client, path)
    edited = await client.post(
        path,
        data={
            "csrf_token": csrf,
            "name": "Linen Apron",
            "slug": "linen-apron",
            "description": "Washed linen, two pockets.",
            "price": "26",
            "compare_at_price": "",
            "images": "",
            "attributes": "color: clay",
            "status": "draft",
            "low_stock_threshold": "",
            "category_id": "",
        },
    )
    assert edited.status_code == 303
    stock = await client.post(f"{path}/stock", data={"csrf_token": csrf, "stock": "2"})
    assert stock.status_code == 303
    product = await _product(runtime, demo, "linen-apron")
    assert (product.price_minor, product.compare_at_price_minor, product.status, product.stock) == (
        2600,
        None,
        "draft",
        2,
    )
    assert product.attributes == {"color": "clay"} and product.description.endswith("two pockets.")


async def test_a_refused_edit_shows_its_field_error_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    mug = await _product(runtime, demo, "ceramic-mug")
    path = f"/dashboard/products/{mug.id}"
    bad_price = await client.post(path, data={"csrf_token": csrf, "name": "Cheaper Mug", "price": "-3"})
    assert bad_price.status_code == 400 and 'id="price_error"' in bad_price.text
    assert 'value="Cheaper Mug"' in bad_price.text
    bad_stock = await client.post(f"{path}/stock", data={"csrf_token": csrf, "stock": "lots"})
    assert bad_stock.status_code == 400 and 'id="stock_error"' in bad_stock.text
    after = await _product(runtime, demo, "ceramic-mug")
    assert (after.name, after.price_minor, after.stock) == (mug.name, mug.price_minor, mug.stock)


async def test_variant_stock(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    async with runtime.database.read() as session:
        variant = (await session.scalars(select(Variant).where(Variant.project_id == demo.id))).first()
    assert variant is not None
    page = await client.get(f"/dashboard/products/{variant.product_id}")
    assert re.search(rf'id="stock_{variant.id}"', page.text)
    response = await client.post(
        f"/dashboard/products/{variant.product_id}/stock",
        data={"csrf_token": csrf, "variant_id": variant.id, "stock": "41"},
    )
    assert response.status_code == 303
    async with runtime.database.read() as session:
        assert (await session.get(Variant, variant.id)).stock == 41  # type: ignore[union-attr]


async def test_add_a_variant_and_a_refused_one(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    mug = await _product(runtime, demo, "ceramic-mug")
    path = f"/dashboard/products/{mug.id}/variants"
    added = await client.post(
        path,
        data={
            "csrf_token": csrf,
            "variant_name": "Large",
            "variant_sku": "MUG-L",
            "variant_price": "16",
            "variant_stock": "9",
            "variant_options": "size: L",
        },
    )
    assert added.status_code == 303, added.text
    async with runtime.database.read() as session:
        variant = await session.scalar(select(Variant).where(Variant.project_id == demo.id, Variant.sku == "MUG-L"))
    assert variant is not None and (variant.price_minor, variant.stock, variant.options) == (1600, 9, {"size": "L"})
    taken = await client.post(path, data={"csrf_token": csrf, "variant_name": "Again", "variant_sku": "MUG-L"})
    assert taken.status_code == 409 and 'id="variant_error"' in taken.text and 'value="Again"' in taken.text
    async with runtime.database.read() as session:
        assert len((await session.scalars(select(Variant).where(Variant.product_id == mug.id))).all()) == 1
