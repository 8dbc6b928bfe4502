"""Runs and their per-vendor outcomes: the operator's record of what each night did."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class RunRecord(SQLModel, table=True):
    __tablename__ = "runs"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    """The snapshot date this run verified rates for."""
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    exit_code: int | None = None
    trigger: str = Field(default="run", max_length=32)
    """run, schedule, demo, backfill or reparse."""
    host: str = Field(default="", max_length=255)
    pid: int | None = None
    """The process that ran it: a run without an end whose process is gone was interrupted."""


class VendorRunRecord(SQLModel, table=True):
    __tablename__ = "run_vendors"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True, foreign_key="runs.id")
    vendor: str = Field(index=True, max_length=64)
    status: str = Field(max_length=16)
    """ok, quarantined (verified, with values held for a person) or failed."""
    message: str | None = None
    models: int = 0
    rates: int = 0
    changes: int = 0
