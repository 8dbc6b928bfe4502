"""The fetch log: one row per URL fetched by a run, pointing into the raw store by sha256."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class FetchRecord(SQLModel, table=True):
    __tablename__ = "fetches"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True, foreign_key="runs.id")
    vendor: str = Field(index=True, max_length=64)
    url: str = Field(max_length=2048)
    status: int | None = None
    """HTTP status; None when no response came back (timeout, refused, robots)."""
    content_type: str | None = Field(default=None, max_length=255)
    sha256: str | None = Field(default=None, index=True, max_length=64)
    """Key of the body in the raw store; None when there was no body."""
    size: int | None = None
    """Bytes fetched (uncompressed)."""
    fetched_at: datetime
    error: str | None = None
    origin_url: str | None = Field(default=None, max_length=2048)
    """For archived captures: the page's own URL (``url`` is where it was served from)."""
    captured_at: datetime | None = None
    """For archived captures: when the page was captured (``fetched_at`` is the replay)."""
