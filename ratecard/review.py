"""Review: a person's answer to a quarantined value (accept/reject), and stored checks as results."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from ratecard.changelog import store as changelog
from ratecard.changelog.tables import ChangeRecord
from ratecard.derive import store as anomalies
from ratecard.derive.tables import AnomalyRecord
from ratecard.registry.crosscheck import CheckResult
from ratecard.rows import CheckRow
from ratecard.snapshots import store as snapshots
from ratecard.snapshots.diff import Delta
from ratecard.snapshots.facts import Fact
from ratecard.snapshots.store import apply_one


def confirm_removed(session: Session, vendor: str, model: str, who: str, now: datetime) -> list[ChangeRecord]:
    """A person confirms a model the pages stopped listing is gone: removal rows dated the first day
    it was not listed, saying who confirmed it."""
    row, deltas = snapshots.confirm_removed(session, vendor, model, who, now)
    dated = [replace(d, effective=row.since) for d in deltas]
    reason = (
        f"removal confirmed by {who} at {now.isoformat(timespec='seconds')}: not listed on {row.source_url}"
    )
    records = changelog.record(session, vendor, row.since, dated, row.run_id, reason=reason)
    session.commit()
    return records


def as_result(r: CheckRow) -> CheckResult:
    """A stored comparison as the cross-check's own result type (what patches are written from)."""
    return CheckResult(
        r.vendor,
        r.model,
        r.field,
        r.tier,
        r.outcome,  # type: ignore[arg-type]
        r.ours,
        r.registry,
        r.rel_diff,
        r.registry_key,
        r.match_rule,  # type: ignore[arg-type]
        r.registry_name,
    )


def reject(session: Session, anomaly_id: int | str, who: str, now: datetime) -> AnomalyRecord:
    """A person says a quarantined value is not a real price: it stays out, and stops being flagged."""
    a = anomalies.open_one(session, anomaly_id)
    anomalies.answer(session, a, "rejected", who, now)
    session.commit()
    return a


def accept(session: Session, anomaly_id: int | str, who: str, now: datetime) -> ChangeRecord:
    """Confirm a quarantined value: it lands from the day it was seen, with an audit row saying who."""
    a = anomalies.open_one(session, anomaly_id)
    fact = Fact(
        unit=a.unit,
        value=a.new,
        status="verified",
        source_url=a.source_url,
        fetch_sha256=a.fetch_sha256,
        fetched_at=a.fetched_at,
    )
    key = (a.model, a.field, a.tier)
    kind = apply_one(session, a.vendor, a.date, key, fact, a.run_id)
    old = replace(fact, value=a.old) if a.old is not None else None
    reason = f"accepted by {who} at {now.isoformat(timespec='seconds')}: anomaly #{a.id} ({a.message})"
    (row,) = changelog.record(
        session, a.vendor, a.date, [Delta(key, kind, old, fact)], a.run_id, reason=reason
    )
    anomalies.answer(session, a, "accepted", who, now)
    session.commit()
    return row
