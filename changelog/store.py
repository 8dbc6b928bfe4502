"""Writing and reading audit rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.changelog.tables import ChangeRecord
from ratecard.snapshots.diff import Delta


def explain(d: Delta) -> str | None:
    """Why a value changed when the vendor did not simply print a new price."""
    old, new = d.old, d.new
    if new is not None and new.status == "inferred":
        if old is not None and old.status == "inferred" and old.reason != new.reason:
            return f"re-derived: {new.reason} (was: {old.reason})"
        return new.reason
    if new is not None and old is not None and old.status == "inferred" and new.status == "verified":
        return f"now published by the vendor (was inferred: {old.reason})"
    return None


def record(
    session: Session,
    vendor: str,
    day: date,
    deltas: Iterable[Delta],
    run_id: int,
    reason: str | None = None,
    removal_source: tuple[str, str] | None = None,
) -> list[ChangeRecord]:
    """One audit row per delta, citing the fetch that shows it.

    A new or changed value cites the page it was read from; a removal cites ``removal_source``
    (url, sha256): the page that no longer lists it.
    """
    rows: list[ChangeRecord] = []
    for d in deltas:
        model, field, tier = d.key
        evidence = d.new or d.old
        assert evidence is not None
        url, sha = (evidence.source_url, evidence.fetch_sha256)
        if d.new is None and removal_source is not None:
            url, sha = removal_source
        why = reason or explain(d)
        row = ChangeRecord(
            vendor=vendor,
            model=model,
            field=field,
            tier=tier,
            unit=evidence.unit,
            kind=d.kind,
            old=d.old.value if d.old else None,
            new=d.new.value if d.new else None,
            old_status=d.old.status if d.old else None,
            new_status=d.new.status if d.new else None,
            effective_date=d.effective or day,
            source_url=url,
            fetch_sha256=sha,
            run_id=run_id,
            reason=why,
        )
        session.add(row)
        rows.append(row)
    return rows


def changes(
    session: Session,
    since: date | None = None,
    vendor: str | None = None,
    model: str | None = None,
    field: str | None = None,
    include_superseded: bool = False,
) -> list[ChangeRecord]:
    query = select(ChangeRecord)
    if not include_superseded:
        query = query.where(col(ChangeRecord.superseded_by).is_(None))
    if since is not None:
        query = query.where(ChangeRecord.effective_date >= since)
    if vendor is not None:
        query = query.where(ChangeRecord.vendor == vendor)
    if model is not None:
        query = query.where(ChangeRecord.model == model)
    if field is not None:
        query = query.where(ChangeRecord.field == field)
    order = (
        ChangeRecord.effective_date,
        ChangeRecord.vendor,
        ChangeRecord.model,
        ChangeRecord.field,
        ChangeRecord.id,
    )
    return list(session.exec(query.order_by(*(col(c) for c in order))))


def supersede_day(session: Session, vendor: str, day: date, run_id: int) -> None:
    """``run --force`` replaced ``day``: its earlier change rows stay, marked superseded by ``run_id``."""
    rows = session.exec(
        select(ChangeRecord).where(
            ChangeRecord.vendor == vendor,
            ChangeRecord.effective_date == day,
            col(ChangeRecord.superseded_by).is_(None),
        )
    ).all()
    supersede(session, rows, run_id)


def supersede(session: Session, rows: Iterable[ChangeRecord], run_id: int) -> None:
    for row in rows:
        row.superseded_by = run_id
        session.add(row)


def vendor_changes_since(session: Session, vendor: str, first: date) -> list[ChangeRecord]:
    """The vendor's standing change rows (corrections aside) from ``first`` on: what a reparse re-checks."""
    query = select(ChangeRecord).where(
        ChangeRecord.vendor == vendor,
        ChangeRecord.effective_date >= first,
        col(ChangeRecord.superseded_by).is_(None),
        ChangeRecord.kind != "correction",
    )
    return list(session.exec(query))


SCHEDULE_KINDS = ("scheduled", "withdrawn")
"""Change rows about announced prices: dated when they take effect, possibly after the run."""


def last_change_date(session: Session, vendor: str) -> date | None:
    """The latest day a real change took effect for the vendor (announcements of later prices aside):
    a late run for an earlier day would contradict it."""
    query = select(func.max(ChangeRecord.effective_date)).where(
        ChangeRecord.vendor == vendor,
        col(ChangeRecord.kind).not_in(SCHEDULE_KINDS),
        col(ChangeRecord.superseded_by).is_(None),
    )
    found: date | None = session.exec(query).one()
    return found


def citations(session: Session) -> dict[str, int]:
    """sha256 of a fetched body -> how many change rows cite it."""
    query = (
        select(ChangeRecord.fetch_sha256, func.count())
        .where(col(ChangeRecord.fetch_sha256).is_not(None))
        .group_by(ChangeRecord.fetch_sha256)
    )
    return {d: int(n) for d, n in session.exec(query).all() if d}
