"""Servers started together migrate once: the second `shopgraph migrate` waits for the first, then has nothing to do."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shopgraph.db.migrate import MIGRATION_LOCK_KEY
from tests.support.cli import COMMAND_TIMEOUT_SECONDS, SHOPGRAPH, shopgraph_environment
from tests.support.databases import POSTGRES_ADMIN_URL, selected_backends

pytestmark = pytest.mark.skipif("postgresql" not in selected_backends(), reason="needs PostgreSQL")


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    name = f"shopgraph_migrate_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(_dsn(POSTGRES_ADMIN_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def start_migrate(url: str, directory: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(SHOPGRAPH), "migrate"],
        cwd=directory,
        env=shopgraph_environment(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _stdout, stderr = process.communicate(timeout=COMMAND_TIMEOUT_SECONDS)
    return process.returncode, stderr


async def test_two_migrations_started_together_on_a_fresh_database_both_succeed_once(
    fresh_database: str, tmp_path: Path
) -> None:
    # given: the lock held, as a first migration would hold it
    holder = await asyncpg.connect(_dsn(fresh_database))
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)

    # when
    processes = [start_migrate(fresh_database, tmp_path) for _ in range(2)]
    await asyncio.sleep(4)
    waiting = [process.poll() is None for process in processes]
    tables_while_waiting = await holder.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    await transaction.rollback()
    results = [await asyncio.to_thread(finish, process) for process in processes]

    # then
    assert waiting == [True, True]
    assert tables_while_waiting == 0
    assert [code for code, _ in results] == [0, 0], [stderr for _, stderr in results]
    versions = await holder.fetch("SELECT version_num FROM alembic_version")
    projects = await holder.fetchval("SELECT count(*) FROM projects")
    await holder.close()
    assert len(versions) == 1 and projects == 0


async def test_three_migrations_racing_on_a_fresh_database_all_succeed(fresh_database: str, tmp_path: Path) -> None:
    # when
    started = time.monotonic()
    processes = [start_migrate(fresh_database, tmp_path) for _ in range(3)]
    results = [await asyncio.to_thread(finish, process) for process in processes]

    # then
    assert [code for code, _ in results] == [0, 0, 0], [stderr for _, stderr in results]
    connection = await asyncpg.connect(_dsn(fresh_database))
    assert len(await connection.fetch("SELECT version_num FROM alembic_version")) == 1
    await connection.close()
    assert time.monotonic() - started < COMMAND_TIMEOUT_SECONDS
