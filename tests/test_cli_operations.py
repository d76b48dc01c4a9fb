"""The command as a newcomer meets it: clear one-line failures, help everywhere, schema export, backups."""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from shopgraph.cli import build_parser
from shopgraph.domain.stores.settings import SETTING_KEYS
from shopgraph.schema.sdl import schema_sdl
from tests.fakes.server import free_port
from tests.support.cli import COMMAND_TIMEOUT_SECONDS, SHOPGRAPH, Cli, shopgraph_environment, succeeded

REPO = Path(__file__).parents[1]


def run_with(environment: dict[str, str], *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SHOPGRAPH), *arguments],
        cwd=cwd,
        env={**shopgraph_environment(None), **environment},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]


FAILURES = [
    pytest.param({"SHOPGRAPH_DATABASE_URL": "postgres://shop:pw@127.0.0.1/shop"}, ["SHOPGRAPH_DATABASE_URL",
                 "postgresql+asyncpg://"], id="postgres:// URL"),
    pytest.param({"SHOPGRAPH_DATABASE_URL": "sqlite+aiosqlite:////no/such/folder/shop.db"}, ["SHOPGRAPH_DATABASE_URL",
                 "unable to open database file"], id="missing SQLite folder"),
    pytest.param({"SHOPGRAPH_GRAPHQL_MAX_DEPTH": "abc"}, ["SHOPGRAPH_GRAPHQL_MAX_DEPTH", "not a whole number"],
                 id="bad number"),
    pytest.param({"SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS": "maybe"}, ["SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS"],
                 id="bad flag"),
    pytest.param({"SHOPGRAPH_DATABSE_URL": "sqlite+aiosqlite:///x.db"}, ["did you mean SHOPGRAPH_DATABASE_URL"],
                 id="mistyped name"),
]  # fmt: skip


@pytest.mark.parametrize("command", [("migrate",), ("serve", "--port", "1"), ("project", "create", "shop")])
@pytest.mark.parametrize(("environment", "expected"), FAILURES)
def test_a_bad_setting_is_one_line_and_exit_status_2(
    tmp_path: Path, command: tuple[str, ...], environment: dict[str, str], expected: list[str]
) -> None:
    assert_one_line_failure(run_with(environment, *command, cwd=tmp_path), *expected)


def test_a_database_on_a_closed_port_is_one_line_without_the_password(tmp_path: Path) -> None:
    # given
    url = f"postgresql+asyncpg://shop:hunter2secret@127.0.0.1:{free_port()}/shop"

    # when
    result = run_with({"SHOPGRAPH_DATABASE_URL": url}, "migrate", cwd=tmp_path)

    # then
    assert_one_line_failure(result, "SHOPGRAPH_DATABASE_URL", "cannot connect", "refused")
    assert "hunter2secret" not in result.stderr


def test_an_unknown_postgresql_database_is_named(tmp_path: Path) -> None:
    result = run_with(
        {"SHOPGRAPH_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_shopgraph_db"},
        "migrate",
        cwd=tmp_path,
    )
    if "refused" in result.stderr:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    assert_one_line_failure(result, "SHOPGRAPH_DATABASE_URL", 'database "no_such_shopgraph_db" does not exist')


def test_version(tmp_path: Path) -> None:
    result = succeeded(run_with({}, "--version", cwd=tmp_path))
    assert result.stdout.strip().startswith("shopgraph 0.")


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_parsers(child))
    return found


def test_every_option_and_argument_has_help_text() -> None:
    missing = [
        f"{parser.prog} {action.dest}"
        for parser in _parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert missing == []


def test_project_set_help_lists_every_key(tmp_path: Path) -> None:
    # when
    result = succeeded(run_with({}, "project", "set", "--help", cwd=tmp_path))

    # then
    listed = result.stdout.split("keys:", 1)[1]
    for key in SETTING_KEYS:
        assert f"\n  {key} " in listed
    assert "ISO 4217" in listed and "sk_live_" in listed


def test_help_lists_the_environment(tmp_path: Path) -> None:
    result = succeeded(run_with({}, "--help", cwd=tmp_path))
    assert "SHOPGRAPH_DATABASE_URL" in result.stdout and "SHOPGRAPH_LOG_FORMAT" in result.stdout


@pytest.mark.parametrize(("flags", "path"), [((), "schema/storefront.graphql"), (("--admin",), "schema/admin.graphql")])
def test_schema_export_prints_the_sdl_kept_in_the_repository(tmp_path: Path, flags: tuple[str, ...], path: str) -> None:
    # when
    printed = succeeded(run_with({}, "schema", "export", *flags, cwd=tmp_path)).stdout

    # then
    assert printed == schema_sdl(admin_schema=bool(flags))
    assert printed == (REPO / path).read_text(), (
        f"{path} is behind the code: run `shopgraph schema export {' '.join(flags)} > {path}`"
    )
    assert ("productCreate" in printed) == bool(flags)
    assert "type Query" in printed


def test_backup_on_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    result = run_with(
        {"SHOPGRAPH_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1/shop"}, "backup", "x.dump", cwd=tmp_path
    )
    assert_one_line_failure(result, "pg_dump")


def test_backup_refuses_to_overwrite_without_being_asked(cli: Cli, tmp_path: Path) -> None:
    # given
    succeeded(cli.run("migrate"))
    target = tmp_path / "copy.db"
    target.write_text("keep me")

    # when
    result = cli.run("backup", str(target))

    # then
    assert_one_line_failure(result, "exists")
    assert target.read_text() == "keep me"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(f"sqlite+aiosqlite:///{tmp_path / 'shopgraph.db'}", tmp_path)


def test_a_backup_taken_while_writes_go_on_is_consistent(cli: Cli, tmp_path: Path) -> None:
    # given: a migrated shop, and a writer whose every transaction moves one unit between two rows
    succeeded(cli.run("project", "create", "shop"))
    database = tmp_path / "shopgraph.db"
    setup = sqlite3.connect(database)
    setup.executescript(
        "CREATE TABLE ledger (account TEXT PRIMARY KEY, balance INTEGER NOT NULL);"
        "INSERT INTO ledger VALUES ('a', 100000), ('b', 0);"
    )
    setup.close()
    stop = threading.Event()
    transfers = 0

    def write() -> None:
        nonlocal transfers
        writer = sqlite3.connect(database, timeout=15, isolation_level=None)
        while not stop.is_set():
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE ledger SET balance = balance - 1 WHERE account = 'a'")
            time.sleep(0.001)  # the transaction is open while the backup may run
            writer.execute("UPDATE ledger SET balance = balance + 1 WHERE account = 'b'")
            writer.execute("COMMIT")
            transfers += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        # when
        copies = [tmp_path / f"copy-{number}.db" for number in range(3)]
        results = [cli.run("backup", str(copy)) for copy in copies]
    finally:
        stop.set()
        thread.join()

    # then
    assert transfers > 0
    balances = []
    for result, copy in zip(results, copies, strict=True):
        succeeded(result)
        assert f"backed up to {copy}" in result.stdout
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        a, b = (row[0] for row in connection.execute("SELECT balance FROM ledger ORDER BY account"))
        assert connection.execute("SELECT slug FROM projects").fetchall() == [("shop",)]
        connection.close()
        assert a + b == 100000
        balances.append(b)
    assert balances == sorted(balances)
