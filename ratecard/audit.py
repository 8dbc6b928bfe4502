"""Cross-check reports, flags and accepting quarantined values: the questions a person must answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.changelog.tables import ChangeRow
from ratecard.derive.tables import AnomalyRow
from ratecard.outcome import VERIFIED
from ratecard.query import price_rows
from ratecard.registry.crosscheck import CheckResult
from ratecard.registry.tables import CrossCheckRow
from ratecard.snapshots.facts import Fact
from ratecard.snapshots.store import apply_one
from ratecard.tables import Run, RunVendor

FLAG_KINDS = ("stale", "inferred", "disagree", "vendor-only", "registry-only", "anomaly", "failing")


def latest_checks(
    session: Session, registry: str | None = None, vendor: str | None = None
) -> list[CrossCheckRow]:
    """The results of each vendor's latest cross-checked run (against ``registry`` if named)."""
    latest = select(CrossCheckRow.vendor, func.max(CrossCheckRow.run_id)).group_by(CrossCheckRow.vendor)
    if registry:
        latest = latest.where(CrossCheckRow.registry_name == registry)
    if vendor:
        latest = latest.where(CrossCheckRow.vendor == vendor)
    rows: list[CrossCheckRow] = []
    for v, run_id in session.exec(latest).all():
        query = select(CrossCheckRow).where(CrossCheckRow.vendor == v, CrossCheckRow.run_id == run_id)
        if registry:
            query = query.where(CrossCheckRow.registry_name == registry)
        rows.extend(session.exec(query.order_by(col(CrossCheckRow.id))).all())
    return rows


def check_dict(r: CrossCheckRow) -> dict[str, Any]:
    return {
        "vendor": r.vendor,
        "model": r.model,
        "field": r.field,
        "tier": r.tier,
        "outcome": r.outcome,
        "ours": r.ours,
        "registry": r.theirs,
        "rel_diff": r.rel_diff,
        "registry_key": r.registry_key,
        "match_rule": r.match_rule,
        "registry_name": r.registry_name,
        "registry_version": r.registry_version,
        "registry_date": r.registry_date,
        "registry_source": r.registry_source,
        "run_id": r.run_id,
        "seen": r.seen,
        "source_url": r.source_url,
    }


def as_result(r: CrossCheckRow) -> CheckResult:
    return CheckResult(
        r.vendor,
        r.model,
        r.field,
        r.tier,
        r.outcome,  # type: ignore[arg-type]
        r.ours,
        r.theirs,
        r.rel_diff,
        r.registry_key,
        r.match_rule,  # type: ignore[arg-type]
        r.registry_name,
    )


def _why_check(r: CrossCheckRow) -> str:
    if r.outcome == "disagree":
        return (
            f"{r.registry_name} {r.registry_key} has {r.theirs}, the vendor page {r.ours} ({r.rel_diff:+.2%})"
        )
    if r.outcome == "vendor_only":
        where = f"key {r.registry_key}" if r.registry_key else "no matching key"
        return f"{r.registry_name} has no {r.field} price ({where})"
    return f"{r.registry_name} {r.registry_key} prices {r.field} at {r.theirs}; the vendor page does not"


def flag_rows(
    session: Session, as_of: date, stale_after: Mapping[str, int], vendor: str | None = None
) -> list[dict[str, Any]]:
    """Every flag with the reason it is raised."""
    out: list[dict[str, Any]] = []
    for p in price_rows(session, as_of, stale_after, vendor):
        for kind in ("stale", "inferred"):
            if p["status"] == kind or (kind == "inferred" and p["verified_status"] == "inferred"):
                out.append(
                    {"kind": kind, **_key(p), "value": p["value"], "unit": p["unit"], "why": p["reason"]}
                )
    names = {"disagree": "disagree", "vendor_only": "vendor-only", "registry_only": "registry-only"}
    for r in latest_checks(session, vendor=vendor):
        if r.outcome in names:
            out.append(
                {
                    "kind": names[r.outcome],
                    **_key(check_dict(r)),
                    "value": r.ours or r.theirs,
                    "unit": "usd_per_mtok",
                    "why": _why_check(r),
                }
            )
    anomalies = select(AnomalyRow).where(AnomalyRow.status == "open")
    if vendor:
        anomalies = anomalies.where(AnomalyRow.vendor == vendor)
    for a in session.exec(anomalies.order_by(col(AnomalyRow.id))).all():
        out.append(
            {
                "kind": "anomaly",
                **_key(a.model_dump()),
                "value": a.new,
                "unit": a.unit,
                "id": a.id,
                "why": f"#{a.id} quarantined on {a.date}: {a.message}; confirm with `ratecard accept {a.id}`",
            }
        )
    out.extend(_failing(session, as_of, vendor))
    return out


def _key(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("vendor", "model", "field", "tier")}


def _failing(session: Session, as_of: date, vendor: str | None) -> list[dict[str, Any]]:
    """Vendors whose latest run up to ``as_of`` failed: their rates are ageing toward stale."""
    query = (
        select(RunVendor, col(Run.date))
        .join(Run, col(Run.id) == col(RunVendor.run_id))
        .where(Run.date <= as_of)
        .order_by(col(Run.date), col(RunVendor.id))  # a late backfill of an old day is not "latest"
    )
    latest: dict[str, tuple[RunVendor, date]] = {}
    for rv, day in session.exec(query).all():
        latest[rv.vendor] = (rv, day)
    return [
        {
            "kind": "failing",
            "vendor": v,
            "model": None,
            "field": None,
            "tier": None,
            "value": None,
            "unit": None,
            "why": f"latest run on {day} failed: {rv.message}",
        }
        for v, (rv, day) in sorted(latest.items())
        if rv.status not in VERIFIED and (vendor is None or v == vendor)
    ]


def reject(session: Session, anomaly_id: int, who: str, now: datetime) -> AnomalyRow:
    """A person says a quarantined value is not a real price: it stays out, and stops being flagged."""
    a = _open_anomaly(session, anomaly_id)
    a.status, a.accepted_by, a.accepted_at = "rejected", who, now
    session.add(a)
    session.commit()
    return a


def _open_anomaly(session: Session, anomaly_id: int) -> AnomalyRow:
    a = session.get(AnomalyRow, anomaly_id)
    if a is None:
        raise LookupError(f"no anomaly #{anomaly_id}")
    if a.status != "open":
        raise ValueError(
            f"anomaly #{anomaly_id} was already {a.status} by {a.accepted_by} at {a.accepted_at}"
        )
    return a


def accept(session: Session, anomaly_id: int, who: str, now: datetime) -> ChangeRow:
    """Confirm a quarantined value: it lands from the day it was seen, with an audit row saying who."""
    a = _open_anomaly(session, anomaly_id)
    fact = Fact(
        unit=a.unit,
        value=a.new,
        status="verified",
        source_url=a.source_url,
        fetch_sha256=a.fetch_sha256,
        fetched_at=a.fetched_at,
    )
    reason = f"accepted by {who} at {now.isoformat(timespec='seconds')}: anomaly #{a.id} ({a.message})"
    delta = apply_one(session, a.vendor, a.date, (a.model, a.field, a.tier), fact, a.run_id)
    row = ChangeRow(
        vendor=a.vendor,
        model=a.model,
        field=a.field,
        tier=a.tier,
        unit=a.unit,
        kind=delta,
        old=a.old,
        new=a.new,
        old_status="verified" if a.old is not None else None,
        new_status="verified",
        effective_date=a.date,
        source_url=a.source_url,
        fetch_sha256=a.fetch_sha256,
        run_id=a.run_id,
        reason=reason,
    )
    a.status, a.accepted_by, a.accepted_at = "accepted", who, now
    session.add_all([row, a])
    session.commit()
    return row
