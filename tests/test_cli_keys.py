"""`shopgraph key list|create|revoke`: the key printed once, the list without keys, bad input one line and status 2."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tests.support.cli import cli_in, succeeded


def test_keys_are_created_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    cli = cli_in(tmp_path)
    created = json.loads(succeeded(cli.run("project", "create", "shop", "--json")).stdout)

    made = json.loads(succeeded(cli.run("key", "create", "shop", "--kind", "secret", "--label", "ci", "--json")).stdout)
    assert set(made) == {"id", "kind", "key"} and made["kind"] == "secret" and made["key"].startswith("sk_")

    listed = json.loads(succeeded(cli.run("key", "list", "shop", "--json")).stdout)
    assert made["id"] in [row["id"] for row in listed]
    assert made["key"] not in json.dumps(listed) and created["secret_key"] not in json.dumps(listed)
    assert made["key"] not in succeeded(cli.run("key", "list", "shop")).stdout

    succeeded(cli.run("key", "revoke", "shop", made["id"], "--grace-seconds", "60"))
    (row,) = [
        row for row in json.loads(succeeded(cli.run("key", "list", "shop", "--json")).stdout) if row["id"] == made["id"]
    ]
    assert row["revoked_at"] is not None


def test_a_key_created_with_an_expiry_lists_it(tmp_path: Path) -> None:
    cli = cli_in(tmp_path)
    succeeded(cli.run("project", "create", "shop", "--json"))

    printed = succeeded(cli.run("key", "create", "shop", "--kind", "public", "--expires-in-days", "30")).stdout
    assert "stops working at" in printed

    (row,) = [
        row for row in json.loads(succeeded(cli.run("key", "list", "shop", "--json")).stdout) if row["expires_at"]
    ]
    assert row["expires_at"] == row["created_at"] + 30 * 24 * 60 * 60 * 1000
    assert "expires" in succeeded(cli.run("key", "list", "shop")).stdout.splitlines()[0]


def test_bad_key_commands_fail_in_one_line_with_status_2(tmp_path: Path) -> None:
    cli = cli_in(tmp_path)
    succeeded(cli.run("project", "create", "shop", "--json"))
    (only,) = [
        row for row in json.loads(succeeded(cli.run("key", "list", "shop", "--json")).stdout) if row["kind"] == "secret"
    ]

    for arguments in (
        ("key", "revoke", "shop", only["id"]),
        ("key", "revoke", "shop", "key_nope"),
        ("key", "revoke", "shop", only["id"], "--grace-seconds", "-5"),
        ("key", "create", "shop", "--kind", "secret", "--label", "x" * 101),
        ("key", "create", "shop", "--kind", "secret", "--expires-in-days", "0"),
        ("key", "create", "shop", "--kind", "public", "--expires-in-days", "3651"),
        ("key", "list", "nope"),
    ):
        result = cli.run(*arguments)
        assert result.returncode == 2, (arguments, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_serve_demo_on_a_port_in_use_fails_without_issuing_keys(tmp_path: Path) -> None:

    cli = cli_in(tmp_path)
    succeeded(cli.run("project", "create", "demo", "--demo", "--json"))
    before = json.loads(succeeded(cli.run("key", "list", "demo", "--json")).stdout)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = cli.run("serve", "--demo", "--port", str(port))

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "sk_" not in result.stdout
    assert json.loads(succeeded(cli.run("key", "list", "demo", "--json")).stdout) == before
