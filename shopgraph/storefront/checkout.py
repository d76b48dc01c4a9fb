"""The hosted checkout: the form, the API's checkout function, then the payment step of the store's provider.

Manual payment goes straight to the signed order page; a Stripe Checkout Session redirects to its `url`; a Stripe
PaymentIntent or a Razorpay order gets a payment page that loads the provider's own script, the only script a
hosted page takes from elsewhere. Razorpay's modal hands its signature back to the page, which posts it here to
mark the order paid at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from shopgraph.domain.checkout.flow import checkout as start_checkout
from shopgraph.domain.checkout.requests import customer_field_refusals
from shopgraph.domain.checkout.return_urls import hosted_order_url
from shopgraph.domain.orders.links import order_link_secret
from shopgraph.domain.orders.razorpay_verification import verify_razorpay_checkout
from shopgraph.errors import DomainError
from shopgraph.payments import CHECKOUT_SESSION
from shopgraph.public_address import public_url
from shopgraph.rest_compat.context import Store
from shopgraph.storefront.posts import CART_COOKIE, StorePost, cart_id_of, shown, storefront_post
from shopgraph.storefront.render import no_store, render, store_named

FORM_FIELDS = ("email", "name", "line1", "city", "postal_code", "country")
# Where the checkout's own field names show on the form.
FIELD_OF_ERROR = {
    "email": "email",
    "customerName": "name",
    "shippingAddress": "line1",
    "shippingAddress.line1": "line1",
    "shippingAddress.city": "city",
    "shippingAddress.postal_code": "postal_code",
    "shippingAddress.country": "country",
}
PAYMENT_SCRIPTS = {"stripe": "https://js.stripe.com/v3/", "razorpay": "https://checkout.razorpay.com/v1/checkout.js"}


def _checkout_page(slug: str, typed: dict[str, str], status: int = 200, **errors: str) -> Response:
    values = {name: typed.get(name, "") for name in FORM_FIELDS}
    return render("checkout.html", status, slug=slug, values=values, errors=errors)


async def checkout_page(request: Request) -> Response:
    slug = request.path_params["project_slug"]
    if await store_named(request) is None:
        return no_store(slug)
    if cart_id_of(request) is None:
        return RedirectResponse(f"/store/{slug}/cart", status_code=303)
    return _checkout_page(slug, {})


@storefront_post
async def place_order(post: StorePost) -> Response:
    slug, store = post.slug, post.store
    form = {name: value.strip() for name, value in post.form.items()}
    if post.cart_id is None:
        return _checkout_page(slug, form, 409, general="Your cart has expired; add the products again.")
    fields = {
        "cart_id": post.cart_id,
        "email": form.get("email", ""),
        "customer_name": form.get("name") or None,
        "shipping_address": {
            "line1": form.get("line1", ""),
            "city": form.get("city", ""),
            "postal_code": form.get("postal_code") or None,
            "country": form.get("country", ""),
        },
    }
    refusals = customer_field_refusals(fields)
    if refusals:
        return _checkout_page(slug, form, 400, **_errors_shown(refusals))
    base = public_url(store.runtime.settings, post.request)
    try:
        result = await start_checkout(
            store.database,
            store.state,
            fields,
            config=store.config,
            settings=store.runtime.settings,
            default_stripe_mode=CHECKOUT_SESSION,
            public_url=base,
        )
    except DomainError as refused:
        return _checkout_page(slug, form, refused.status, **_errors_shown([refused]))
    order = result.order.order
    order_url = await _order_url(store, base, slug, order.id)
    payment = result.payment
    if payment.get("url"):
        response: Response = RedirectResponse(payment["url"], status_code=303)
    elif payment.get("provider") in PAYMENT_SCRIPTS:
        response = render(
            "payment.html",
            slug=slug,
            order=order,
            payment=payment,
            order_url=order_url,
            script=PAYMENT_SCRIPTS[payment["provider"]],
            publishable_key=store.config.stripe_publishable_key or "",
        )
    else:
        response = RedirectResponse(order_url, status_code=303)
    # The cart became the order; the next visit starts a new one.
    response.delete_cookie(CART_COOKIE, path=f"/store/{slug}/")
    return response


def _errors_shown(refusals: Sequence[DomainError]) -> dict[str, str]:
    """Each refusal next to its form field, the first for a field winning; any other above the form."""
    errors: dict[str, str] = {}
    for refused in refusals:
        field = FIELD_OF_ERROR.get(refused.field or "")
        if field:
            errors.setdefault(field, shown(refused))
        else:
            errors.setdefault("general", refused.message)
    return errors


@storefront_post
async def confirm_razorpay(post: StorePost) -> Response:
    """The Razorpay modal's signature, posted by the payment page: the order is paid before the webhook arrives."""
    store = post.store
    try:
        async with store.database.write() as session:
            found = await verify_razorpay_checkout(
                session,
                store.project_id,
                razorpay_order_id=post.form.get("razorpay_order_id"),
                razorpay_payment_id=post.form.get("razorpay_payment_id"),
                razorpay_signature=post.form.get("razorpay_signature"),
            )
    except DomainError as refused:
        return render("payment_refused.html", refused.status, slug=post.slug, message=refused.message)
    base = public_url(store.runtime.settings, post.request)
    return RedirectResponse(await _order_url(store, base, post.slug, found.order.id), status_code=303)


async def _order_url(store: Store, base: str, slug: str, order_id: str) -> str:
    """The signed link to the order's page; without a link secret, the page that asks for the order's email."""
    async with store.database.read() as session:
        secret = await order_link_secret(session, store.project_id)
    if not secret:
        return f"/store/{quote(slug, safe='')}/orders/{quote(order_id, safe='')}"
    return hosted_order_url(base, slug, order_id, secret)
