"""Sign-in and sign-out: a secret key opens a session; failed attempts are rate limited per client address."""

from __future__ import annotations

from limits import parse
from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import (
    COOKIE,
    clear_session_cookie,
    csrf_ok,
    current,
    redirect,
    refused,
    render,
    runtime_of,
    set_session_cookie,
)
from shopgraph.domain.stores.dashboard_sessions import sign_in, sign_out
from shopgraph.errors import DomainError
from shopgraph.forms import form_of
from shopgraph.rate_limits import RequestLimiter

FAILED_SIGN_INS = "10/minute"


class SignInPages:
    def __init__(self, redis_url: str | None) -> None:
        self.failures = RequestLimiter(parse(FAILED_SIGN_INS), redis_url)

    def _client(self, request: Request) -> str:
        return "dashboard-sign-in:" + (request.client.host if request.client else "unknown")

    async def _blocked(self, request: Request) -> int | None:
        return await self.failures.locked_for(self._client(request))

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            if await current(request) is not None:
                return redirect("/orders")
            return render(request, "login.html", key_revoked=request.query_params.get("done") == "key revoked")
        wait = await self._blocked(request)
        if wait is not None:
            response = render(request, "login.html", status=429, error=f"too many failed sign-ins; wait {wait} s")
            response.headers["retry-after"] = str(wait)
            return response
        form = await form_of(request)
        try:
            async with runtime_of(request).database.write() as session:
                opened = await sign_in(session, form.get("secret_key", ""))
        except DomainError as error:
            await self.failures.count_failure(self._client(request))
            return render(request, "login.html", status=401, error=error.message)
        response = redirect("/orders")
        set_session_cookie(request, response, opened.cookie_id)
        return response

    async def logout(self, request: Request) -> Response:
        me = await current(request)
        form = await form_of(request)
        if me is not None and not csrf_ok(me, form):
            return refused(request, me)
        async with runtime_of(request).database.write() as session:
            await sign_out(session, request.cookies.get(COOKIE))
        response = redirect("/login")
        clear_session_cookie(request, response)
        return response
