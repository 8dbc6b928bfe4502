"""cross-check results and quarantined anomalies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:17:59.734585
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anomalies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=255), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("old", sa.String(length=64), nullable=True),
        sa.Column("new", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_url", sa.String(length=2048), nullable=False),
        sa.Column("fetch_sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("accepted_by", sa.String(length=255), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anomalies_vendor"), ["vendor"], unique=False)

    op.create_table(
        "crosschecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("ours", sa.String(length=64), nullable=True),
        sa.Column("theirs", sa.String(length=64), nullable=True),
        sa.Column("rel_diff", sa.String(length=64), nullable=True),
        sa.Column("registry_key", sa.String(length=255), nullable=True),
        sa.Column("match_rule", sa.String(length=16), nullable=True),
        sa.Column("registry_name", sa.String(length=32), nullable=False),
        sa.Column("registry_version", sa.String(length=64), nullable=False),
        sa.Column("registry_date", sa.Date(), nullable=True),
        sa.Column("registry_source", sa.String(length=2048), nullable=False),
        sa.Column("source_url", sa.String(length=2048), nullable=True),
        sa.Column("seen", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.create_index("ix_crosschecks_run_vendor", ["run_id", "vendor"], unique=False)

    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.TEXT(), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.alter_column("error", existing_type=sa.TEXT(), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("rate_spans", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.TEXT(), type_=sa.Text(), existing_nullable=True)

    with op.batch_alter_table("run_vendors", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.TEXT(), type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("run_vendors", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.Text(), type_=sa.TEXT(), existing_nullable=True)

    with op.batch_alter_table("rate_spans", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.Text(), type_=sa.TEXT(), existing_nullable=True)

    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.alter_column("error", existing_type=sa.Text(), type_=sa.TEXT(), existing_nullable=True)

    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.Text(), type_=sa.TEXT(), existing_nullable=True)

    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.drop_index("ix_crosschecks_run_vendor")

    op.drop_table("crosschecks")
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anomalies_vendor"))

    op.drop_table("anomalies")
