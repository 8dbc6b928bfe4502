"""Reading quarantined values on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ratecard.dbapi import Reader, as_date, as_datetime, as_decimal, maybe


@dataclass(frozen=True, slots=True)
class Anomaly:
    id: int
    ref: str | None
    """Stable for the same input history (ids may renumber when a database is rebuilt)."""
    vendor: str
    model: str
    field: str
    tier: str
    unit: str
    kind: str
    message: str
    old: Decimal | None
    new: Decimal | None
    date: date
    """The day the value was seen."""
    run_id: int
    source_url: str
    fetch_sha256: str
    fetched_at: datetime
    status: str
    """open, accepted, rejected or dismissed."""
    accepted_by: str | None
    accepted_at: datetime | None


def version(db: Reader) -> tuple[object, ...]:
    """Changes when a value is held, accepted, rejected or dismissed."""
    rows = db.rows("SELECT status, COUNT(*) AS n FROM anomalies GROUP BY status ORDER BY status")
    return tuple((r["status"], r["n"]) for r in rows)


def anomalies(
    db: Reader, statuses: Collection[str] = ("open",), vendors: Collection[str] | None = None
) -> list[Anomaly]:
    conditions, params = ["status IN :statuses"], {"statuses": sorted(statuses)}
    if vendors is not None:
        conditions.append("vendor IN :vendors")
        params["vendors"] = sorted(vendors)
    sql = (
        "SELECT id, ref, vendor, model, field, tier, unit, kind, message, old, new, date, run_id, "
        "source_url, fetch_sha256, fetched_at, status, accepted_by, accepted_at FROM anomalies "
        f"WHERE {' AND '.join(conditions)} ORDER BY id"
    )
    out: list[Any] = []
    for r in db.rows(sql, params):
        out.append(
            Anomaly(
                id=int(r["id"]),
                ref=r["ref"],
                vendor=r["vendor"],
                model=r["model"],
                field=r["field"],
                tier=r["tier"],
                unit=r["unit"],
                kind=r["kind"],
                message=r["message"],
                old=as_decimal(r["old"]),
                new=as_decimal(r["new"]),
                date=as_date(r["date"]),
                run_id=int(r["run_id"]),
                source_url=r["source_url"],
                fetch_sha256=r["fetch_sha256"],
                fetched_at=as_datetime(r["fetched_at"]),
                status=r["status"],
                accepted_by=r["accepted_by"],
                accepted_at=maybe(as_datetime, r["accepted_at"]),
            )
        )
    return out
