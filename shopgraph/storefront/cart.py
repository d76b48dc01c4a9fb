"""The hosted cart: adding from a product page, changing quantities, removing lines, applying a coupon.

Every change goes through the same cart functions as the API's.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.domain.carts import changes
from shopgraph.domain.carts.reads import CartId, CartView, LineIssue, read_cart
from shopgraph.errors import DomainError
from shopgraph.rest_compat.context import Store
from shopgraph.storefront.catalog import product_page
from shopgraph.storefront.posts import StorePost, cart_id_of, shown, storefront_post, to_cart
from shopgraph.storefront.render import no_store, render, store_named

ISSUE_TEXT = {
    LineIssue.UNAVAILABLE: "No longer available: remove it to check out.",
    LineIssue.OUT_OF_STOCK: "Out of stock: remove it to check out.",
    LineIssue.INSUFFICIENT_STOCK: "Fewer left than you asked for.",
    LineIssue.PRICE_CHANGED: "The price has changed since you added it.",
}


async def _cart(store: Store, cart_id: CartId | None) -> CartView | None:
    if cart_id is None:
        return None
    async with store.database.read() as session:
        return await read_cart(session, store.project_id, cart_id, store.config)


def _cart_page(slug: str, cart: CartView | None, status: int = 200, **shown_values: object) -> Response:
    values = {"error": "", "coupon_error": "", "coupon_code": "", **shown_values}
    purchasable = bool(cart and cart.lines and all(line.purchasable for line in cart.lines))
    return render("cart.html", status, slug=slug, cart=cart, checkout=purchasable, issue_text=ISSUE_TEXT, **values)


async def cart_page(request: Request) -> Response:
    slug = request.path_params["project_slug"]
    store = await store_named(request)
    if store is None:
        return no_store(slug)
    return _cart_page(slug, await _cart(store, cart_id_of(request)))


def _quantity(form: dict[str, str]) -> object:
    text = form.get("quantity", "").strip()
    return int(text) if text.isdigit() and len(text) < 5 else text


@storefront_post
async def add_to_cart(post: StorePost) -> Response:
    store, form = post.store, post.form
    cart_id = post.cart_id or CartId(secrets.token_urlsafe(18))
    product_id = form.get("product_id", "")
    try:
        async with store.database.write() as session:
            await changes.add_item(
                session,
                store.project_id,
                cart_id,
                product_id=product_id,
                variant_id=form.get("variant_id") or None,
                quantity=_quantity(form),
                config=store.config,
            )
    except DomainError as refused:
        snapshot = await store.catalog()
        product = snapshot.products_by_id.get(product_id)
        if product is None:
            return render("not_found.html", 404, slug=post.slug, what="product")
        post.request.path_params["product_slug"] = product.slug
        return await product_page(
            post.request, error=shown(refused), status=refused.status, quantity=form.get("quantity", "")
        )
    return to_cart(post, cart_id)


Change = Callable[[Store, CartId, StorePost], Awaitable[object]]


def cart_change(change: Change, *, coupon: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A POST that changes the customer's cart, then shows it; a refusal shows the cart unchanged with the reason."""

    async def endpoint(post: StorePost) -> Response:
        store, cart_id = post.store, post.cart_id
        if cart_id is None:
            return _cart_page(post.slug, None, 409, error="Your cart has expired; add the products again.")
        try:
            await change(store, cart_id, post)
        except DomainError as refused:
            cart = await _cart(store, cart_id)
            if coupon:
                return _cart_page(
                    post.slug, cart, refused.status, coupon_error=shown(refused), coupon_code=post.form.get("code", "")
                )
            return _cart_page(post.slug, cart, refused.status, error=shown(refused))
        return to_cart(post, cart_id)

    return storefront_post(endpoint)


async def _update(store: Store, cart_id: CartId, post: StorePost) -> None:
    async with store.database.write() as session:
        await changes.update_item(
            session,
            store.project_id,
            cart_id,
            post.request.path_params["item_id"],
            quantity=_quantity(post.form),
            config=store.config,
        )


async def _remove(store: Store, cart_id: CartId, post: StorePost) -> None:
    async with store.database.write() as session:
        await changes.remove_item(
            session, store.project_id, cart_id, post.request.path_params["item_id"], config=store.config
        )


async def _apply_coupon(store: Store, cart_id: CartId, post: StorePost) -> None:
    async with store.database.write() as session:
        await changes.apply_coupon(
            session, store.project_id, cart_id, code=post.form.get("code", ""), config=store.config
        )


update_line = cart_change(_update)
remove_line = cart_change(_remove)
apply_coupon = cart_change(_apply_coupon, coupon=True)
