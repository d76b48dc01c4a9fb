"""catalog changes: the products each catalog version touched, so snapshots are updated instead of rebuilt

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02 14:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_changes",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_catalog_changes_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "version", name=op.f("pk_catalog_changes")),
    )
    op.create_index("ix_catalog_changes_created_at", "catalog_changes", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_catalog_changes_created_at", table_name="catalog_changes")
    op.drop_table("catalog_changes")
