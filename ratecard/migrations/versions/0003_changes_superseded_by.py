"""changes.superseded_by: a reparse marks rows that an earlier parser produced

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_changes_superseded_by_runs", "runs", ["superseded_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_changes_superseded_by_runs", type_="foreignkey")
        batch_op.drop_column("superseded_by")
