"""exact NUMERIC money on PostgreSQL; cross-checks as spans with registry reads; provenance of
archived captures; stable anomaly refs; run pids; models a narrower source no longer lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:30:00

Every stored value survives: money columns are converted in place (``USING col::numeric``, exact),
and each (vendor, rate, registry) history of cross-check rows becomes spans: consecutive nights
with the same result collapse into one span, every distinct result is kept, and which registry
version each night read is kept in ``registry_reads``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MONEY: dict[str, tuple[str, ...]] = {
    "rate_spans": ("value", "published_value"),
    "changes": ("old", "new"),
    "anomalies": ("old", "new"),
    "crosschecks": ("ours", "theirs", "rel_diff"),
}
_SAME = ("outcome", "ours", "theirs", "registry_key", "match_rule")


def _money_to_numeric() -> None:
    for table, columns in MONEY.items():
        for column in columns:
            op.execute(
                sa.text(f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE NUMERIC USING "{column}"::numeric')
            )


def _money_to_text() -> None:
    for table, columns in MONEY.items():
        for column in columns:
            op.execute(sa.text(f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE VARCHAR(64)'))


def _collapse_checks(conn: Any) -> None:
    """Old rows (one per rate per run) -> spans; the nights each vendor read a registry -> reads."""
    rows = (
        conn.execute(
            sa.text(
                "SELECT c.id, c.run_id, c.vendor, c.model, c.field, c.tier, c.outcome, c.ours, c.theirs, "
                "c.registry_key, c.match_rule, c.registry_name, c.registry_version, c.registry_date, "
                "c.registry_source, c.seen FROM crosschecks c ORDER BY c.seen, c.run_id, c.id"
            )
        )
        .mappings()
        .all()
    )
    reads: dict[tuple[int, str, str], dict[str, Any]] = {}
    runs: dict[tuple[str, str], list[tuple[Any, int]]] = {}
    for r in rows:
        reads.setdefault((r["run_id"], r["vendor"], r["registry_name"]), dict(r))
        night = (r["seen"], r["run_id"])
        nights = runs.setdefault((r["vendor"], r["registry_name"]), [])
        if not nights or nights[-1] != night:
            nights.append(night)
    if reads:
        conn.execute(
            sa.text(
                "INSERT INTO registry_reads (run_id, vendor, registry_name, registry_version, registry_date, "
                "registry_source, day) VALUES (:run_id, :vendor, :registry_name, :registry_version, "
                ":registry_date, :registry_source, :seen)"
            ),
            list(reads.values()),
        )
    by_night: dict[tuple[str, str, Any, int], list[Any]] = {}
    for r in rows:
        by_night.setdefault((r["vendor"], r["registry_name"], r["seen"], r["run_id"]), []).append(r)
    keep: dict[int, Any] = {}
    drop: list[int] = []
    for (vendor, registry), nights in runs.items():
        current: dict[tuple[str, str, str], Any] = {}
        for seen, run_id in nights:
            tonight = {
                (r["model"], r["field"], r["tier"]): r for r in by_night[(vendor, registry, seen, run_id)]
            }
            for ident, span in list(current.items()):
                row = tonight.get(ident)
                if row is not None and all(row[k] == span[k] for k in _SAME):
                    drop.append(row["id"])
                    del tonight[ident]
                    continue
                keep[span["id"]] = seen
                del current[ident]
            for ident, row in tonight.items():
                current[ident] = row
        for span in current.values():
            keep.setdefault(span["id"], None)
    for span_id, valid_to in keep.items():
        conn.execute(
            sa.text("UPDATE crosschecks SET valid_to = :to WHERE id = :id"), {"to": valid_to, "id": span_id}
        )
    _delete(conn, drop)


def _delete(conn: Any, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        conn.execute(
            sa.text(f"DELETE FROM crosschecks WHERE id IN ({', '.join(':' + k for k in params)})"), params
        )


def _refs(conn: Any) -> None:
    rows = (
        conn.execute(sa.text("SELECT id, vendor, model, field, tier, new, date FROM anomalies"))
        .mappings()
        .all()
    )
    for r in rows:
        conn.execute(
            sa.text("UPDATE anomalies SET ref = :ref WHERE id = :id"),
            {
                "ref": anomaly_ref(r["vendor"], r["model"], r["field"], r["tier"], r["new"], r["date"]),
                "id": r["id"],
            },
        )


def anomaly_ref(vendor: str, model: str, field: str, tier: str, value: object, day: object) -> str:
    """Kept in step with ``derive.store.ref`` (a migration must not import code that later changes)."""
    text = f"{vendor}\n{model}\n{field}\n{tier}\n{value}\n{str(day)[:10]}"
    return "a" + hashlib.sha256(text.encode()).hexdigest()[:9]


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "registry_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=64), nullable=False),
        sa.Column("registry_name", sa.String(length=32), nullable=False),
        sa.Column("registry_version", sa.String(length=64), nullable=False),
        sa.Column("registry_date", sa.Date(), nullable=True),
        sa.Column("registry_source", sa.String(length=2048), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_registry_reads_vendor", "registry_reads", ["vendor", "registry_name", "run_id"])
    op.create_table(
        "unlisted_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("last_listed", sa.Date(), nullable=True),
        sa.Column("source_url", sa.String(length=2048), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_by", sa.String(length=255), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unlisted_vendor_status", "unlisted_models", ["vendor", "status"])
    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("converted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
    op.execute(sa.text("UPDATE crosschecks SET valid_from = seen"))
    _collapse_checks(conn)
    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.alter_column("valid_from", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("seen")
        batch_op.alter_column("converted", server_default=None)
        batch_op.create_index("ix_crosschecks_vendor_open", ["vendor", "registry_name", "valid_to"])
    with op.batch_alter_table("rate_spans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_anomalies_ref", ["ref"])
    _refs(conn)
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    if conn.dialect.name == "postgresql":
        _money_to_numeric()


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _money_to_text()
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("pid")
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.drop_index("ix_anomalies_ref")
        batch_op.drop_column("ref")
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.drop_column("captured_at")
        batch_op.drop_column("origin_url")
    with op.batch_alter_table("rate_spans", schema=None) as batch_op:
        batch_op.drop_column("captured_at")
    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.drop_index("ix_crosschecks_vendor_open")
        batch_op.add_column(sa.Column("seen", sa.Date(), nullable=True))
    op.execute(sa.text("UPDATE crosschecks SET seen = valid_from"))
    with op.batch_alter_table("crosschecks", schema=None) as batch_op:
        batch_op.alter_column("seen", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("converted")
    op.drop_index("ix_unlisted_vendor_status", table_name="unlisted_models")
    op.drop_table("unlisted_models")
    op.drop_index("ix_registry_reads_vendor", table_name="registry_reads")
    op.drop_table("registry_reads")
