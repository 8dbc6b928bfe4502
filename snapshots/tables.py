"""Rates as spans of validity: a row opens when a value first appears and closes when it changes.

A year of nights without a change stores nothing new, yet the snapshot of any date D is one exact
query: ``valid_from <= D AND (valid_to IS NULL OR valid_to > D)``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from ratecard.snapshots.money import DecimalText


class RateSpan(SQLModel, table=True):
    __tablename__ = "rate_spans"
    __table_args__ = (
        Index("ix_rate_spans_vendor_from", "vendor", "valid_from"),
        Index("ix_rate_spans_key", "vendor", "model", "field", "tier"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor: str = Field(max_length=64)
    model: str = Field(max_length=255)
    field: str = Field(max_length=64)
    tier: str = Field(max_length=255)
    unit: str = Field(max_length=32)
    value: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    """USD per ``unit``; None for flags and not-offered markers."""
    published_value: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    """The amount as the vendor published it, when not in USD."""
    published_currency: str | None = Field(default=None, max_length=8)
    status: str = Field(max_length=16)
    """verified, inferred or not_offered."""
    reason: str | None = None
    source_url: str = Field(max_length=2048)
    fetch_sha256: str = Field(max_length=64)
    fetched_at: datetime
    captured_at: datetime | None = None
    """When the page that gave the value was captured (archives: the capture's date)."""
    valid_from: date
    valid_to: date | None = None
    """Exclusive end; None while the value is current."""
    run_id: int = Field(foreign_key="runs.id")


class UnlistedModel(SQLModel, table=True):
    """A model a narrower source stopped listing: kept in force, ageing toward stale, until a person
    confirms it is gone (``ratecard confirm-removed``) or a page lists it again."""

    __tablename__ = "unlisted_models"
    __table_args__ = (Index("ix_unlisted_vendor_status", "vendor", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor: str = Field(max_length=64)
    model: str = Field(max_length=255)
    since: date
    """First day the vendor's pages did not list it."""
    last_listed: date | None = None
    """The last day a page listed it (its rates were last verified then)."""
    source_url: str = Field(max_length=2048)
    """The page that no longer lists it."""
    run_id: int = Field(foreign_key="runs.id")
    status: str = Field(default="open", max_length=16)
    """open, removed (confirmed by a person) or relisted."""
    answered_by: str | None = Field(default=None, max_length=255)
    answered_at: datetime | None = None
