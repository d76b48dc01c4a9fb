"""API keys over their life: created (shown once), listed, revoked at once or after a grace period, and refused
everywhere once revoked, by this process and by another on the same database."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.db.models import ApiKey as ApiKeyRow
from shopgraph.domain.stores.error_codes import StoreErrorCode
from shopgraph.domain.stores.keys import create_key, list_keys, revoke_key
from shopgraph.errors import DomainError
from shopgraph.ids import now_ms
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.factories import Store
from tests.support.graphql import ADMIN, STOREFRONT, admin, refused, succeeded

CREATE = """
mutation ($kind: ApiKeyKind!, $label: String) {
  apiKeyCreate(kind: $kind, label: $label) { key apiKey { id kind label prefix revokedAt } userErrors { code } }
}"""
REVOKE = """
mutation ($id: ID!, $grace: Int) {
  apiKeyRevoke(id: $id, graceSeconds: $grace) { apiKey { id revokedAt } userErrors { code } }
}"""
LIST = "query { apiKeys { id kind label prefix createdAt lastUsedAt revokedAt } }"


def paths(store: Store, key: str) -> list[tuple[str, str, dict[str, object] | None]]:
    """One request on each door: both REST families, the storefront GraphQL and the admin GraphQL."""
    return [
        ("GET", store.aerostack("/products"), None),
        ("GET", store.aerocall("/products"), None),
        ("POST", STOREFRONT, {"query": "{ products(first: 1) { edges { node { id } } } }"}),
        ("POST", ADMIN, {"query": "{ apiKeys { id } }"}),
    ]


async def statuses(client: httpx.AsyncClient, store: Store, key: str, *, secret: bool = True) -> list[int]:
    found = []
    for method, url, body in paths(store, key):
        if url == ADMIN and not secret:
            continue
        response = await client.request(method, url, json=body, headers={"Authorization": f"Bearer {key}"})
        found.append(response.status_code)
    return found


async def test_a_created_key_is_shown_once_listed_by_its_prefix_and_works(
    client: httpx.AsyncClient, demo: Store
) -> None:
    created = succeeded((await admin(client, demo, CREATE, kind="SECRET", label="deploy"))["apiKeyCreate"])
    key = created["key"]
    assert key.startswith("sk_") and created["apiKey"]["prefix"] == key[:10]
    assert created["apiKey"]["id"].startswith("key_") and created["apiKey"]["label"] == "deploy"

    listed = (await admin(client, demo, LIST))["apiKeys"]
    assert created["apiKey"]["id"] in [row["id"] for row in listed]
    assert all(key not in str(row) or row["prefix"] == key[:10] for row in listed)
    assert await statuses(client, demo, key) == [200, 200, 200, 200]


@pytest.mark.parametrize(("kind", "label", "code"), [("NOPE", None, None), ("PUBLIC", "x" * 101, "INVALID_LABEL")])
async def test_bad_kind_or_label_is_refused(
    client: httpx.AsyncClient, demo: Store, kind: str, label: str | None, code: str | None
) -> None:
    response = await client.post(
        ADMIN,
        json={"query": CREATE, "variables": {"kind": kind, "label": label}},
        headers={"Authorization": f"Bearer {demo.secret_key}"},
    )
    body = response.json()
    if code is None:
        assert body.get("errors") and not body.get("data")
    else:
        assert refused(body["data"]["apiKeyCreate"])["code"] == code


async def test_a_revoked_key_is_refused_on_every_path_at_once(client: httpx.AsyncClient, demo: Store) -> None:
    created = succeeded((await admin(client, demo, CREATE, kind="SECRET"))["apiKeyCreate"])
    key, key_id = created["key"], created["apiKey"]["id"]
    assert await statuses(client, demo, key) == [200, 200, 200, 200]

    succeeded((await admin(client, demo, REVOKE, id=key_id))["apiKeyRevoke"])

    assert await statuses(client, demo, key) == [401, 401, 401, 401]
    assert await statuses(client, demo, demo.secret_key) == [200, 200, 200, 200]


async def test_a_key_revoked_with_grace_works_until_the_grace_ends(client: httpx.AsyncClient, demo: Store) -> None:
    created = succeeded((await admin(client, demo, CREATE, kind="PUBLIC"))["apiKeyCreate"])
    key, key_id = created["key"], created["apiKey"]["id"]

    succeeded((await admin(client, demo, REVOKE, id=key_id, grace=1))["apiKeyRevoke"])
    assert await statuses(client, demo, key, secret=False) == [200, 200, 200]
    await asyncio.sleep(1.1)
    assert await statuses(client, demo, key, secret=False) == [401, 401, 401]


async def test_the_last_secret_key_cannot_be_revoked(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    async with runtime.database.read() as session:
        (only,) = [row for row in await list_keys(session, demo.id) if row.kind == "secret"]

    answer = refused((await admin(client, demo, REVOKE, id=only.id))["apiKeyRevoke"])

    assert answer["code"] == StoreErrorCode.LAST_SECRET_KEY
    assert await statuses(client, demo, demo.secret_key) == [200, 200, 200, 200]


@pytest.mark.parametrize(
    ("key_id", "grace", "code"), [("key_nope", 0, "KEY_NOT_FOUND"), (None, -1, "INVALID_GRACE_PERIOD")]
)
async def test_unknown_key_or_bad_grace_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, key_id: str | None, grace: int, code: str
) -> None:
    async with runtime.database.write() as session:
        row, _ = await create_key(session, demo.id, kind="secret")
    answer = refused((await admin(client, demo, REVOKE, id=key_id or row.id, grace=grace))["apiKeyRevoke"])
    assert answer["code"] == code


async def test_two_revocations_racing_for_the_last_two_secret_keys_leave_one(runtime: Runtime, demo: Store) -> None:
    async with runtime.database.write() as session:
        await create_key(session, demo.id, kind="secret")
        rows = [row for row in await list_keys(session, demo.id) if row.kind == "secret"]
    assert len(rows) == 2

    async def revoke(key_id: str) -> str:
        try:
            async with runtime.database.write() as session:
                await revoke_key(session, demo.id, key_id)
        except DomainError as error:
            return str(error.code)
        return "revoked"

    outcomes = await asyncio.gather(*(revoke(row.id) for row in rows))

    assert sorted(outcomes) == [StoreErrorCode.LAST_SECRET_KEY, "revoked"]
    async with runtime.database.read() as session:
        live = [row for row in await list_keys(session, demo.id) if row.kind == "secret" and row.revoked_at is None]
    assert len(live) == 1


async def test_another_process_refuses_a_revoked_key_within_a_second(
    client: httpx.AsyncClient, settings: Settings, demo: Store
) -> None:
    second: Starlette = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://testserver") as other:
            created = succeeded((await admin(client, demo, CREATE, kind="SECRET"))["apiKeyCreate"])
            key, key_id = created["key"], created["apiKey"]["id"]
            assert await statuses(other, demo, key) == [200, 200, 200, 200]

            succeeded((await admin(client, demo, REVOKE, id=key_id))["apiKeyRevoke"])
            loop = asyncio.get_running_loop()
            started = loop.time()
            while await statuses(other, demo, key) != [401, 401, 401, 401]:
                assert loop.time() - started < 1.0
                await asyncio.sleep(0.05)
    finally:
        await second.state.runtime.close()


async def test_last_use_is_written_at_most_once_a_minute_and_never_by_a_request(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    from shopgraph.db import state as state_module

    written: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            written.append(statement)

    event.listen(runtime.database.engine.sync_engine, "before_cursor_execute", note)
    try:
        for _ in range(20):
            assert (await client.get(demo.aerocall("/products"), headers=demo.auth)).status_code == 200
        assert written == []  # no request wrote
        await runtime.state.key_use.settle()
        assert len(written) == 1
        for _ in range(20):
            assert (await client.get(demo.aerocall("/products"), headers=demo.auth)).status_code == 200
        await runtime.state.key_use.settle()
        assert len(written) == 1  # within the minute: nothing more

        later = state_module.now_ms() + 61_000
        monkeypatch.setattr(state_module, "now_ms", lambda: later)
        assert (await client.get(demo.aerocall("/products"), headers=demo.auth)).status_code == 200
        await runtime.state.key_use.settle()
        assert len(written) == 2
    finally:
        event.remove(runtime.database.engine.sync_engine, "before_cursor_execute", note)
    async with runtime.database.read() as session:
        (public,) = [row for row in await list_keys(session, demo.id) if row.kind == "public"]
    assert public.last_used_at == later


CREATE_EXPIRING = """
mutation ($kind: ApiKeyKind!, $days: Int) {
  apiKeyCreate(kind: $kind, expiresInDays: $days) { key apiKey { id createdAt expiresAt } userErrors { field code } }
}"""


async def expire_now(runtime: Runtime, key_id: str) -> None:
    """Moves a key's expiry into the past, as the days going by would."""
    async with runtime.database.write() as session:
        await session.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(expires_at=now_ms() - 1))


async def test_a_key_made_to_expire_works_until_then_and_is_refused_everywhere_after(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    created = succeeded((await admin(client, demo, CREATE_EXPIRING, kind="SECRET", days=7))["apiKeyCreate"])
    key, row = created["key"], created["apiKey"]
    assert row["expiresAt"] == row["createdAt"] + 7 * 24 * 60 * 60 * 1000
    assert await statuses(client, demo, key) == [200, 200, 200, 200]

    await expire_now(runtime, row["id"])

    assert await statuses(client, demo, key) == [401, 401, 401, 401]
    assert await statuses(client, demo, demo.secret_key) == [200, 200, 200, 200]


async def test_a_key_without_an_expiry_never_expires(client: httpx.AsyncClient, demo: Store) -> None:
    created = succeeded((await admin(client, demo, CREATE_EXPIRING, kind="PUBLIC"))["apiKeyCreate"])
    assert created["apiKey"]["expiresAt"] is None


@pytest.mark.parametrize("days", [0, -1, 3651])
async def test_a_bad_expiry_is_refused_and_creates_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, days: int
) -> None:
    answer = refused((await admin(client, demo, CREATE_EXPIRING, kind="SECRET", days=days))["apiKeyCreate"])
    assert answer == {"field": "expiresInDays", "code": StoreErrorCode.INVALID_EXPIRY}
    async with runtime.database.read() as session:
        assert len(await list_keys(session, demo.id)) == 2


async def test_an_expired_secret_key_does_not_count_as_the_last_one_left(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    created = succeeded((await admin(client, demo, CREATE_EXPIRING, kind="SECRET", days=1))["apiKeyCreate"])
    await expire_now(runtime, created["apiKey"]["id"])
    async with runtime.database.read() as session:
        (original,) = [
            row for row in await list_keys(session, demo.id) if row.kind == "secret" and row.expires_at is None
        ]

    answer = refused((await admin(client, demo, REVOKE, id=original.id))["apiKeyRevoke"])

    assert answer["code"] == StoreErrorCode.LAST_SECRET_KEY
