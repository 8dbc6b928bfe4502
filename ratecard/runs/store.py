"""Writing and reading runs and their per-vendor outcomes: the only SQL on ``runs``/``run_vendors``."""

from __future__ import annotations

import os
import socket
from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from ratecard import safe
from ratecard.outcome import VERIFIED, RunReport, VendorOutcome
from ratecard.runs.tables import RunRecord, VendorRunRecord

STORED_MESSAGE = 1000
"""Characters of a vendor's outcome message kept in ``run_vendors`` (the JSON log has it whole)."""


def start(engine: Engine, day: date, trigger: str) -> int:
    """Open a run row for ``day`` (closed by :func:`finish`, whatever happens in between)."""
    with Session(engine, expire_on_commit=False) as s:
        run = RunRecord(
            date=day,
            started_at=datetime.now(UTC),
            trigger=trigger,
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        s.add(run)
        s.commit()
        assert run.id is not None
        return run.id


def finish(engine: Engine, report: RunReport) -> None:
    with Session(engine, expire_on_commit=False) as s:
        run = s.get(RunRecord, report.run_id)
        assert run is not None
        run.ended_at = datetime.now(UTC)
        run.exit_code = report.exit_code
        s.add(run)
        s.commit()


def status_of(outcome: VendorOutcome) -> str:
    """ok, quarantined (verified, with values held for a person) or failed."""
    return "ok" if outcome.ok else ("quarantined" if outcome.anomalies else "failed")


def add_outcome(session: Session, run_id: int, outcome: VendorOutcome) -> None:
    session.add(
        VendorRunRecord(
            run_id=run_id,
            vendor=outcome.vendor,
            status=status_of(outcome),
            message=None if outcome.message is None else safe.message(outcome.message, STORED_MESSAGE),
            models=outcome.models,
            rates=outcome.rates,
            changes=outcome.changes,
        )
    )


def verified_on(session: Session, vendor: str, day: date) -> bool:
    """Whether an earlier run already verified this vendor for ``day``."""
    query = (
        select(VendorRunRecord.id)
        .join(RunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(
            VendorRunRecord.vendor == vendor, RunRecord.date == day, col(VendorRunRecord.status).in_(VERIFIED)
        )
    )
    return session.exec(query.limit(1)).first() is not None


def last_verified_day(session: Session, vendor: str) -> date | None:
    """The latest day any run verified this vendor."""
    query = (
        select(func.max(RunRecord.date))
        .join(VendorRunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(VendorRunRecord.vendor == vendor, col(VendorRunRecord.status).in_(VERIFIED))
    )
    found: date | None = session.exec(query).one()
    return found


def ok_vendors(session: Session, day: date, vendors: Collection[str]) -> set[str]:
    """Which of ``vendors`` a run already verified cleanly (status ok) for ``day``."""
    query = (
        select(VendorRunRecord.vendor)
        .join(RunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(
            RunRecord.date == day, VendorRunRecord.status == "ok", col(VendorRunRecord.vendor).in_(vendors)
        )
        .distinct()
    )
    return set(session.exec(query).all())


def run_dates(session: Session, exclude_trigger: str | None = None) -> dict[int, date]:
    """Run id -> the day it stored rates for (optionally without runs of one trigger)."""
    query = select(RunRecord)
    if exclude_trigger is not None:
        query = query.where(RunRecord.trigger != exclude_trigger)
    return {r.id: r.date for r in session.exec(query).all() if r.id is not None}


def latest_outcomes(session: Session, as_of: date) -> dict[str, tuple[VendorRunRecord, date]]:
    """Per vendor, its latest outcome on a run day not after ``as_of`` (by day: a late backfill of an
    old day is not "latest")."""
    query = (
        select(VendorRunRecord, col(RunRecord.date))
        .join(RunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(RunRecord.date <= as_of)
        .order_by(col(RunRecord.date), col(VendorRunRecord.id))
    )
    latest: dict[str, tuple[VendorRunRecord, date]] = {}
    for rv, day in session.exec(query).all():
        latest[rv.vendor] = (rv, day)
    return latest
