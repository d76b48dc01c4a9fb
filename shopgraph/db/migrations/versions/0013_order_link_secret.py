"""order link secret: each project signs its hosted order links with a secret of its own

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:20:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_link_secret", sa.String(length=64), nullable=True))
    projects = sa.table("projects", sa.column("id", sa.String), sa.column("order_link_secret", sa.String))
    connection = op.get_bind()
    for (project_id,) in connection.execute(sa.select(projects.c.id)).all():
        connection.execute(
            projects.update().where(projects.c.id == project_id).values(order_link_secret=secrets.token_hex(32))
        )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("order_link_secret", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("order_link_secret")
