"""The audit changelog: one row per difference between consecutive snapshots of a vendor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from ratecard.snapshots.money import DecimalText


class ChangeRecord(SQLModel, table=True):
    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_vendor_date", "vendor", "effective_date"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor: str = Field(max_length=64)
    model: str = Field(index=True, max_length=255)
    field: str = Field(max_length=64)
    tier: str = Field(max_length=255)
    unit: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    """model_added, model_removed, added, removed, changed, status or correction."""
    old: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    new: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    old_status: str | None = Field(default=None, max_length=16)
    new_status: str | None = Field(default=None, max_length=16)
    effective_date: date
    source_url: str | None = Field(default=None, max_length=2048)
    fetch_sha256: str | None = Field(default=None, max_length=64)
    run_id: int = Field(foreign_key="runs.id")
    reason: str | None = None
    """Why: the derivation rule, "correction by reparse", who accepted an anomaly."""
    superseded_by: int | None = Field(default=None, foreign_key="runs.id")
    """The reparse run that found this row was an artefact of an earlier parser (kept for the audit)."""
