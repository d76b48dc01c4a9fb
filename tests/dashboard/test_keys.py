"""API keys in the dashboard: listed with their state, created (shown once), revoked at once or after a grace
period, made to expire; the domain's refusals (the last secret key, a bad label, grace or expiry) shown on the
form, changing nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from shopgraph.db.models import ApiKey, DashboardSession
from shopgraph.domain.stores.keys import list_keys
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from tests.dashboard.support import sign_in
from tests.support.factories import Store, make_store
from tests.support.graphql import ADMIN

NEW_KEY = re.compile(r'<code id="new_key">([^<]+)</code>')
KEYS = "/dashboard/keys"


@pytest.fixture
async def shop(runtime: Runtime) -> Store:
    return await make_store(runtime, "shop")


@pytest.fixture
async def bare(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no dashboard cookie, for calling the API with a key."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


async def admin_status(client: httpx.AsyncClient, key: str) -> int:
    response = await client.post(
        ADMIN, json={"query": "{ apiKeys { id } }"}, headers={"Authorization": f"Bearer {key}"}
    )
    return response.status_code


async def create(client: httpx.AsyncClient, csrf: str, kind: str, label: str = "") -> httpx.Response:
    return await client.post(KEYS, data={"csrf_token": csrf, "kind": kind, "label": label})


async def created_key(client: httpx.AsyncClient, csrf: str, kind: str, label: str = "") -> str:
    response = await create(client, csrf, kind, label)
    assert response.status_code == 201, response.text
    found = NEW_KEY.search(response.text)
    assert found is not None
    return found.group(1)


async def keys_of(runtime: Runtime, store: Store) -> list[ApiKey]:
    async with runtime.database.read() as session:
        return await list_keys(session, store.id)


async def key_id_of(runtime: Runtime, store: Store, key: str) -> str:
    return next(row.id for row in await keys_of(runtime, store) if key.startswith(row.display_prefix))


async def test_the_page_lists_the_keys_with_their_prefix_and_state(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    await sign_in(client, shop)
    page = await client.get(KEYS)
    assert page.status_code == 200
    for key in (shop.public_key, shop.secret_key):
        assert f"<code>{key[:10]}</code>" in page.text
        assert key not in page.text
    assert "(this session)" in page.text and page.text.count(">active</span>") == 2
    assert page.text.count(">Revoke</button>") == 2
    assert ">Create public key</button>" in page.text and ">Create secret key</button>" in page.text


async def test_a_new_secret_key_is_shown_once_and_opens_the_admin_api(
    client: httpx.AsyncClient, bare: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    key = await created_key(client, csrf, "secret", "deploy")
    assert key.startswith("sk_")
    assert await admin_status(bare, key) == 200
    page = (await client.get(KEYS)).text
    assert key not in page and f"<code>{key[:10]}</code>" in page and "deploy" in page
    [row] = [row for row in await keys_of(runtime, shop) if row.label == "deploy"]
    assert (row.kind, row.display_prefix, row.revoked_at) == ("secret", key[:10], None)


async def test_a_new_public_key_opens_the_storefront_and_not_the_admin_api(
    client: httpx.AsyncClient, bare: httpx.AsyncClient, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    key = await created_key(client, csrf, "public")
    assert key.startswith("pk_")
    products = await bare.get(shop.aerostack("/products"), headers={"Authorization": f"Bearer {key}"})
    assert products.status_code == 200
    assert await admin_status(bare, key) == 401


@pytest.mark.parametrize(
    ("form", "error_id"),
    [
        ({"kind": "secret", "label": "x" * 101}, "label_error"),
        ({"kind": "secret", "label": "tab\there"}, "label_error"),
        ({"kind": "master", "label": ""}, "kind_error"),
        ({"label": "no kind"}, "kind_error"),
    ],
)
async def test_a_refused_key_shows_the_error_at_its_field_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store, form: dict[str, str], error_id: str
) -> None:
    csrf = await sign_in(client, shop)
    response = await client.post(KEYS, data={"csrf_token": csrf, **form})
    assert response.status_code == 400, response.text
    assert f'id="{error_id}"' in response.text
    assert NEW_KEY.search(response.text) is None
    assert len(await keys_of(runtime, shop)) == 2


async def test_the_last_secret_key_cannot_be_revoked(
    client: httpx.AsyncClient, bare: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    secret_id = await key_id_of(runtime, shop, shop.secret_key)
    response = await client.post(f"{KEYS}/{secret_id}/revoke", data={"csrf_token": csrf, "grace_seconds": "0"})
    assert response.status_code == 409
    assert 'id="revoke_error"' in response.text and "last working secret key" in response.text
    assert all(row.revoked_at is None for row in await keys_of(runtime, shop))
    assert await admin_status(bare, shop.secret_key) == 200
    assert (await client.get(KEYS)).status_code == 200


async def test_a_revoked_key_is_refused_at_once_and_a_key_in_its_grace_period_still_works(
    client: httpx.AsyncClient, bare: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    first = await created_key(client, csrf, "secret", "first")
    second = await created_key(client, csrf, "secret", "second")

    revoked = await client.post(
        f"{KEYS}/{await key_id_of(runtime, shop, first)}/revoke", data={"csrf_token": csrf, "grace_seconds": "0"}
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/dashboard/keys?done=revoked"
    assert await admin_status(bare, first) == 401

    grace = await client.post(
        f"{KEYS}/{await key_id_of(runtime, shop, second)}/revoke", data={"csrf_token": csrf, "grace_seconds": "3600"}
    )
    assert grace.status_code == 303
    assert await admin_status(bare, second) == 200
    page = (await client.get(KEYS)).text
    assert ">revoked</span>" in page and ">in grace period</span>" in page
    assert page.count(">Revoke</button>") == 2


@pytest.mark.parametrize("grace", ["-1", "soon", "2592001", "1.5"])
async def test_a_bad_grace_period_is_refused_and_revokes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store, grace: str
) -> None:
    csrf = await sign_in(client, shop)
    response = await client.post(
        f"{KEYS}/{await key_id_of(runtime, shop, shop.public_key)}/revoke",
        data={"csrf_token": csrf, "grace_seconds": grace},
    )
    assert response.status_code == 400 and 'id="revoke_error"' in response.text
    assert "graceSeconds" in response.text
    assert all(row.revoked_at is None for row in await keys_of(runtime, shop))


async def test_an_unknown_or_foreign_key_is_not_found(client: httpx.AsyncClient, runtime: Runtime, shop: Store) -> None:
    other = await make_store(runtime, "other")
    csrf = await sign_in(client, shop)
    for key_id in ("key_missing", await key_id_of(runtime, other, other.public_key)):
        response = await client.post(f"{KEYS}/{key_id}/revoke", data={"csrf_token": csrf})
        assert response.status_code == 404 and 'id="revoke_error"' in response.text
    assert all(row.revoked_at is None for row in await keys_of(runtime, other))


async def test_a_post_without_the_csrf_token_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    await sign_in(client, shop)
    assert (await client.post(KEYS, data={"kind": "secret"})).status_code == 403
    public_id = await key_id_of(runtime, shop, shop.public_key)
    refused = await client.post(f"{KEYS}/{public_id}/revoke", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    rows = await keys_of(runtime, shop)
    assert len(rows) == 2 and all(row.revoked_at is None for row in rows)


async def test_revoking_the_key_of_the_session_ends_every_session_it_opened(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await sign_in(other, shop)
        replacement = await created_key(client, csrf, "secret", "replacement")

        response = await client.post(
            f"{KEYS}/{await key_id_of(runtime, shop, shop.secret_key)}/revoke",
            data={"csrf_token": csrf, "grace_seconds": "0"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard/login?done=key+revoked"
        assert 'shopgraph_dashboard=""' in response.headers["set-cookie"]
        login = await client.get(response.headers["location"])
        assert "the key this session signed in with was revoked" in login.text

        again = await other.get(KEYS)
        assert again.status_code == 303 and again.headers["location"] == "/dashboard/login"
    async with runtime.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(DashboardSession)) == 0

    await sign_in(client, Store(shop.id, shop.slug, shop.public_key, replacement))
    assert (await client.get(KEYS)).status_code == 200


async def test_revoking_the_session_key_with_a_grace_period_keeps_the_session_until_then(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    await created_key(client, csrf, "secret")
    response = await client.post(
        f"{KEYS}/{await key_id_of(runtime, shop, shop.secret_key)}/revoke",
        data={"csrf_token": csrf, "grace_seconds": "3600"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/keys?done=revoked"
    assert (await client.get(KEYS)).status_code == 200


async def test_two_secret_keys_revoked_at_once_leave_one(
    client: httpx.AsyncClient, bare: httpx.AsyncClient, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    second = await created_key(client, csrf, "secret")
    ids = [await key_id_of(runtime, shop, key) for key in (shop.secret_key, second)]
    answers = await asyncio.gather(
        *(client.post(f"{KEYS}/{key_id}/revoke", data={"csrf_token": csrf, "grace_seconds": "0"}) for key_id in ids)
    )
    # The loser is refused (409), or, when the winner revoked this session's key first, sent to sign in again.
    assert 303 in [answer.status_code for answer in answers]
    live = [row for row in await keys_of(runtime, shop) if row.kind == "secret" and row.revoked_at is None]
    assert len(live) == 1
    assert await admin_status(bare, shop.secret_key if live[0].id == ids[0] else second) == 200


async def test_a_key_created_with_an_expiry_shows_it(client: httpx.AsyncClient, runtime: Runtime, shop: Store) -> None:
    csrf = await sign_in(client, shop)
    response = await client.post(KEYS, data={"csrf_token": csrf, "kind": "public", "expires_in_days": "30"})
    assert response.status_code == 201
    [row] = [row for row in await keys_of(runtime, shop) if row.expires_at is not None]
    assert row.expires_at == row.created_at + 30 * 24 * 60 * 60 * 1000
    shown = datetime.fromtimestamp(row.expires_at / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert f"<td>{shown}</td>" in (await client.get(KEYS)).text


@pytest.mark.parametrize("days", ["0", "3651", "soon", "-3", "1.5"])
async def test_a_bad_expiry_shows_its_error_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, shop: Store, days: str
) -> None:
    csrf = await sign_in(client, shop)
    response = await client.post(KEYS, data={"csrf_token": csrf, "kind": "secret", "expires_in_days": days})
    assert response.status_code == 400
    assert 'id="expires_in_days_error"' in response.text and f'value="{days}"' in response.text
    assert len(await keys_of(runtime, shop)) == 2


async def test_an_expired_key_ends_its_sessions_and_cannot_sign_in(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, shop: Store
) -> None:
    csrf = await sign_in(client, shop)
    key = await created_key(client, csrf, "secret", "short")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await sign_in(other, Store(shop.id, shop.slug, shop.public_key, key))
        key_id = await key_id_of(runtime, shop, key)
        async with runtime.database.write() as session:
            await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(expires_at=now_ms() - 1))

        again = await other.get(KEYS)
        assert again.status_code == 303 and again.headers["location"] == "/dashboard/login"
        refused = await other.post("/dashboard/login", data={"secret_key": key})
        assert refused.status_code == 401
    page = (await client.get(KEYS)).text
    assert ">expired</span>" in page
