"""Quarantined values waiting for a person: confirmed with `ratecard accept ID`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from ratecard.snapshots.money import DecimalText


class AnomalyRecord(SQLModel, table=True):
    __tablename__ = "anomalies"

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, index=True, max_length=16)
    """A stable name for the question: the same history gives the same ref (ids may renumber)."""
    vendor: str = Field(index=True, max_length=64)
    model: str = Field(max_length=255)
    field: str = Field(max_length=64)
    tier: str = Field(max_length=255)
    unit: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    message: str
    old: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    new: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    date: dt.date
    """The snapshot date on which the value was seen."""
    run_id: int = Field(foreign_key="runs.id")
    source_url: str = Field(max_length=2048)
    fetch_sha256: str = Field(max_length=64)
    fetched_at: dt.datetime
    status: str = Field(default="open", max_length=16)
    """open or accepted."""
    accepted_by: str | None = Field(default=None, max_length=255)
    accepted_at: dt.datetime | None = None
