"""Rendering the hosted pages, and finding the store a page belongs to."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from shopgraph.domain.stores.access import project_from_slug
from shopgraph.errors import DomainError
from shopgraph.money import symbol, to_decimal
from shopgraph.rest_compat.context import Store, runtime_of


def _money(minor: int | None, currency: str) -> str:
    return "" if minor is None else f"{symbol(currency)}{to_decimal(minor, currency)}"


@cache
def templates() -> Environment:
    environment = Environment(loader=PackageLoader("shopgraph.storefront"), autoescape=select_autoescape(default=True))
    environment.filters["money"] = _money
    return environment


def render(name: str, status: int = 200, **values: object) -> HTMLResponse:
    response = HTMLResponse(templates().get_template(name).render(**values), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    # Same-origin: an order link's token never leaves in a Referer, and forms still carry their Origin.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


async def store_named(request: Request) -> Store | None:
    """The store of the page's `/store/{slug}/` path, or None when no project has that slug."""
    runtime = runtime_of(request)
    try:
        state = await project_from_slug(runtime.state, request.path_params["project_slug"], None, require_key=False)
    except DomainError:
        return None
    return Store(runtime, state, await runtime.cache.config(state))


def no_store(slug: str) -> HTMLResponse:
    return render("not_found.html", 404, slug=slug, what="store")
