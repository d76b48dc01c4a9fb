"""Migration 0013 gives every project that already exists a link secret of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shopgraph.db.migrate import upgrade_database


def test_existing_projects_get_distinct_secrets(tmp_path: Path) -> None:
    # given: a database from before the secret, with two projects
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_database(url, "0012")
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO projects (id, slug, name, catalog_version, settings_version, created_at)"
            " VALUES (?, ?, ?, 1, 1, 0)",
            [("proj_a", "a", "A"), ("proj_b", "b", "B")],
        )

    # when
    upgrade_database(url)

    # then
    with sqlite3.connect(path) as connection:
        secrets = [row[0] for row in connection.execute("SELECT order_link_secret FROM projects ORDER BY id")]
        not_null = [
            row[3] for row in connection.execute("PRAGMA table_info(projects)") if row[1] == "order_link_secret"
        ]
    assert len(secrets) == 2 and secrets[0] != secrets[1]
    assert all(len(secret) == 64 and int(secret, 16) >= 0 for secret in secrets)
    assert not_null == [1]
