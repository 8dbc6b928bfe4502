"""Reading runs on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ratecard.dbapi import Reader, Row, as_date, as_datetime, maybe
from ratecard.outcome import VERIFIED


@dataclass(frozen=True, slots=True)
class VendorRun:
    run_id: int
    vendor: str
    status: str
    """ok, quarantined (verified, with values held for a person) or failed."""
    message: str | None
    models: int
    rates: int
    changes: int
    date: date
    """The day the run stored rates for."""


@dataclass(frozen=True, slots=True)
class Run:
    run_id: int
    date: date
    started_at: datetime
    ended_at: datetime | None
    exit_code: int | None
    trigger: str
    host: str
    pid: int | None


_VENDOR_RUNS = (
    "SELECT v.run_id, v.vendor, v.status, v.message, v.models, v.rates, v.changes, r.date "
    "FROM run_vendors v JOIN runs r ON r.id = v.run_id"
)


def _vendor_run(r: Row) -> VendorRun:
    return VendorRun(
        run_id=int(r["run_id"]),
        vendor=r["vendor"],
        status=r["status"],
        message=r["message"],
        models=int(r["models"]),
        rates=int(r["rates"]),
        changes=int(r["changes"]),
        date=as_date(r["date"]),
    )


def outcomes_until(db: Reader, as_of: date) -> list[VendorRun]:
    """Every vendor outcome of runs for days up to ``as_of``, by day then run: the last is the latest
    (a late backfill of an old day is not "latest")."""
    sql = f"{_VENDOR_RUNS} WHERE r.date <= :day ORDER BY r.date, v.run_id, v.id"
    return [_vendor_run(r) for r in db.rows(sql, {"day": as_of})]


def outcomes_of(db: Reader, vendor: str) -> list[VendorRun]:
    """Every outcome of one vendor, in the order of :func:`outcomes_until`."""
    sql = f"{_VENDOR_RUNS} WHERE v.vendor = :vendor ORDER BY r.date, v.run_id, v.id"
    return [_vendor_run(r) for r in db.rows(sql, {"vendor": vendor})]


def version(db: Reader) -> tuple[object, ...]:
    """Changes when a run starts or ends (what a long-lived RateBook looks at)."""
    (row,) = db.rows("SELECT MAX(id) AS latest, COUNT(ended_at) AS ended FROM runs")
    return (row["latest"], row["ended"])


def latest_outcomes(db: Reader, as_of: date) -> dict[str, VendorRun]:
    """Per vendor, its latest outcome on a day not after ``as_of``."""
    return {v.vendor: v for v in outcomes_until(db, as_of)}


def latest_verified(db: Reader, as_of: date) -> dict[str, VendorRun]:
    """Per vendor, the latest run (by day) not after ``as_of`` that verified it."""
    return {v.vendor: v for v in outcomes_until(db, as_of) if v.status in VERIFIED}


def recent(db: Reader, limit: int | None = None) -> list[tuple[Run, list[VendorRun]]]:
    """Runs newest first, each with its per-vendor outcomes in the order they were recorded."""
    sql = "SELECT id, date, started_at, ended_at, exit_code, trigger, host, pid FROM runs ORDER BY id DESC"
    if limit:
        sql += " LIMIT :limit"
    runs = [
        Run(
            run_id=int(r["id"]),
            date=as_date(r["date"]),
            started_at=as_datetime(r["started_at"]),
            ended_at=maybe(as_datetime, r["ended_at"]),
            exit_code=r["exit_code"],
            trigger=r["trigger"],
            host=r["host"],
            pid=r["pid"],
        )
        for r in db.rows(sql, {"limit": limit} if limit else {})
    ]
    per: dict[int, list[VendorRun]] = {}
    if runs:
        sql = f"{_VENDOR_RUNS} WHERE v.run_id IN :ids ORDER BY v.id"
        for row in db.rows(sql, {"ids": [r.run_id for r in runs]}):
            v = _vendor_run(row)
            per.setdefault(v.run_id, []).append(v)
    return [(r, per.get(r.run_id, [])) for r in runs]
