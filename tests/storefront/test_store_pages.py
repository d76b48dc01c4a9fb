"""The hosted catalog, product and cart pages over HTTP: what they show, and every refusal a clear 4xx page."""

from __future__ import annotations

import re

import httpx

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_products, make_store, product_ids, variant_id

CARD = re.compile(r'<a href="/store/demo/products/([^"]+)">')


async def test_the_catalog_lists_categories_search_and_cards(client: httpx.AsyncClient, demo: Store) -> None:
    page = await client.get("/store/demo/")

    assert page.status_code == 200
    assert 'href="/store/demo/?category=t-shirts"' in page.text
    assert '<label for="q">Search</label>' in page.text
    cards = set(CARD.findall(page.text))
    assert {"classic-tee", "ceramic-mug"} <= cards
    assert "prototype-sneaker" not in cards  # a draft


async def test_search_and_category_narrow_the_catalog(client: httpx.AsyncClient, demo: Store) -> None:
    searched = await client.get("/store/demo/", params={"q": "mug"})
    in_category = await client.get("/store/demo/", params={"category": "t-shirts"})

    assert set(CARD.findall(searched.text)) == {"ceramic-mug"}
    assert set(CARD.findall(in_category.text)) == {"classic-tee", "graphic-tee"}
    assert "<h1>T-Shirts</h1>" in in_category.text


async def test_the_catalog_pages_through_a_large_store(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    await make_store(runtime, "big")
    big = await make_store(runtime, "bigger")
    await make_products(runtime, big, 30, variants_each=0)

    # when
    first = await client.get("/store/bigger/")
    third = await client.get("/store/bigger/", params={"page": 3})

    # then
    assert "Page 1 of 3" in first.text and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    assert "Page 3 of 3" in third.text and 'rel="prev"' in third.text and 'rel="next"' not in third.text
    assert len(re.findall(r'href="/store/bigger/products/', third.text)) == 6


async def test_a_bad_catalog_query_is_a_400_page_with_the_reason(client: httpx.AsyncClient, demo: Store) -> None:
    bad_page = await client.get("/store/demo/", params={"page": "zero"})
    bad_category = await client.get("/store/demo/", params={"category": "no-such"})
    no_store = await client.get("/store/nowhere/")

    assert bad_page.status_code == 400 and "page: must be a whole number" in bad_page.text
    assert bad_category.status_code == 400 and "category: no such category" in bad_category.text
    assert no_store.status_code == 404 and "No such store" in no_store.text


async def test_the_product_page_offers_variants_and_a_quantity(client: httpx.AsyncClient, demo: Store) -> None:
    tee = await client.get("/store/demo/products/classic-tee")
    mug = await client.get("/store/demo/products/ceramic-mug")
    missing = await client.get("/store/demo/products/no-such-thing")

    assert tee.status_code == 200
    assert '<label for="variant">Variant</label>' in tee.text and ">S, $25.00<" in tee.text
    assert '<label for="quantity">Quantity</label>' in tee.text and ">Add to cart</button>" in tee.text
    assert mug.status_code == 200 and "Variant" not in mug.text and "In stock" in mug.text
    assert missing.status_code == 404 and "No such product" in missing.text


async def _add(
    client: httpx.AsyncClient, demo: Store, slug: str, quantity: object, variant: str = ""
) -> httpx.Response:
    product = (await product_ids(client, demo))[slug]
    form = {"product_id": product["id"], "quantity": str(quantity)}
    if variant:
        form["variant_id"] = variant_id(product, variant)
    return await client.post("/store/demo/cart/items", data=form)


async def test_adding_to_the_cart_keeps_its_id_in_a_cookie(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    added = await _add(client, demo, "classic-tee", 2, "M")
    again = await _add(client, demo, "ceramic-mug", 1)
    cart = await client.get("/store/demo/cart")

    # then
    assert added.status_code == again.status_code == 303
    assert added.headers["location"] == "/store/demo/cart"
    cookie = added.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/store/demo/" in cookie
    assert "Classic Tee</a> (M)" in cart.text and "Ceramic Mug" in cart.text
    assert '<dd data-field="total">' in cart.text


async def test_a_bad_quantity_is_shown_next_to_the_field_and_adds_nothing(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # when
    refused = await _add(client, demo, "ceramic-mug", "ten")
    too_many = await _add(client, demo, "leather-backpack", 50, "Black")
    cart = await client.get("/store/demo/cart")

    # then
    assert refused.status_code == 400
    assert 'id="quantity-error"' in refused.text and "must be a whole number from 1 to 999" in refused.text
    assert 'value="ten"' in refused.text
    assert too_many.status_code == 409 and 'id="quantity-error"' in too_many.text
    assert "Your cart is empty" in cart.text


async def test_quantities_change_lines_go_and_coupons_apply(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    await _add(client, demo, "ceramic-mug", 1)
    line = re.search(r'action="/store/demo/cart/items/([^"/]+)"', (await client.get("/store/demo/cart")).text)
    assert line is not None

    # when
    changed = await client.post(f"/store/demo/cart/items/{line.group(1)}", data={"quantity": "3"})
    bad_coupon = await client.post("/store/demo/cart/coupon", data={"code": "NOPE"})
    coupon = await client.post("/store/demo/cart/coupon", data={"code": "FLAT5"}, follow_redirects=True)

    # then
    assert changed.status_code == 303
    assert bad_coupon.status_code == 400 and 'id="coupon-error"' in bad_coupon.text
    assert "there is no coupon with this code" in bad_coupon.text and 'value="NOPE"' in bad_coupon.text
    assert 'value="3"' in coupon.text and 'data-field="discount">-$5.00' in coupon.text

    # and when
    removed = await client.post(f"/store/demo/cart/items/{line.group(1)}/remove", follow_redirects=True)

    # then
    assert "Your cart is empty" in removed.text


async def test_a_form_from_another_site_changes_nothing(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    await _add(client, demo, "ceramic-mug", 1)

    # when
    mug = (await product_ids(client, demo))["ceramic-mug"]["id"]
    refused = await client.post(
        "/store/demo/cart/items",
        data={"product_id": mug, "quantity": "5"},
        headers={"Origin": "https://evil.example"},
    )

    # then
    assert refused.status_code == 403
    cart = await client.get("/store/demo/cart")
    assert re.search(r'name="quantity"[^>]*value="1"', cart.text)


async def test_changing_a_cart_without_its_cookie_is_a_409_page(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.post("/store/demo/cart/coupon", data={"code": "FLAT5"})

    assert response.status_code == 409 and "Your cart has expired" in response.text
