"""The typed read model: what every query answers, declared once.

Each row is a frozen dataclass; its fields are the JSON object's keys (in the order of the CSV
columns), with units in the names. Table output shows the fields marked ``table``; CSV shows
every field not marked ``csv=False``. The CLI, the exports, the in-process API and the HTTP API all
serve these rows, so a column is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

__all__ = [
    "ChangeRow",
    "CheckRow",
    "FlagRow",
    "HistoryRow",
    "PriceRow",
    "RunRow",
    "VendorRow",
    "columns",
    "record",
]


def col(*, table: bool = False, csv: bool = True, name: str | None = None) -> Any:
    """A row field: shown in tables if ``table``, in CSV unless ``csv=False``; ``name`` renames it."""
    return field(metadata={"table": table, "csv": csv, "name": name})


def name_of(f: Any) -> str:
    return str(f.metadata.get("name") or f.name)


def columns(row_type: type, *, table: bool = False) -> list[str]:
    """Output names of the table columns (``table=True``) or of the CSV columns."""
    key, default = ("table", False) if table else ("csv", True)
    chosen = [f for f in fields(row_type) if f.metadata.get(key, default)]
    return [name_of(f) for f in chosen]


def record(row: Any) -> dict[str, Any]:
    """The row as an ordered dict of output names to values (not yet made JSON-ready)."""
    return {name_of(f): getattr(row, f.name) for f in fields(row)}


@dataclass(frozen=True, slots=True)
class PriceRow:
    """A rate in force on a day, with its verification state, freshness and provenance."""

    TITLE: ClassVar[str] = "rates"
    vendor: str = col(table=True)
    model: str = col(table=True)
    field: str = col(table=True)
    tier: str = col(table=True)
    usd_per_mtok: Decimal | None = col()
    """The value when the unit is usd_per_mtok (else None)."""
    value: Decimal | None = col(table=True)
    """USD per ``unit``."""
    unit: str = col(table=True)
    status: str = col(table=True)
    """Verification state: verified, inferred, disputed (the latest page says otherwise), not_offered."""
    reason: str | None = col()
    since: date = col(table=True)
    """First day of the span this value holds in."""
    last_verified: date | None = col(table=True)
    """The latest day (not after the query's date) a page said this value."""
    source_url: str = col()
    fetch_sha256: str = col()
    fetched_at: datetime = col()
    """When the page was read (an archived capture: when it was captured)."""
    last_fetch_sha256: str | None = col()
    """The body of the page that confirmed the value last (may differ from the first one)."""
    last_fetched_at: datetime | None = col()
    attributes: list[str] = col()
    """Model attributes in force (deprecated, free, ...)."""
    stale: bool = col(table=True)
    """Freshness, apart from status: not re-verified within the vendor's ``stale_after_days``."""
    age_days: int | None = col()
    """Days from ``last_verified`` to the query's date (None if never verified)."""
    verified_status: str = col(csv=False)
    """Alias of ``status``, kept for one release (it used to differ when ``status`` said stale)."""
    published_value: Decimal | None = col(csv=False)
    """The amount as published, where the vendor publishes another currency."""
    published_currency: str | None = col(csv=False)
    captured_at: datetime | None = col(csv=False)
    """When the page that gave the value was captured."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One value a rate held, and the days it held it (``to`` exclusive; None while current)."""

    TITLE: ClassVar[str] = "history"
    vendor: str = col(table=True)
    model: str = col(table=True)
    field: str = col(table=True)
    tier: str = col(table=True)
    value: Decimal | None = col(table=True)
    unit: str = col(table=True)
    status: str = col(table=True)
    valid_from: date = col(table=True, name="from")
    valid_to: date | None = col(table=True, name="to")
    usd_per_mtok: Decimal | None = col()
    reason: str | None = col()
    source_url: str = col()
    fetch_sha256: str = col()
    run_id: int = col()
    fetched_at: datetime = col(csv=False)
    captured_at: datetime | None = col(csv=False)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One audit row: a difference between consecutive snapshots, or a correction."""

    TITLE: ClassVar[str] = "changes"
    date: date = col(table=True)
    vendor: str = col(table=True)
    model: str = col(table=True)
    field: str = col(table=True)
    tier: str = col(table=True)
    kind: str = col(table=True)
    old: Decimal | None = col(table=True)
    new: Decimal | None = col(table=True)
    old_status: str | None = col()
    new_status: str | None = col()
    unit: str = col()
    reason: str | None = col()
    run_id: int = col(table=True)
    source_url: str | None = col()
    fetch_sha256: str | None = col()
    superseded_by: int | None = col()
    id: int = col(csv=False)


@dataclass(frozen=True, slots=True)
class FlagRow:
    """Something to doubt, and why."""

    TITLE: ClassVar[str] = "flags"
    kind: str = col(table=True)
    vendor: str = col(table=True)
    model: str | None = col(table=True)
    field: str | None = col(table=True)
    tier: str | None = col(table=True)
    value: Decimal | None = col(table=True)
    why: str | None = col(table=True)
    unit: str | None = col()
    id: int | None = col()
    """The anomaly id, for ``ratecard accept``."""
    ref: str | None = col()
    """The anomaly's stable ref (``ratecard accept`` takes it too): the same history gives the same ref."""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run with its per-vendor outcomes."""

    TITLE: ClassVar[str] = "runs"
    run_id: int = col(table=True)
    date: date = col(table=True)
    trigger: str = col(table=True)
    exit_code: int | None = col(table=True)
    started_at: datetime = col(table=True)
    summary: str = col(table=True)
    state: str = col(table=True)
    """finished, running, or interrupted (no end recorded and its process is gone)."""
    ended_at: datetime | None = col(csv=False)
    host: str = col(csv=False)
    vendors: list[dict[str, Any]] = col(csv=False)


@dataclass(frozen=True, slots=True)
class VendorRow:
    """A configured vendor's health at a glance: when it was last verified, from where, what failed."""

    TITLE: ClassVar[str] = "vendors"
    vendor: str = col(table=True)
    state: str = col(table=True)
    """ok (verified by its latest run), failing (its latest run failed) or never (no run verified it)."""
    last_verified: date | None = col(table=True)
    days_since: int | None = col(table=True)
    stale: bool = col(table=True)
    models: int = col(table=True)
    rates: int = col(table=True)
    source_url: str | None = col(table=True)
    """The page the latest verifying run read its prices from."""
    failing_sources: list[str] = col(table=True)
    """Sources that failed in the latest verifying run (the vendor still verified through another)."""
    last_failure: date | None = col()
    last_failure_message: str | None = col()
    name: str = col()
    stale_after_days: int = col()


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One rate compared with one registry."""

    TITLE: ClassVar[str] = "cross-check"
    vendor: str = col(table=True)
    model: str = col(table=True)
    field: str = col(table=True)
    tier: str = col(table=True)
    outcome: str = col(table=True)
    ours: Decimal | None = col(table=True)
    registry: Decimal | None = col(table=True)
    rel_diff: Decimal | None = col(table=True)
    registry_key: str | None = col(table=True)
    match_rule: str | None = col()
    registry_name: str = col()
    registry_version: str = col()
    registry_date: date | None = col()
    run_id: int = col()
    """The run that first gave this result."""
    seen: date = col()
    """The last day a run made this comparison."""
    registry_source: str = col(csv=False)
    source_url: str | None = col(csv=False)
    converted: bool = col(csv=False)
    """Our value is converted from a price published in another currency."""
    since: date = col(csv=False)
    """First day a run gave this result."""
