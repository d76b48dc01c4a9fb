"""provider and webhook signing secrets encrypted at rest

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:00:00

The columns become TEXT (a Fernet token is longer than the secret), and every value stored so far is encrypted
with the first key of `SHOPGRAPH_ENCRYPTION_KEY`, or the SQLite database's key file. A database with no secrets
stored needs no key to upgrade.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from shopgraph.db.encryption import Keyring, keyring_for

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# As the columns were before this revision: (table, key column, {column: (length, nullable)}).
_COLUMNS: tuple[tuple[str, str, dict[str, tuple[int, bool]]], ...] = (
    (
        "store_settings",
        "project_id",
        {
            "stripe_secret_key": (255, True),
            "stripe_webhook_secret": (255, True),
            "razorpay_key_secret": (255, True),
            "razorpay_webhook_secret": (255, True),
        },
    ),
    ("webhook_endpoints", "id", {"secret": (100, False), "previous_secret": (100, True)}),
)


class _LazyKeyring:
    """The keyring is looked for only when there is a value to change."""

    def __init__(self) -> None:
        self._keyring: Keyring | None = None

    def get(self) -> Keyring:
        if self._keyring is None:
            config = op.get_context().config
            assert config is not None
            keys = config.attributes.get("encryption_keys", ())
            self._keyring = keyring_for(config.get_main_option("sqlalchemy.url") or "", keys)
        return self._keyring


def _rewrite(table: str, key: str, columns: list[str], change: Any) -> None:
    bind = op.get_bind()
    listed = ", ".join(columns)
    rows = bind.execute(sa.text(f"SELECT {key}, {listed} FROM {table}")).all()
    for row in rows:
        values = {column: row[index + 1] for index, column in enumerate(columns) if row[index + 1] is not None}
        if not values:
            continue
        changed = {column: change(value) for column, value in values.items()}
        assignments = ", ".join(f"{column} = :{column}" for column in changed)
        bind.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE {key} = :key"), {**changed, "key": row[0]})


def upgrade() -> None:
    keyring = _LazyKeyring()
    for table, key, columns in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, (length, nullable) in columns.items():
                batch_op.alter_column(
                    column, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=nullable
                )

        def encrypt(value: str) -> str:
            # A value that already is a token of these keys (an upgrade run again by hand) stays as it is.
            ring = keyring.get()
            return value if ring.opens(value) else ring.encrypt(value)

        _rewrite(table, key, list(columns), encrypt)


def downgrade() -> None:
    keyring = _LazyKeyring()
    for table, key, columns in _COLUMNS:
        _rewrite(table, key, list(columns), lambda value: keyring.get().decrypt(value))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, (length, nullable) in columns.items():
                batch_op.alter_column(
                    column, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=nullable
                )
