"""delivery claim indexes: each endpoint's due deliveries, and its leases

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

LEASED = sa.text("locked_until IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_webhook_deliveries_endpoint_due", "webhook_deliveries", ["endpoint_id", "status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_endpoint_leased",
        "webhook_deliveries",
        ["endpoint_id", "locked_until"],
        sqlite_where=LEASED,
        postgresql_where=LEASED,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_endpoint_leased", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_endpoint_due", table_name="webhook_deliveries")
