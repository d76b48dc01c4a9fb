"""Signing in to the dashboard: server-side sessions, the cookie, refusals and their rate limit."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import func, select, update

from shopgraph.db.models import ApiKey, DashboardSession
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from tests.dashboard.support import sign_in
from tests.support.factories import Store, make_store


async def _sessions(runtime: Runtime) -> list[DashboardSession]:
    async with runtime.database.read() as session:
        return list(await session.scalars(select(DashboardSession)))


async def test_a_secret_key_opens_a_session_whose_cookie_holds_only_a_random_id(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    page = await client.get("/dashboard/login")
    assert page.status_code == 200
    assert 'name="viewport"' in page.text and "Secret key" in page.text
    response = await client.post("/dashboard/login", data={"secret_key": demo.secret_key})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "Max-Age=43200" in cookie and "Path=/;" in cookie
    cookie_id = client.cookies["shopgraph_dashboard"]
    assert demo.secret_key not in cookie and demo.secret_key not in response.headers["location"]
    [row] = await _sessions(runtime)
    assert row.id_hash == hashlib.sha256(cookie_id.encode()).hexdigest() and row.project_id == demo.id
    orders = await client.get("/dashboard/orders")
    assert orders.status_code == 200 and "Orders" in orders.text and "Sign out" in orders.text


async def test_the_cookie_is_secure_over_https(app: object, demo: Store) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as secure:
        response = await secure.post("/dashboard/login", data={"secret_key": demo.secret_key})
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


async def test_wrong_public_and_revoked_keys_get_the_form_again_with_401(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    async with runtime.database.write() as session:
        await session.execute(update(ApiKey).where(ApiKey.project_id == demo.id).values(revoked_at=now_ms() - 1))
    for key in ("sk_" + "x" * 40, demo.public_key, demo.secret_key, "", "nonsense"):
        response = await client.post("/dashboard/login", data={"secret_key": key})
        assert response.status_code == 401, key
        assert "this secret key is not valid" in response.text and 'id="secret_key"' in response.text
    assert await _sessions(runtime) == []
    assert "shopgraph_dashboard" not in client.cookies


async def test_signing_out_ends_the_session_row(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    cookie_id = client.cookies["shopgraph_dashboard"]
    response = await client.post("/dashboard/logout", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/login"
    assert await _sessions(runtime) == []
    # The old id, replayed, opens nothing: the row is gone for every process.
    client.cookies.set("shopgraph_dashboard", cookie_id, path="/")
    again = await client.get("/dashboard/orders")
    assert again.status_code == 303 and again.headers["location"] == "/dashboard/login"


async def test_a_revoked_key_ends_its_sessions(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    await sign_in(client, demo)
    async with runtime.database.write() as session:
        await session.execute(update(ApiKey).where(ApiKey.project_id == demo.id).values(revoked_at=now_ms() - 1))
    response = await client.get("/dashboard/orders")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/login"


async def test_a_session_ends_after_twelve_hours_idle(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    await sign_in(client, demo)
    async with runtime.database.write() as session:
        await session.execute(update(DashboardSession).values(last_seen_at=now_ms() - 12 * 3600 * 1000 - 1000))
    response = await client.get("/dashboard/orders")
    assert response.status_code == 303


async def test_a_session_sees_only_its_own_project(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    other = await make_store(runtime, "other", demo=True)
    await sign_in(client, other)
    page = await client.get("/dashboard/orders")
    assert "other" in page.text
    async with runtime.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(DashboardSession)) == 1
        assert (await session.scalar(select(DashboardSession.project_id))) == other.id


async def test_failed_sign_ins_are_rate_limited_per_client_address(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    statuses = [
        (await client.post("/dashboard/login", data={"secret_key": "sk_" + "y" * 40})).status_code for _ in range(10)
    ]
    assert statuses == [401] * 10
    limited = await client.post("/dashboard/login", data={"secret_key": demo.secret_key})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert await _sessions(runtime) == []
