"""state notices: on PostgreSQL, every change to projects, api_keys or project_domains sends NOTIFY shopgraph_state

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("projects", "api_keys", "project_domains")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Sent in the writing transaction, so delivered when it commits and never if it rolls back; identical notices of
    # one transaction arrive once.
    op.execute(
        "CREATE FUNCTION shopgraph_state_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('shopgraph_state', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_state_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION shopgraph_state_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_state_changed ON {table}")
    op.execute("DROP FUNCTION shopgraph_state_changed()")
