"""coupon redemptions: a once-per-customer coupon is redeemed once per email, enforced by a partial unique index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("once_per_customer", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE coupon_redemptions SET once_per_customer = "
        "(SELECT coupons.once_per_customer FROM coupons WHERE coupons.id = coupon_redemptions.coupon_id)"
    )
    op.create_index(
        "uq_coupon_redemptions_once_per_customer",
        "coupon_redemptions",
        ["coupon_id", "email"],
        unique=True,
        sqlite_where=sa.text("once_per_customer"),
        postgresql_where=sa.text("once_per_customer"),
    )


def downgrade() -> None:
    op.drop_index("uq_coupon_redemptions_once_per_customer", table_name="coupon_redemptions")
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.drop_column("once_per_customer")
