"""webhook endpoints' health (failures, circuit breaker, automatic disabling) and the store's contact address

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failing_since", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("last_success_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("last_failure_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("circuit_open_until", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.drop_column("contact_email")
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("circuit_open_until")
        batch_op.drop_column("last_failure_at")
        batch_op.drop_column("last_success_at")
        batch_op.drop_column("failing_since")
        batch_op.drop_column("consecutive_failures")
