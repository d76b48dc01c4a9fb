"""Provider credentials and webhook signing secrets are stored encrypted: a dump of the database, and the DEBUG lines
of SQLAlchemy and the drivers, hold none of them; the keys rotate; a wrong key stops the start with one line."""

from __future__ import annotations

import logging
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from shopgraph.db.encryption import EncryptionKeyError, Keyring, key_file_of, keyring_for
from shopgraph.db.engine import Database
from shopgraph.db.models import StoreSettings, WebhookEndpoint
from shopgraph.db.stored_secrets import check_keys, reencrypt_all
from shopgraph.domain.events.webhook_endpoints import create_endpoint, update_endpoint
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.domain.stores.projects import create_project
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.cli import COMMAND_TIMEOUT_SECONDS, SHOPGRAPH, Cli, shopgraph_environment
from tests.support.databases import TABLES, encryption_keys_for

STRIPE_SECRET = "sk_test_RestSecretStripeKey4242"
STRIPE_WEBHOOK = "whsec_RestSecretStripeHook4242"
RAZORPAY_SECRET = "RestSecretRazorpayKey4242"
RAZORPAY_WEBHOOK = "RestSecretRazorpayHook4242"
PROVIDER_SECRETS = {
    "stripe_secret_key": STRIPE_SECRET,
    "stripe_webhook_secret": STRIPE_WEBHOOK,
    "razorpay_key_secret": RAZORPAY_SECRET,
    "razorpay_webhook_secret": RAZORPAY_WEBHOOK,
}


async def _store_secrets(database: Database) -> tuple[str, list[str]]:
    """A project with every provider secret and an endpoint whose secret was rotated (so `previous_secret` too);
    answers the project's id and every secret stored."""
    async with database.write() as session:
        created = await create_project(session, "vault")
        await update_store_settings(session, created.id, dict(PROVIDER_SECRETS))
        endpoint, first = await create_endpoint(
            session, created.id, url="https://hooks.example.com/in", allow_private_targets=True
        )
        _endpoint, second = await update_endpoint(session, created.id, endpoint.id, rotate_secret=True)
    assert second is not None
    return created.id, [*PROVIDER_SECRETS.values(), first, second]


async def _dump(url: str) -> str:
    """Every row of every table as text: SQLite's `.dump`, or each PostgreSQL row cast to text."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(url).database or "")
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    pg = await asyncpg.connect(dsn)
    try:
        lines = []
        for table in TABLES:
            lines += [row[0] for row in await pg.fetch(f"SELECT t::text FROM {table} t")]
        return "\n".join(lines)
    finally:
        await pg.close()


async def _read_back(database: Database, project_id: str) -> tuple[dict[str, str | None], list[str | None]]:
    async with database.read() as session:
        credentials, _row = await credentials_for(session, project_id)
        endpoint = (await session.scalars(select(WebhookEndpoint))).one()
    provider = {name: getattr(credentials, name) for name in PROVIDER_SECRETS}
    return provider, [endpoint.secret, endpoint.previous_secret]


async def test_a_dump_of_the_database_holds_no_secret_and_every_reader_gets_them_back(runtime: Runtime) -> None:
    # given
    project_id, stored = await _store_secrets(runtime.database)

    # when
    dump = await _dump(runtime.database.url)
    provider, endpoint_secrets = await _read_back(runtime.database, project_id)

    # then
    assert "vault" in dump  # the dump is of this database
    for secret in stored:
        assert secret not in dump
    assert provider == PROVIDER_SECRETS
    assert endpoint_secrets == [stored[5], stored[4]]


async def test_statement_parameters_as_sqlalchemy_and_the_drivers_log_them_carry_no_secret(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # given: statement parameters shown (the engine hides them by default), every logger at DEBUG
    database = Database(settings.database_url, settings.encryption_keys, echo="debug", hide_parameters=False)
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "aiosqlite", "asyncpg"):
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        # when
        project_id, stored = await _store_secrets(database)
        await _read_back(database, project_id)
    finally:
        await database.dispose()

    # then: what goes to the database is a token. SQLAlchemy's result rows are decrypted values; our logging
    # configuration drops their values (observe/logs.py HideValues, tests/observe/test_request_logs.py).
    records = [record for record in caplog.records if not record.getMessage().startswith("Row ")]
    lines = "\n".join(f"{record.name} {record.getMessage()}" for record in records)
    assert "UPDATE store_settings" in lines and "INSERT INTO webhook_endpoints" in lines
    assert "gAAAAA" in lines  # the parameters were logged, as tokens
    for secret in stored:
        assert secret not in lines


async def test_rotation_encrypts_every_secret_under_the_first_key(settings: Settings) -> None:
    # given: secrets under an old key
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    database = Database(settings.database_url, (old,))
    try:
        project_id, stored = await _store_secrets(database)
    finally:
        await database.dispose()

    # when: the new key first, the old after it, and a rotation
    both = Database(settings.database_url, (new, old))
    try:
        assert await check_keys(both) == len(stored)
        assert await reencrypt_all(both) == len(stored)
    finally:
        await both.dispose()

    # then: the new key alone opens them all; the old alone is refused
    only_new = Database(settings.database_url, (new,))
    only_old = Database(settings.database_url, (old,))
    try:
        await check_keys(only_new)
        provider, endpoint_secrets = await _read_back(only_new, project_id)
        with pytest.raises(EncryptionKeyError, match="do not decrypt"):
            await check_keys(only_old)
    finally:
        await only_new.dispose()
        await only_old.dispose()
    assert provider == PROVIDER_SECRETS
    assert endpoint_secrets == [stored[5], stored[4]]


def test_a_sqlite_file_gets_a_key_file_beside_it_readable_by_its_owner_only(tmp_path: Path) -> None:
    # given
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"

    # when
    first = keyring_for(url)
    again = keyring_for(url)

    # then
    path = key_file_of(url)
    assert path == tmp_path / "shop.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.keys == again.keys
    assert again.decrypt(first.encrypt("whsec_x")) == "whsec_x"


def test_postgresql_without_a_key_is_a_clear_error() -> None:
    with pytest.raises(EncryptionKeyError, match="SHOPGRAPH_ENCRYPTION_KEY: not set; PostgreSQL needs a key"):
        keyring_for("postgresql+asyncpg://postgres@127.0.0.1/shop")


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Iterator[Cli]:
    yield Cli(database_url, tmp_path)


def _with_keys(cli: Cli, keys: str, *arguments: str) -> tuple[int, str, str]:
    result = subprocess.run(
        [str(SHOPGRAPH), *arguments],
        cwd=cli.working_directory,
        env={**shopgraph_environment(cli.database_url), "SHOPGRAPH_ENCRYPTION_KEY": keys},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


async def test_a_wrong_key_stops_the_command_with_one_line(cli: Cli) -> None:
    # given: a store with secrets, under the keys the suite uses
    created = cli.run("project", "create", "vault")
    assert created.returncode == 0, created.stderr
    assert cli.run("project", "set", "vault", f"stripe_secret_key={STRIPE_SECRET}").returncode == 0

    # when
    status, _out, stderr = _with_keys(cli, Fernet.generate_key().decode(), "migrate")
    malformed_status, _out, malformed = _with_keys(cli, "not-a-key", "migrate")

    # then
    assert status == 2
    assert stderr.startswith("shopgraph: SHOPGRAPH_ENCRYPTION_KEY: the secrets stored in the database")
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert malformed_status == 2
    assert malformed.strip() == (
        "shopgraph: SHOPGRAPH_ENCRYPTION_KEY: key 1 is not a Fernet key (44 characters of url-safe base64); "
        "shopgraph encryption new-key prints one"
    )


async def test_shopgraph_encryption_rotate_moves_the_secrets_to_the_first_key(cli: Cli) -> None:
    # given
    assert cli.run("project", "create", "vault").returncode == 0
    assert cli.run("project", "set", "vault", f"stripe_secret_key={STRIPE_SECRET}").returncode == 0
    old = encryption_keys_for(cli.database_url)
    key_file = key_file_of(cli.database_url)
    before = key_file.read_text() if key_file else None
    new = Fernet.generate_key().decode()

    # when
    if key_file is not None:  # SQLite's key file: the command makes the new key itself
        rotated = cli.run("encryption", "rotate")
        status, out, stderr = rotated.returncode, rotated.stdout, rotated.stderr
        keys: tuple[str, ...] = ()
    else:
        status, out, stderr = _with_keys(cli, ",".join([new, *old]), "encryption", "rotate")
        keys = (new,)

    # then
    assert status == 0, stderr
    assert out.startswith("1 stored secrets encrypted again")
    if key_file is not None:
        after = key_file.read_text().split()
        assert len(after) == 1 and after[0] not in (before or "")
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    database = Database(cli.database_url, keys)
    try:
        await check_keys(database)
        async with database.read() as session:
            value = await session.scalar(select(StoreSettings.stripe_secret_key))
            token = await session.scalar(text("SELECT stripe_secret_key FROM store_settings"))
    finally:
        await database.dispose()
    assert value == STRIPE_SECRET
    assert token is not None and STRIPE_SECRET not in token
    old_keyring = Keyring(before.split() if before else old, "the old keys")
    assert not old_keyring.opens(token)
