"""API keys: the project's keys with their state, `Create public key`, `Create secret key`, and `Revoke` per key.

A new key is shown once, in the answer to the form that created it (rendered straight away, as a new webhook
endpoint's secret is). Revoking the key this session signed in with, at once, ends the session: its rows go, the
cookie is cleared and the browser is sent to sign in again.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import clear_session_cookie, posted, redirect, render, runtime_of
from shopgraph.db.models import ApiKey
from shopgraph.domain.stores import keys
from shopgraph.domain.stores.dashboard_sessions import SignedIn, end_sessions_of_key
from shopgraph.errors import DomainError
from shopgraph.ids import now_ms

GRACE_PERIODS = [
    ("0", "none: at once"),
    ("3600", "1 hour"),
    ("86400", "1 day"),
    ("604800", "7 days"),
    ("2592000", "30 days"),
]


def key_state(key: ApiKey, now: int) -> tuple[str, str]:
    """A short state and its CSS class: active, in a grace period, revoked or expired."""
    if key.revoked_at is not None:
        return ("in grace period", "grace") if key.revoked_at > now else ("revoked", "revoked")
    if key.expires_at is not None and key.expires_at <= now:
        return "expired", "expired"
    return "active", "active"


def _whole_number(text: str, *, empty: int | None) -> int | str | None:
    """A number field as an int when it is one; anything else goes to the domain as given, to be refused there."""
    text = text.strip()
    if not text:
        return empty
    return int(text) if text.isdigit() else text


async def _page(
    request: Request,
    me: SignedIn,
    *,
    status: int = 200,
    created: tuple[ApiKey, str] | None = None,
    error: DomainError | None = None,
    failed_key: str = "",
) -> Response:
    async with runtime_of(request).database.read() as session:
        listed = await keys.list_keys(session, me.project_id)
    now = now_ms()
    return render(
        request,
        "keys.html",
        status=error.status if error else status,
        me=me,
        keys=listed,
        states={key.id: key_state(key, now) for key in listed},
        created=created,
        error=error,
        failed_key=failed_key,
        values=posted(request) if error and not failed_key else {},
        grace_periods=GRACE_PERIODS,
        notice=request.query_params.get("done"),
    )


async def key_list(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _page(request, me)
    form = posted(request)
    try:
        async with runtime_of(request).database.write() as session:
            created = await keys.create_key(
                session,
                me.project_id,
                form.get("kind", ""),
                form.get("label", ""),
                _whole_number(form.get("expires_in_days", ""), empty=None),
            )
    except DomainError as error:
        return await _page(request, me, error=error)
    return await _page(request, me, status=201, created=created)


async def revoke(request: Request, me: SignedIn) -> Response:
    key_id = request.path_params["key_id"]
    grace = _whole_number(posted(request).get("grace_seconds", ""), empty=0)
    try:
        async with runtime_of(request).database.write() as session:
            revoked = await keys.revoke_key(session, me.project_id, key_id, grace)
            ended_now = revoked.revoked_at is not None and revoked.revoked_at <= now_ms()
            if ended_now:
                await end_sessions_of_key(session, revoked.id)
    except DomainError as error:
        return await _page(request, me, error=error, failed_key=key_id)
    if ended_now and revoked.id == me.key_id:
        response = redirect("/login", done="key revoked")
        clear_session_cookie(request, response)
        return response
    return redirect("/keys", done="revoked")
