"""What every form a hosted page posts starts with: the store, the same-site check, the form and the cart cookie.

The cart id lives in an HttpOnly, SameSite=Lax cookie scoped to the store's pages, so another site's form cannot
post to a customer's cart with it; a POST whose `Origin` names another site is refused as well.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from shopgraph.domain.carts.reads import CartId, validate_cart_id
from shopgraph.errors import DomainError
from shopgraph.forms import form_of
from shopgraph.rest_compat.context import Store
from shopgraph.storefront.render import no_store, render, store_named

CART_COOKIE = "shopgraph_cart"
CART_COOKIE_DAYS = 30


@dataclass(frozen=True)
class StorePost:
    request: Request
    slug: str
    store: Store
    form: dict[str, str]
    cart_id: CartId | None


def cart_id_of(request: Request) -> CartId | None:
    try:
        return validate_cart_id(request.cookies.get(CART_COOKIE, ""))
    except DomainError:
        return None


def same_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def shown(error: DomainError) -> str:
    """The message without its field's name, since the page shows it next to that field."""
    return error.message.removeprefix(f"{error.field}: ") if error.field else error.message


def storefront_post(handler: Callable[[StorePost], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for a hosted form: 404 for an unknown store, 403 for another site's post, else the handler."""

    async def endpoint(request: Request) -> Response:
        slug = request.path_params["project_slug"]
        store = await store_named(request)
        if store is None:
            return no_store(slug)
        if not same_site(request):
            return render("refused.html", 403, slug=slug)
        return await handler(StorePost(request, slug, store, await form_of(request), cart_id_of(request)))

    return endpoint


def to_cart(post: StorePost, cart_id: CartId) -> Response:
    """To the cart page, with the cart's cookie set (or renewed)."""
    response = RedirectResponse(f"/store/{post.slug}/cart", status_code=303)
    response.set_cookie(
        CART_COOKIE,
        cart_id,
        max_age=CART_COOKIE_DAYS * 86_400,
        path=f"/store/{post.slug}/",
        httponly=True,
        samesite="lax",
        secure=post.request.url.scheme == "https",
    )
    return response
