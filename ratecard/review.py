"""Review: cross-check reports, flags, and a person's answer to a quarantined value (accept/reject)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from ratecard.changelog import store as changelog
from ratecard.changelog.tables import ChangeRecord
from ratecard.derive import store as anomalies
from ratecard.derive.tables import AnomalyRecord
from ratecard.outcome import VERIFIED
from ratecard.query import price_rows
from ratecard.registry import store as checks
from ratecard.registry.crosscheck import CheckResult
from ratecard.registry.tables import CheckRecord
from ratecard.runs import store as runs
from ratecard.snapshots.diff import Delta
from ratecard.snapshots.facts import Fact
from ratecard.snapshots.store import apply_one


def check_dict(r: CheckRecord) -> dict[str, Any]:
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


def as_result(r: CheckRecord) -> CheckResult:
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


def _why_check(r: CheckRecord) -> str:
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
    for r in checks.latest(session, vendor=vendor):
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
    for a in anomalies.open_anomalies(session, vendor):
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
    latest = runs.latest_outcomes(session, as_of)
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


def reject(session: Session, anomaly_id: int, who: str, now: datetime) -> AnomalyRecord:
    """A person says a quarantined value is not a real price: it stays out, and stops being flagged."""
    a = anomalies.open_one(session, anomaly_id)
    anomalies.answer(session, a, "rejected", who, now)
    session.commit()
    return a


def accept(session: Session, anomaly_id: int, who: str, now: datetime) -> ChangeRecord:
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
