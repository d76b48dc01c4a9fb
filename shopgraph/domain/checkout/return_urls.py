"""Where the payment provider sends a customer back when the checkout request names no successUrl / cancelUrl:
the project's storefront_url when it has one, otherwise shopgraph's hosted pages, so there is always somewhere."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.domain.orders.links import order_link_secret, order_token


def hosted_store_url(public_url: str, project_slug: str) -> str:
    """The hosted storefront's root, `public_url` being the address shopgraph is reached at (no trailing slash)."""
    return f"{public_url}/store/{quote(project_slug, safe='')}"


def hosted_order_url(public_url: str, project_slug: str, order_id: str, link_secret: str) -> str:
    """The signed link to one order's hosted page: it opens without the customer typing an email."""
    order = quote(order_id, safe="")
    return f"{hosted_store_url(public_url, project_slug)}/orders/{order}?t={order_token(link_secret, order_id)}"


@dataclass(frozen=True)
class ReturnUrls:
    success: str | None
    cancel: str | None


@dataclass(frozen=True)
class DefaultReturns:
    """What omitted URLs become, for an order whose id is known only once it is being placed."""

    storefront_url: str | None
    public_url: str
    project_slug: str
    link_secret: str | None

    def for_order(self, order_id: str, success: str | None, cancel: str | None) -> ReturnUrls:
        if self.storefront_url or self.link_secret is None:
            return ReturnUrls(success or self.storefront_url, cancel or self.storefront_url)
        return ReturnUrls(
            success or hosted_order_url(self.public_url, self.project_slug, order_id, self.link_secret),
            cancel or f"{hosted_store_url(self.public_url, self.project_slug)}/cart",
        )


async def default_returns(
    session: AsyncSession,
    project_id: str,
    project_slug: str,
    *,
    storefront_url: str | None,
    public_url: str,
    needed: bool,
) -> DefaultReturns:
    """The project's link secret is read only when a hosted page is going to be the default."""
    secret = None
    if needed and not storefront_url:
        secret = await order_link_secret(session, project_id)
    return DefaultReturns(storefront_url, public_url.rstrip("/"), project_slug, secret)
