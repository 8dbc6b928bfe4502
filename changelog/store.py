"""Writing and reading audit rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from ratecard.changelog.tables import ChangeRow
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
) -> list[ChangeRow]:
    """One audit row per delta, citing the fetch that shows it.

    A new or changed value cites the page it was read from; a removal cites ``removal_source``
    (url, sha256): the page that no longer lists it.
    """
    rows: list[ChangeRow] = []
    for d in deltas:
        model, field, tier = d.key
        evidence = d.new or d.old
        assert evidence is not None
        url, sha = (evidence.source_url, evidence.fetch_sha256)
        if d.new is None and removal_source is not None:
            url, sha = removal_source
        why = reason or explain(d)
        row = ChangeRow(
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
            effective_date=day,
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
) -> list[ChangeRow]:
    query = select(ChangeRow)
    if not include_superseded:
        query = query.where(col(ChangeRow.superseded_by).is_(None))
    if since is not None:
        query = query.where(ChangeRow.effective_date >= since)
    if vendor is not None:
        query = query.where(ChangeRow.vendor == vendor)
    if model is not None:
        query = query.where(ChangeRow.model == model)
    if field is not None:
        query = query.where(ChangeRow.field == field)
    order = (ChangeRow.effective_date, ChangeRow.vendor, ChangeRow.model, ChangeRow.field, ChangeRow.id)
    return list(session.exec(query.order_by(*(col(c) for c in order))))
