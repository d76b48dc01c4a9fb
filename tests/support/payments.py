"""Shared set-up for the end-to-end payment tests: a store wired to the loopback fakes and an SMTP server."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from shopgraph.db.models import Order, Product
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.razorpay_fake import FAKE_KEY_ID, FAKE_KEY_SECRET, RazorpayFake
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.stripe_fake import StripeFake, sign_stripe_event
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store, checkout_body, fill_cart, make_store, product_ids

STRIPE_SECRET_KEY = "sk_test_shopgraph"
STRIPE_WEBHOOK_SECRET = "whsec_test_shopgraph"
RAZORPAY_WEBHOOK_SECRET = "rzp_webhook_secret"
STOREFRONT = "https://shop.example.com"

PROVIDER_SETTINGS = {
    "stripe": {
        "payment_provider": "stripe",
        "stripe_secret_key": STRIPE_SECRET_KEY,
        "stripe_publishable_key": "pk_test_shopgraph",
        "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET,
        "storefront_url": STOREFRONT,
    },
    "razorpay": {
        "payment_provider": "razorpay",
        "razorpay_key_id": FAKE_KEY_ID,
        "razorpay_key_secret": FAKE_KEY_SECRET,
        "razorpay_webhook_secret": RAZORPAY_WEBHOOK_SECRET,
        "storefront_url": STOREFRONT,
    },
}


def settings_with_fakes(
    database_url: str,
    *,
    stripe: StripeFake | None = None,
    razorpay: RazorpayFake | None = None,
    smtp: SmtpServer | None = None,
) -> Settings:
    """Settings whose provider SDKs and mail go to the given loopback fakes."""
    return Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        stripe_api_base=stripe.url if stripe else None,
        razorpay_api_base=razorpay.url if razorpay else None,
        smtp_url=smtp.url() if smtp else None,
    )


def hosted_settings(provider: str, **extra: str) -> dict[str, str]:
    """A store paying with `provider` and no storefront of its own, so its pages are shopgraph's hosted ones."""
    return {**{k: v for k, v in PROVIDER_SETTINGS[provider].items() if k != "storefront_url"}, **extra}


async def store_paying_with(runtime: Runtime, provider: str, slug: str = "demo", **settings: str) -> Store:
    return await make_store(runtime, slug, demo=True, settings={**PROVIDER_SETTINGS[provider], **settings})


async def checkout_one_mug(
    client: httpx.AsyncClient, store: Store, *, cart_id: str = "cart", family: str = "aerostack", **extra: Any
) -> httpx.Response:
    mug = (await product_ids(client, store))["ceramic-mug"]["id"]
    await fill_cart(client, store, cart_id, [(mug, 2)])
    url = store.aerostack("/checkout") if family == "aerostack" else store.aerocall("/checkout")
    return await client.post(url, json=checkout_body(cart_id, **extra), headers=store.auth)


async def post_stripe_event(
    client: httpx.AsyncClient, store: Store, event: dict[str, Any], secret: str = STRIPE_WEBHOOK_SECRET
) -> httpx.Response:
    body, headers = sign_stripe_event(event, secret)
    return await client.post(f"/api/v1/webhooks/stripe/{store.slug}", content=body, headers=headers)


async def order_state(runtime: Runtime, order_id: str) -> tuple[str, str]:
    async with runtime.database.read() as session:
        order = await session.get(Order, order_id)
    assert order is not None
    return order.status, order.payment_status


async def stock_of(runtime: Runtime, slug: str) -> int | None:
    async with runtime.database.read() as session:
        return await session.scalar(select(Product.stock).where(Product.slug == slug))


def as_json(response: httpx.Response) -> dict[str, Any]:
    return json.loads(response.content)  # type: ignore[no-any-return]
