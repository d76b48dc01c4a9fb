"""The admin GraphQL for a merchant signed in to the dashboard: the session cookie stands in for the secret key,
but only on a POST from the dashboard's own origin, so that another site cannot make the browser act (CSRF)."""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request

from shopgraph.dashboard.web import COOKIE
from shopgraph.db.models import KeyKind
from shopgraph.db.state import BY_SLUG, ProjectState
from shopgraph.domain.stores.access import REFUSED
from shopgraph.domain.stores.dashboard_sessions import signed_in
from shopgraph.errors import Unauthorized
from shopgraph.runtime import Runtime


def same_origin(request: Request) -> bool:
    """The browser says where the request comes from: `Sec-Fetch-Site`, and `Origin`, which a POST always carries."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return fetch_site == "same-origin"
    host = request.headers.get("host", "")
    return origin in (f"{request.url.scheme}://{host}", f"http://{host}", f"https://{host}") and bool(host)


def has_session_cookie(request: Request) -> bool:
    return COOKIE in request.cookies


async def project_of_session(request: Request, runtime: Runtime) -> ProjectState:
    if request.method != "POST" or not same_origin(request):
        raise Unauthorized("a signed-in dashboard session is accepted only on a POST from this server's own pages")
    async with runtime.database.write() as session:
        me = await signed_in(session, request.cookies.get(COOKIE))
    if me is None:
        raise Unauthorized(REFUSED)
    state = await runtime.state.fetch(BY_SLUG, me.slug)
    if state is None:
        raise Unauthorized(REFUSED)
    return replace(state, key_kind=KeyKind.SECRET)
