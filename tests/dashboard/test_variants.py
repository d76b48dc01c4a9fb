"""Variants in the dashboard: edited and deleted on their own page, over the admin's variant functions; refusals shown
by their field and changing nothing."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from shopgraph.db.models import CartItem, Product, Variant
from shopgraph.runtime import Runtime
from tests.dashboard.support import csrf_of, sign_in
from tests.support.factories import Store

TEE = "classic-tee"


async def variants_of(runtime: Runtime, store: Store, slug: str) -> tuple[Product, list[Variant]]:
    async with runtime.database.read() as session:
        product = await session.scalar(select(Product).where(Product.project_id == store.id, Product.slug == slug))
        assert product is not None
        rows = await session.scalars(select(Variant).where(Variant.product_id == product.id).order_by(Variant.sku))
        return product, list(rows.all())


def variant_path(variant: Variant) -> str:
    return f"/dashboard/products/{variant.product_id}/variants/{variant.id}"


def edit_form(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "variant_name": "Large",
        "variant_sku": "TEE-CLASSIC-L",
        "variant_price": "25.00",
        "variant_low_stock_threshold": "",
        "variant_options": "size: L",
    }
    return form | changes


async def storefront_variants(client: httpx.AsyncClient, store: Store) -> list[dict[str, object]]:
    response = await client.get(store.aerostack(f"/products/{TEE}"), headers=store.auth)
    assert response.status_code == 200
    return response.json()["variants"]  # type: ignore[no-any-return]


async def test_the_product_page_links_each_variant_to_its_page(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    await sign_in(client, demo)
    product, variants = await variants_of(runtime, demo, TEE)
    page = (await client.get(f"/dashboard/products/{product.id}")).text
    for variant in variants:
        assert f'href="{variant_path(variant)}">Edit {variant.name}</a>' in page
    large = next(v for v in variants if v.sku == "TEE-CLASSIC-L")
    form = await client.get(variant_path(large))
    assert form.status_code == 200
    assert 'value="TEE-CLASSIC-L"' in form.text and 'value="25.00"' in form.text and "size: L" in form.text


async def test_edit_a_variant(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    _, variants = await variants_of(runtime, demo, TEE)
    large = next(v for v in variants if v.sku == "TEE-CLASSIC-L")

    saved = await client.post(
        variant_path(large),
        data=edit_form(
            csrf,
            variant_name="Large (roomy)",
            variant_sku="TEE-CLASSIC-LR",
            variant_price="27.50",
            variant_low_stock_threshold="5",
            variant_options="size: L\nfit: relaxed",
        ),
    )

    assert saved.status_code == 303 and saved.headers["location"] == variant_path(large) + "?done=variant+saved"
    _, after = await variants_of(runtime, demo, TEE)
    edited = next(v for v in after if v.id == large.id)
    assert (edited.name, edited.sku, edited.price_minor, edited.low_stock_threshold, edited.options, edited.stock) == (
        "Large (roomy)",
        "TEE-CLASSIC-LR",
        2750,
        5,
        {"size": "L", "fit": "relaxed"},
        large.stock,
    )
    assert "Large (roomy)" in [v["name"] for v in await storefront_variants(client, demo)]


async def test_a_refused_edit_shows_the_error_at_its_field_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    _, variants = await variants_of(runtime, demo, TEE)
    large = next(v for v in variants if v.sku == "TEE-CLASSIC-L")
    for changes, status, error_id in (
        ({"variant_sku": "TEE-CLASSIC-M"}, 409, "variant_sku_error"),
        ({"variant_price": "cheap"}, 400, "variant_price_error"),
        ({"variant_price": ""}, 400, "variant_price_error"),
        ({"variant_name": "  "}, 400, "variant_name_error"),
        ({"variant_low_stock_threshold": "-2"}, 400, "variant_low_stock_threshold_error"),
        ({"variant_options": "just words"}, 400, "variant_options_error"),
    ):
        response = await client.post(variant_path(large), data=edit_form(csrf, variant_name="Renamed") | changes)
        assert response.status_code == status, (changes, response.text)
        assert f'id="{error_id}"' in response.text, changes
        assert 'aria-invalid="true"' in response.text
    _, after = await variants_of(runtime, demo, TEE)
    unchanged = next(v for v in after if v.id == large.id)
    assert (unchanged.name, unchanged.sku, unchanged.price_minor) == ("L", "TEE-CLASSIC-L", 2500)


async def test_delete_a_variant(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    product, variants = await variants_of(runtime, demo, TEE)
    small = variants[-1]
    added = await client.post(
        demo.aerostack("/cart/c1/items"),
        json={"productId": product.id, "variantId": small.id, "quantity": 1},
        headers=demo.auth,
    )
    assert added.status_code in (200, 201), added.text

    deleted = await client.post(variant_path(small) + "/delete", data={"csrf_token": csrf})

    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/dashboard/products/{product.id}?done=variant+deleted"
    _, after = await variants_of(runtime, demo, TEE)
    assert small.id not in [v.id for v in after] and len(after) == len(variants) - 1
    assert small.id not in [v["id"] for v in await storefront_variants(client, demo)]
    async with runtime.database.read() as session:
        assert await session.scalar(select(CartItem).where(CartItem.variant_id == small.id)) is None
    assert (await client.get(variant_path(small))).status_code == 404


async def test_a_refused_delete_shows_the_error_and_deletes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    tee, tee_variants = await variants_of(runtime, demo, TEE)
    _, hoodie_variants = await variants_of(runtime, demo, "zip-hoodie")
    hoodie = hoodie_variants[0]

    wrong_product = await client.post(
        f"/dashboard/products/{tee.id}/variants/{hoodie.id}/delete", data={"csrf_token": csrf}
    )
    assert wrong_product.status_code == 404 and 'id="delete_error"' in wrong_product.text
    missing = await client.post(f"/dashboard/products/{tee.id}/variants/var_missing/delete", data={"csrf_token": csrf})
    assert missing.status_code == 404 and 'id="delete_error"' in missing.text
    no_token = await client.post(variant_path(tee_variants[0]) + "/delete", data={})
    assert no_token.status_code == 403

    assert len((await variants_of(runtime, demo, TEE))[1]) == len(tee_variants)
    assert len((await variants_of(runtime, demo, "zip-hoodie"))[1]) == len(hoodie_variants)


async def test_a_variant_deleted_twice_at_once_is_deleted_once(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    _, variants = await variants_of(runtime, demo, TEE)
    answers = await asyncio.gather(
        *(client.post(variant_path(variants[0]) + "/delete", data={"csrf_token": csrf}) for _ in range(3))
    )
    assert sorted(answer.status_code for answer in answers) == [303, 404, 404]
    assert len((await variants_of(runtime, demo, TEE))[1]) == len(variants) - 1


async def test_two_variants_given_one_sku_at_once_keep_it_unique(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    _, variants = await variants_of(runtime, demo, TEE)
    first, second = variants[0], variants[1]
    answers = await asyncio.gather(
        *(
            client.post(
                variant_path(variant),
                data=edit_form(csrf, variant_name=variant.name, variant_sku="TEE-CLASSIC-NEW"),
            )
            for variant in (first, second)
        )
    )
    assert sorted(answer.status_code for answer in answers) == [303, 409]
    _, after = await variants_of(runtime, demo, TEE)
    assert [v.sku for v in after].count("TEE-CLASSIC-NEW") == 1


async def test_the_variant_page_of_an_unknown_variant_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    await sign_in(client, demo)
    tee, _ = await variants_of(runtime, demo, TEE)
    assert (await client.get(f"/dashboard/products/{tee.id}/variants/var_missing")).status_code == 404
    csrf = await csrf_of(client, f"/dashboard/products/{tee.id}")
    saved = await client.post(f"/dashboard/products/{tee.id}/variants/var_missing", data=edit_form(csrf))
    assert saved.status_code == 404
