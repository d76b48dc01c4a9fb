"""Migration 0014 encrypts the secrets stored before it, keeps every row (SQLite rebuilds the tables it changes),
and its downgrade gives the plain values back."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import func, select, text

from shopgraph.db.engine import Database
from shopgraph.db.migrate import alembic_config, upgrade_database
from shopgraph.db.models import StoreSettings, WebhookDelivery, WebhookEndpoint
from shopgraph.domain.stores.projects import create_project
from shopgraph.ids import new_id, now_ms
from tests.support.databases import POSTGRES_ADMIN_URL, TEST_ENCRYPTION_KEY, selected_backends

BEFORE = "0013"  # the revision before 0014
STRIPE_SECRET = "sk_test_MigratedSecret4242"
WEBHOOK_SECRET = "whsec_MigratedEndpointSecret4242"


def _admin(statement: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture(params=selected_backends())
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    name = f"shopgraph_migration_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _keys(url: str) -> tuple[str, ...]:
    return () if url.startswith("sqlite") else (TEST_ENCRYPTION_KEY,)


async def _plain_secrets_as_before(url: str) -> tuple[str, str]:
    """A store and an endpoint (with a delivery that references it), their secrets written as plain text, as
    every version before 0014 stored them."""
    database = Database(url, _keys(url))
    try:
        async with database.write() as session:
            created = await create_project(session, "legacy")
            endpoint_id, now = new_id("whe"), now_ms()
            await session.execute(
                text(
                    "INSERT INTO webhook_endpoints (id, project_id, url, description, events, secret, enabled, "
                    "created_at, updated_at) VALUES (:id, :project, 'https://hooks.example.com/in', '', '[]', "
                    ":secret, :yes, :now, :now)"
                ),
                {"id": endpoint_id, "project": created.id, "secret": WEBHOOK_SECRET, "yes": True, "now": now},
            )
            await session.execute(
                text(
                    "INSERT INTO webhook_deliveries (id, endpoint_id, project_id, event_id, event_type, body, status, "
                    "attempts, next_attempt_at, created_at) VALUES (:id, :endpoint, :project, 'evt_1', "
                    "'order.created', '{}', 'pending', 0, :now, :now)"
                ),
                {"id": new_id("whd"), "endpoint": endpoint_id, "project": created.id, "now": now},
            )
            await session.execute(
                text("UPDATE store_settings SET stripe_secret_key = :secret WHERE project_id = :id"),
                {"secret": STRIPE_SECRET, "id": created.id},
            )
        return created.id, endpoint_id
    finally:
        await database.dispose()


async def _stored(url: str, project_id: str, endpoint_id: str) -> tuple[str, str, int]:
    database = Database(url, _keys(url))
    try:
        async with database.read() as session:
            stripe = await session.scalar(
                text("SELECT stripe_secret_key FROM store_settings WHERE project_id = :id"), {"id": project_id}
            )
            secret = await session.scalar(
                text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": endpoint_id}
            )
            deliveries = await session.scalar(select(func.count()).select_from(WebhookDelivery))
    finally:
        await database.dispose()
    return stripe, secret, deliveries or 0


async def test_the_migration_encrypts_stored_secrets_and_the_downgrade_restores_them(blank_url: str) -> None:
    # given: a database as it was before, with plain secrets
    await asyncio.to_thread(upgrade_database, blank_url, BEFORE)
    project_id, endpoint_id = await _plain_secrets_as_before(blank_url)

    # when
    await asyncio.to_thread(upgrade_database, blank_url, "head", _keys(blank_url))

    # then: tokens in the rows, the plain values through the models, no row lost
    stripe, secret, deliveries = await _stored(blank_url, project_id, endpoint_id)
    assert STRIPE_SECRET not in stripe and WEBHOOK_SECRET not in secret
    assert deliveries == 1
    database = Database(blank_url, _keys(blank_url))
    try:
        async with database.read() as session:
            assert await session.scalar(select(StoreSettings.stripe_secret_key)) == STRIPE_SECRET
            assert await session.scalar(select(WebhookEndpoint.secret)) == WEBHOOK_SECRET
    finally:
        await database.dispose()

    # and when it is downgraded again
    def downgrade() -> None:
        command.downgrade(alembic_config(blank_url, _keys(blank_url)), BEFORE)

    await asyncio.to_thread(downgrade)
    assert await _stored(blank_url, project_id, endpoint_id) == (STRIPE_SECRET, WEBHOOK_SECRET, 1)
