"""Writing and reading quarantined values (anomalies): the only SQL on ``anomalies``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.derive.quarantine import Anomaly
from ratecard.derive.tables import AnomalyRecord
from ratecard.money import to_text
from ratecard.snapshots.facts import Key

Answered = set[tuple[Key, Decimal]]
"""(key, value) pairs a person answered for one vendor."""


def ref(vendor: str, key: Key, value: Decimal | None, day: date) -> str:
    """A stable name for one question (this value of this rate, first seen that day): the same input
    history gives the same ref, whatever order a rebuilt database numbers its rows in."""
    model, field, tier = key
    amount = "None" if value is None else to_text(value)
    text = f"{vendor}\n{model}\n{field}\n{tier}\n{amount}\n{day.isoformat()}"
    return "a" + hashlib.sha256(text.encode()).hexdigest()[:9]


def answered(session: Session, vendor: str, status: str) -> Answered:
    """Values people ``accepted`` (or ``rejected``) with `ratecard accept`: never questioned again."""
    rows = session.exec(
        select(AnomalyRecord).where(AnomalyRecord.vendor == vendor, AnomalyRecord.status == status)
    ).all()
    return {((r.model, r.field, r.tier), r.new) for r in rows if r.new is not None}


def quarantine(
    session: Session, vendor: str, anomalies: Sequence[Anomaly], day: date, run_id: int
) -> list[AnomalyRecord]:
    """One open anomaly per (key, value): a value seen again on later nights is not re-reported.

    An open anomaly whose value the page no longer shows is dismissed: accepting it later would
    overwrite nights that verified something else.
    """
    current = {(a.key, a.new.value) for a in anomalies}
    still_open = session.exec(
        select(AnomalyRecord).where(AnomalyRecord.vendor == vendor, AnomalyRecord.status == "open")
    ).all()
    for r in still_open:
        if ((r.model, r.field, r.tier), r.new) not in current:
            r.status = "dismissed"
            r.message = f"{r.message}; dismissed: the page no longer showed it on {day}"
            session.add(r)
    known = {((r.model, r.field, r.tier), r.new) for r in still_open}
    opened = []
    for a in anomalies:
        if (a.key, a.new.value) in known:
            continue
        model, field, tier = a.key
        row = AnomalyRecord(
            ref=ref(vendor, a.key, a.new.value, day),
            vendor=vendor,
            model=model,
            field=field,
            tier=tier,
            unit=a.new.unit,
            kind=a.kind,
            message=a.message,
            old=a.old.value if a.old else None,
            new=a.new.value,
            date=day,
            run_id=run_id,
            source_url=a.new.source_url,
            fetch_sha256=a.new.fetch_sha256,
            fetched_at=a.new.fetched_at,
        )
        session.add(row)
        opened.append(row)
    session.flush()
    return opened


def open_one(session: Session, anomaly_id: int | str) -> AnomalyRecord:
    """The open anomaly with this id or ref; LookupError if there is none, ValueError if answered."""
    if isinstance(anomaly_id, str) and not anomaly_id.isdigit():
        a = session.exec(select(AnomalyRecord).where(AnomalyRecord.ref == anomaly_id)).first()
    else:
        a = session.get(AnomalyRecord, int(anomaly_id))
    if a is None:
        raise LookupError(f"no anomaly #{anomaly_id}")
    if a.status != "open":
        raise ValueError(
            f"anomaly #{anomaly_id} was already {a.status} by {a.accepted_by} at {a.accepted_at}"
        )
    return a


def answer(session: Session, anomaly: AnomalyRecord, status: str, who: str, now: datetime) -> None:
    """Record a person's answer (``accepted`` or ``rejected``) to an open anomaly."""
    anomaly.status, anomaly.accepted_by, anomaly.accepted_at = status, who, now
    session.add(anomaly)


def citations(session: Session) -> dict[str, int]:
    """sha256 of a fetched body -> how many anomalies cite it."""
    query = select(AnomalyRecord.fetch_sha256, func.count()).group_by(AnomalyRecord.fetch_sha256)
    return {d: int(n) for d, n in session.exec(query).all() if d}


def open_anomalies(session: Session, vendor: str | None = None) -> list[AnomalyRecord]:
    query = select(AnomalyRecord).where(AnomalyRecord.status == "open")
    if vendor is not None:
        query = query.where(AnomalyRecord.vendor == vendor)
    return list(session.exec(query.order_by(col(AnomalyRecord.id))))
