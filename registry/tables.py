"""Cross-check results as spans of agreement, and which registry each run read.

A result opens when a comparison first gives it and closes when the comparison changes: a year of
nights in which nothing changes adds one ``registry_reads`` row per vendor a night, not one row
per rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from ratecard.snapshots.money import DecimalText


class CheckRecord(SQLModel, table=True):
    __tablename__ = "crosschecks"
    __table_args__ = (
        Index("ix_crosschecks_run_vendor", "run_id", "vendor"),
        Index("ix_crosschecks_vendor_open", "vendor", "registry_name", "valid_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id")
    """The run that first gave this result."""
    vendor: str = Field(max_length=64)
    model: str = Field(max_length=255)
    field: str = Field(max_length=64)
    tier: str = Field(max_length=255)
    outcome: str = Field(max_length=16)
    """agree, disagree, vendor_only or registry_only."""
    ours: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    theirs: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    rel_diff: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    registry_key: str | None = Field(default=None, max_length=255)
    match_rule: str | None = Field(default=None, max_length=16)
    registry_name: str = Field(max_length=32)
    registry_version: str = Field(max_length=64)
    """sha256 of the registry file."""
    registry_date: dt.date | None = None
    registry_source: str = Field(max_length=2048)
    source_url: str | None = Field(default=None, max_length=2048)
    """Where we read our value (for patches)."""
    converted: bool = False
    """Our value is a conversion of a price published in another currency."""
    valid_from: dt.date
    """First day a run gave this result."""
    valid_to: dt.date | None = None
    """First day a run gave a different result (exclusive); None while current."""


class RegistryRead(SQLModel, table=True):
    """One vendor cross-checked against one registry in one run: which file, from where, how old."""

    __tablename__ = "registry_reads"
    __table_args__ = (Index("ix_registry_reads_vendor", "vendor", "registry_name", "run_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id")
    vendor: str = Field(max_length=64)
    registry_name: str = Field(max_length=32)
    registry_version: str = Field(max_length=64)
    """sha256 of the registry file."""
    registry_date: dt.date | None = None
    registry_source: str = Field(max_length=2048)
    day: dt.date
    """The run's snapshot day."""
