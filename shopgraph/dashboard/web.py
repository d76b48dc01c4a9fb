"""What every dashboard page shares: templates, the session cookie, CSRF checks and form bodies."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shopgraph.domain.stores.dashboard_sessions import IDLE_MS, SignedIn, signed_in
from shopgraph.explore.pages import CONTENT_SECURITY_POLICY
from shopgraph.forms import form_of
from shopgraph.money import symbol, to_decimal
from shopgraph.runtime import Runtime

COOKIE = "shopgraph_dashboard"
PREFIX = "/dashboard"
STATIC_DIRECTORY = Path(__file__).resolve().parent / "static"

Page = Callable[[Request, SignedIn], Awaitable[Response]]


def _money(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    return f"{symbol(currency)}{to_decimal(minor, currency)}"


def _time(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def page_window(current: int, count: int, width: int = 2) -> list[int | None]:
    """The page numbers a list links to: the first, the last, and `width` either side of the current one; None
    where numbers are left out. A list of thousands of pages shows a handful of links."""
    shown = {1, count, *range(max(1, current - width), min(count, current + width) + 1)}
    window: list[int | None] = []
    previous = 0
    for number in sorted(shown):
        if number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


@cache
def templates() -> Environment:
    environment = Environment(loader=PackageLoader("shopgraph.dashboard"), autoescape=select_autoescape(default=True))
    environment.filters["money"] = _money
    environment.filters["time"] = _time
    environment.globals["camel"] = _camel
    environment.globals["page_window"] = page_window
    return environment


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def render(
    request: Request, template: str, *, status: int = 200, me: SignedIn | None = None, **context: Any
) -> Response:
    body = templates().get_template(template).render(request=request, me=me, prefix=PREFIX, **context)
    response = HTMLResponse(body, status_code=status)
    response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    response.headers["cache-control"] = "no-store"
    response.headers["x-frame-options"] = "DENY"
    response.headers["referrer-policy"] = "same-origin"
    return response


def redirect(path: str, **query: str) -> Response:
    suffix = ("?" + urlencode(query)) if query else ""
    return RedirectResponse(PREFIX + path + suffix, status_code=303)


def set_session_cookie(request: Request, response: Response, cookie_id: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie_id,
        max_age=IDLE_MS // 1000,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")


async def current(request: Request) -> SignedIn | None:
    async with runtime_of(request).database.write() as session:
        return await signed_in(session, request.cookies.get(COOKIE))


def csrf_ok(me: SignedIn, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("csrf_token", "").encode(), me.csrf_token.encode())


def refused(request: Request, me: SignedIn | None) -> Response:
    return render(request, "refused.html", status=403, me=me)


def signed_in_page(page: Page) -> Callable[[Request], Awaitable[Response]]:
    """Sends a visitor without a live session to sign in; refuses a POST whose CSRF token is missing or wrong."""

    async def endpoint(request: Request) -> Response:
        me = await current(request)
        if me is None:
            if request.method == "POST":
                return render(request, "login.html", status=401, error="please sign in again")
            return redirect("/login")
        if request.method == "POST":
            form = await form_of(request)
            if not csrf_ok(me, form):
                return refused(request, me)
            request.state.form = form
        return await page(request, me)

    return endpoint


def posted(request: Request) -> dict[str, str]:
    return request.state.form  # type: ignore[no-any-return]
