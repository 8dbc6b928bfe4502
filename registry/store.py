"""Writing and reading cross-check results: the only SQL on ``crosschecks``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.registry.record import Check
from ratecard.registry.tables import CheckRecord


def add(session: Session, run_id: int, checks: Iterable[Check]) -> None:
    """Keep a run's cross-check results with the run."""
    session.add_all(CheckRecord(run_id=run_id, **asdict(c)) for c in checks)


def latest(session: Session, registry: str | None = None, vendor: str | None = None) -> list[CheckRecord]:
    """The results of each vendor's latest cross-checked run (against ``registry`` if named)."""
    runs = select(CheckRecord.vendor, func.max(CheckRecord.run_id)).group_by(CheckRecord.vendor)
    if registry:
        runs = runs.where(CheckRecord.registry_name == registry)
    if vendor:
        runs = runs.where(CheckRecord.vendor == vendor)
    rows: list[CheckRecord] = []
    for v, run_id in session.exec(runs).all():
        query = select(CheckRecord).where(CheckRecord.vendor == v, CheckRecord.run_id == run_id)
        if registry:
            query = query.where(CheckRecord.registry_name == registry)
        rows.extend(session.exec(query.order_by(col(CheckRecord.id))).all())
    return rows
