"""Reading the audit changelog on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ratecard.dbapi import Reader, as_date, as_decimal


@dataclass(frozen=True, slots=True)
class Change:
    id: int
    effective_date: date
    vendor: str
    model: str
    field: str
    tier: str
    kind: str
    """model_added, model_removed, added, removed, changed, status or correction."""
    old: Decimal | None
    new: Decimal | None
    old_status: str | None
    new_status: str | None
    unit: str
    reason: str | None
    run_id: int
    source_url: str | None
    fetch_sha256: str | None
    superseded_by: int | None


def version(db: Reader) -> object:
    """Changes when a change is recorded (a run's, or a person accepting a held value)."""
    (row,) = db.rows("SELECT MAX(id) AS latest FROM changes")
    return row["latest"]


def changes(
    db: Reader,
    since: date | None = None,
    until: date | None = None,
    vendors: Collection[str] | None = None,
    model: str | None = None,
    field: str | None = None,
    kinds: Collection[str] | None = None,
    include_superseded: bool = False,
) -> list[Change]:
    """Audit rows in date order, filtered; rows a reparse superseded only when asked for."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if not include_superseded:
        conditions.append("superseded_by IS NULL")
    for column, op, name, value in (
        ("effective_date", ">=", "since", since),
        ("effective_date", "<=", "until", until),
        ("model", "=", "model", model),
        ("field", "=", "field", field),
    ):
        if value is not None:
            conditions.append(f"{column} {op} :{name}")
            params[name] = value
    for column, name, values in (("vendor", "vendors", vendors), ("kind", "kinds", kinds)):
        if values is not None:
            conditions.append(f"{column} IN :{name}")
            params[name] = sorted(values)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        "SELECT id, effective_date, vendor, model, field, tier, kind, old, new, old_status, new_status, "
        f"unit, reason, run_id, source_url, fetch_sha256, superseded_by FROM changes {where} "
        "ORDER BY effective_date, vendor, model, field, id"
    )
    return [
        Change(
            id=int(r["id"]),
            effective_date=as_date(r["effective_date"]),
            vendor=r["vendor"],
            model=r["model"],
            field=r["field"],
            tier=r["tier"],
            kind=r["kind"],
            old=as_decimal(r["old"]),
            new=as_decimal(r["new"]),
            old_status=r["old_status"],
            new_status=r["new_status"],
            unit=r["unit"],
            reason=r["reason"],
            run_id=int(r["run_id"]),
            source_url=r["source_url"],
            fetch_sha256=r["fetch_sha256"],
            superseded_by=r["superseded_by"],
        )
        for r in db.rows(sql, params)
    ]
