"""The cart, as a storefront uses it: a cart id kept in localStorage, every response the whole cart."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from shopgraph.db.models import Coupon, Product
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.demo import DEMO_IMAGE
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_product, make_store, product_ids, variant_id


class CartApi:
    """The cart endpoints of one path family, for one cart id."""

    def __init__(self, client: httpx.AsyncClient, store: Store, family: str, cart_id: str = "cart-1") -> None:
        self.client = client
        self.store = store
        base = store.aerostack("") if family == "aerostack" else store.aerocall("")
        self.url = f"{base}/cart/{cart_id}"

    async def get(self) -> httpx.Response:
        return await self.client.get(self.url, headers=self.store.auth)

    async def add(self, product_id: str, quantity: Any = 1, variant_id: str | None = None) -> httpx.Response:
        body = {"productId": product_id, "quantity": quantity, "variantId": variant_id}
        return await self.client.post(f"{self.url}/items", json=body, headers=self.store.auth)

    async def set_quantity(self, item_id: str, quantity: Any) -> httpx.Response:
        return await self.client.patch(
            f"{self.url}/items/{item_id}", json={"quantity": quantity}, headers=self.store.auth
        )

    async def remove(self, item_id: str) -> httpx.Response:
        return await self.client.delete(f"{self.url}/items/{item_id}", headers=self.store.auth)

    async def clear(self) -> httpx.Response:
        return await self.client.delete(self.url, headers=self.store.auth)

    async def apply_coupon(self, code: str) -> httpx.Response:
        return await self.client.post(f"{self.url}/coupon", json={"code": code}, headers=self.store.auth)

    async def remove_coupon(self) -> httpx.Response:
        return await self.client.delete(f"{self.url}/coupon", headers=self.store.auth)


def totals(cart: dict[str, Any]) -> tuple[float, float, float, float, float]:
    return (cart["subtotal"], cart["discount_total"], cart["tax_total"], cart["shipping_total"], cart["grand_total"])


@pytest.fixture
async def catalog(client: httpx.AsyncClient, demo: Store) -> dict[str, dict[str, Any]]:
    return await product_ids(client, demo)


async def fill_demo_cart(cart: CartApi, catalog: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Two Classic Tees (M) at 25.00 and one Ceramic Mug at 14.50: a subtotal of 64.50."""
    tee = catalog["classic-tee"]
    await cart.add(tee["id"], 2, variant_id(tee, "M"))
    response = await cart.add(catalog["ceramic-mug"]["id"])
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_an_unknown_cart_is_empty(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await CartApi(client, demo, "aerostack", "never-used").get()

    # then
    assert response.status_code == 200
    cart = response.json()
    assert cart["id"] == "never-used"
    assert cart["currency"] == "USD"
    assert cart["items"] == [] and cart["item_count"] == 0 and cart["coupon"] is None
    assert totals(cart) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("family", ["aerostack", "aerocall"])
async def test_the_guides_cart_flow_with_every_total(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]], family: str
) -> None:
    # given
    cart = CartApi(client, demo, family)

    # when
    filled = await fill_demo_cart(cart, catalog)

    # then: 10 % tax on 64.50, 5.00 shipping under the 100.00 threshold
    assert filled["item_count"] == 3
    assert totals(filled) == (64.5, 0, 6.45, 5, 75.95)
    tee_line = filled["items"][0]
    assert tee_line["name"] == "Classic Tee" and tee_line["variant_name"] == "M" and tee_line["sku"] == "TEE-CLASSIC-M"
    assert (tee_line["unit_price"], tee_line["quantity"], tee_line["line_total"]) == (25, 2, 50)
    assert tee_line["slug"] == "classic-tee" and tee_line["image"] == DEMO_IMAGE

    # when: SAVE10 takes 10 % of the subtotal, and tax follows the discounted amount
    saved = (await cart.apply_coupon("SAVE10")).json()
    assert saved["coupon"] == {"code": "SAVE10", "type": "percentage", "value": 10, "applied": True}
    assert totals(saved) == (64.5, 6.45, 5.81, 5, 68.86)
    assert sum(line["discount"] for line in saved["items"]) == pytest.approx(6.45)

    # when: FLAT5 replaces it
    flat = (await cart.apply_coupon("flat5")).json()
    assert totals(flat) == (64.5, 5, 5.95, 5, 70.45)

    # when: FREESHIP removes the shipping
    free = (await cart.apply_coupon("FREESHIP")).json()
    assert totals(free) == (64.5, 0, 6.45, 0, 70.95)

    # when: EXPIRED is refused and the cart keeps FREESHIP
    expired = await cart.apply_coupon("EXPIRED")
    assert expired.status_code == 400 and expired.json()["code"] == "EXPIRED"
    assert (await cart.get()).json()["coupon"]["code"] == "FREESHIP"

    # when: the coupon is removed
    plain = (await cart.remove_coupon()).json()
    assert plain["coupon"] is None and totals(plain) == (64.5, 0, 6.45, 5, 75.95)


async def test_shipping_is_free_over_the_threshold(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerocall")
    await fill_demo_cart(cart, catalog)
    backpack = catalog["leather-backpack"]

    # when
    response = await cart.add(backpack["id"], 1, variant_id(backpack, "Brown"))

    # then
    assert totals(response.json()) == (213.5, 0, 21.35, 0, 234.85)


async def test_adding_again_increments_and_patch_sets_the_quantity(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerostack")
    mug = catalog["ceramic-mug"]["id"]
    await cart.add(mug, 2)

    # when
    incremented = (await cart.add(mug, 3)).json()
    item_id = incremented["items"][0]["id"]
    patched = (await cart.set_quantity(item_id, 7)).json()
    removed_by_zero = (await cart.set_quantity(item_id, 0)).json()

    # then
    assert [line["quantity"] for line in incremented["items"]] == [5]
    assert patched["items"][0]["quantity"] == 7 and patched["subtotal"] == 101.5
    assert removed_by_zero["items"] == []


async def test_delete_an_item_and_clear_the_cart(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerocall")
    filled = await fill_demo_cart(cart, catalog)
    await cart.apply_coupon("SAVE10")

    # when
    after_delete = (await cart.remove(filled["items"][0]["id"])).json()
    unknown = await cart.remove(filled["items"][0]["id"])
    cleared = (await cart.clear()).json()

    # then
    assert [line["slug"] for line in after_delete["items"]] == ["ceramic-mug"]
    assert unknown.status_code == 404 and unknown.json()["code"] == "ITEM_NOT_FOUND"
    assert cleared["items"] == [] and cleared["coupon"] is None and totals(cleared) == (0, 0, 0, 0, 0)


async def test_more_than_in_stock_is_a_409_with_what_is_available(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerostack")
    knife = catalog["chef-knife"]["id"]
    await cart.add(knife, 2)

    # when
    too_many = await cart.add(knife, 2)
    sold_out = await cart.add(catalog["cutting-board"]["id"], 1)

    # then
    assert too_many.status_code == 409
    assert too_many.json()["code"] == "INSUFFICIENT_STOCK" and too_many.json()["available"] == 3
    assert sold_out.status_code == 409 and sold_out.json()["available"] == 0
    assert [line["quantity"] for line in (await cart.get()).json()["items"]] == [2]


async def test_a_product_with_variants_needs_one_of_its_own(
    client: httpx.AsyncClient, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerocall")
    tee = catalog["classic-tee"]

    # when
    without = await cart.add(tee["id"], 1)
    foreign = await cart.add(tee["id"], 1, variant_id(catalog["zip-hoodie"], "M"))
    on_simple = await cart.add(catalog["ceramic-mug"]["id"], 1, variant_id(tee, "M"))

    # then
    assert without.status_code == 400 and without.json()["code"] == "VARIANT_REQUIRED"
    assert foreign.status_code == 400 and foreign.json()["code"] == "INVALID_VARIANT"
    assert on_simple.status_code == 400 and on_simple.json()["code"] == "INVALID_VARIANT"


async def test_prices_always_come_from_the_catalog(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerostack")
    mug = catalog["ceramic-mug"]["id"]
    await client.post(
        f"{cart.url}/items", json={"productId": mug, "quantity": 1, "price": 0.01, "unitPrice": 0.01}, headers=demo.auth
    )

    # when: the merchant raises the price after the mug was added
    async with runtime.database.write() as session:
        await session.execute(update(Product).where(Product.id == mug).values(price_minor=1650))
        await bump_catalog_version(session, demo.id)
    line = (await cart.get()).json()["items"][0]

    # then
    assert line["unit_price"] == 16.5
    assert line["previous_unit_price"] == 14.5
    assert line["issues"] == ["PRICE_CHANGED"]


async def test_a_line_whose_product_sold_out_or_went_away_says_so(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerocall")
    filled = await fill_demo_cart(cart, catalog)
    assert all(line["issues"] == [] for line in filled["items"])

    # when
    async with runtime.database.write() as session:
        await session.execute(update(Product).where(Product.slug == "ceramic-mug").values(stock=0))
        await session.execute(update(Product).where(Product.slug == "classic-tee").values(status="draft"))
    after = (await cart.get()).json()

    # then
    assert [line["issues"] for line in after["items"]] == [["UNAVAILABLE"], ["OUT_OF_STOCK"]]
    assert totals(after) == (0, 0, 0, 0, 0)


async def test_removing_items_below_a_coupon_minimum_drops_the_discount_and_says_why(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given: SAVE10 now needs a subtotal of 50.00
    async with runtime.database.write() as session:
        await session.execute(update(Coupon).where(Coupon.code == "SAVE10").values(min_subtotal_minor=5000))
    cart = CartApi(client, demo, "aerostack")
    filled = await fill_demo_cart(cart, catalog)
    assert (await cart.apply_coupon("SAVE10")).json()["discount_total"] == 6.45

    # when
    after = (await cart.remove(filled["items"][0]["id"])).json()

    # then
    assert after["discount_total"] == 0
    assert after["coupon"]["applied"] is False
    assert after["coupon_error"]["reason"] == "MIN_SUBTOTAL_NOT_MET"
    assert (await cart.apply_coupon("SAVE10")).json()["code"] == "MIN_SUBTOTAL_NOT_MET"


async def test_a_coupon_for_some_products_discounts_only_those(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given: FLAT5 only for the mug
    async with runtime.database.write() as session:
        await session.execute(
            update(Coupon).where(Coupon.code == "FLAT5").values(product_ids=[catalog["ceramic-mug"]["id"]])
        )
    cart = CartApi(client, demo, "aerocall")
    await fill_demo_cart(cart, catalog)

    # when
    response = (await cart.apply_coupon("FLAT5")).json()

    # then
    assert [line["discount"] for line in response["items"]] == [0, 5]


async def test_carts_with_the_same_id_in_two_projects_are_separate(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    other = await make_store(runtime, "other")
    other_product = await make_product(runtime, other, "Other Thing", stock=5)
    await fill_demo_cart(CartApi(client, demo, "aerocall", "shared-id"), catalog)

    # when
    other_cart = CartApi(client, other, "aerocall", "shared-id")
    before = (await other_cart.get()).json()
    foreign_product = await other_cart.add(catalog["ceramic-mug"]["id"])
    own = await other_cart.add(other_product)

    # then
    assert before["items"] == []
    assert foreign_product.status_code == 404
    assert [line["name"] for line in own.json()["items"]] == ["Other Thing"]
    assert (await CartApi(client, demo, "aerocall", "shared-id").get()).json()["item_count"] == 3


async def test_an_expired_coupon_on_a_cart_stops_discounting(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, catalog: dict[str, dict[str, Any]]
) -> None:
    # given
    cart = CartApi(client, demo, "aerostack")
    await fill_demo_cart(cart, catalog)
    await cart.apply_coupon("SAVE10")

    # when
    async with runtime.database.write() as session:
        await session.execute(update(Coupon).where(Coupon.code == "SAVE10").values(ends_at=now_ms() - 1000))
    after = (await cart.get()).json()

    # then
    assert after["discount_total"] == 0
    assert after["coupon_error"]["reason"] == "EXPIRED"
