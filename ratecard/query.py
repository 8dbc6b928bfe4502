"""What users ask: current rates, their history, changes, runs. Never imports Scrapy or litellm."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.changelog.store import changes
from ratecard.crawler.tables import FetchRecord
from ratecard.outcome import VERIFIED
from ratecard.runs.tables import RunRecord, VendorRunRecord
from ratecard.snapshots.store import snapshot
from ratecard.snapshots.tables import RateSpan

PRICE_COLUMNS = (
    "vendor",
    "model",
    "field",
    "tier",
    "usd_per_mtok",
    "value",
    "unit",
    "status",
    "reason",
    "since",
    "last_verified",
    "source_url",
    "fetch_sha256",
    "fetched_at",
    "last_fetch_sha256",
    "last_fetched_at",
    "attributes",
)
CHANGE_COLUMNS = (
    "date",
    "vendor",
    "model",
    "field",
    "tier",
    "kind",
    "old",
    "new",
    "old_status",
    "new_status",
    "unit",
    "reason",
    "run_id",
    "source_url",
    "fetch_sha256",
    "superseded_by",
)


def last_verified(session: Session, as_of: date) -> dict[str, date]:
    """Per vendor: the latest run date, not after ``as_of``, on which it was verified."""
    query = (
        select(VendorRunRecord.vendor, func.max(RunRecord.date))
        .join(RunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(col(VendorRunRecord.status).in_(VERIFIED), RunRecord.date <= as_of)
        .group_by(VendorRunRecord.vendor)
    )
    return {str(v): d for v, d in session.exec(query).all()}


def latest_evidence(session: Session, as_of: date) -> dict[tuple[str, str], FetchRecord]:
    """Per (vendor, URL): the fetch of the latest run, not after ``as_of``, that verified the vendor.

    A span cites the page where its value first appeared; this is the page that confirmed it last.
    """
    runs = (
        select(VendorRunRecord.vendor, VendorRunRecord.run_id)
        .join(RunRecord, col(RunRecord.id) == col(VendorRunRecord.run_id))
        .where(col(VendorRunRecord.status).in_(VERIFIED), RunRecord.date <= as_of)
        .order_by(
            col(RunRecord.date), col(VendorRunRecord.run_id)
        )  # by day first: a late backfill is not "latest"
    )
    latest = dict(session.exec(runs).all())
    out: dict[tuple[str, str], FetchRecord] = {}
    for vendor, run_id in latest.items():
        rows = session.exec(
            select(FetchRecord).where(FetchRecord.run_id == run_id, FetchRecord.vendor == vendor)
        ).all()
        out.update({(str(vendor), r.url): r for r in rows if r.sha256})
    return out


def _confirmed(evidence: dict[tuple[str, str], FetchRecord], vendor: str, url: str) -> dict[str, Any]:
    fetch = evidence.get((vendor, url))
    return {
        "last_fetch_sha256": fetch.sha256 if fetch else None,
        "last_fetched_at": fetch.fetched_at if fetch else None,
    }


def stale_reason(verified: date | None, as_of: date, after_days: int) -> str | None:
    """Why a rate is stale as of a date, or None if it is fresh."""
    if verified is None:
        return "never verified"
    age = (as_of - verified).days
    if age > after_days:
        return f"last verified {verified}, {age} days before {as_of} (stale after {after_days} days)"
    return None


def price_rows(
    session: Session,
    as_of: date,
    stale_after: Mapping[str, int],
    vendor: str | None = None,
    model: str | None = None,
    include_flags: bool = False,
) -> list[dict[str, Any]]:
    """The snapshot of ``as_of`` as output rows, with staleness and model attributes folded in."""
    spans = snapshot(session, as_of, [vendor] if vendor else None)
    if model:
        needle = model.lower()
        spans = [s for s in spans if needle in s.model.lower()]
    verified = last_verified(session, as_of)
    evidence = latest_evidence(session, as_of)
    attrs: dict[tuple[str, str], list[str]] = {}
    for s in spans:
        if s.unit == "flag":
            attrs.setdefault((s.vendor, s.model), []).append(s.field)
    rows = []
    for s in spans:
        if s.unit == "flag" and not include_flags:
            continue
        stale = stale_reason(verified.get(s.vendor), as_of, stale_after.get(s.vendor, 3))
        status = "stale" if stale and s.status != "not_offered" else s.status
        rows.append(
            {
                "vendor": s.vendor,
                "model": s.model,
                "field": s.field,
                "tier": s.tier,
                "usd_per_mtok": s.value if s.unit == "usd_per_mtok" else None,
                "value": s.value,
                "unit": s.unit,
                "status": status,
                "verified_status": s.status,
                "reason": "; ".join(r for r in (s.reason, stale) if r) or None,
                "published_value": s.published_value,
                "published_currency": s.published_currency,
                "since": s.valid_from,
                "last_verified": verified.get(s.vendor),
                "source_url": s.source_url,
                "fetch_sha256": s.fetch_sha256,
                "fetched_at": s.fetched_at,
                **_confirmed(evidence, s.vendor, s.source_url),
                "attributes": sorted(attrs.get((s.vendor, s.model), [])),
            }
        )
    return rows


def history_rows(session: Session, model: str, field: str | None = None) -> list[dict[str, Any]]:
    """Every span a model ever had (exact id, or substring when no id matches exactly)."""
    query = select(RateSpan).where(RateSpan.model == model)
    if not session.exec(query.limit(1)).first():
        query = select(RateSpan).where(col(RateSpan.model).contains(model))
    if field:
        query = query.where(RateSpan.field == field)
    order = [col(c) for c in (RateSpan.vendor, RateSpan.model, RateSpan.field, RateSpan.tier)]
    return [
        {
            "vendor": s.vendor,
            "model": s.model,
            "field": s.field,
            "tier": s.tier,
            "usd_per_mtok": s.value if s.unit == "usd_per_mtok" else None,
            "value": s.value,
            "unit": s.unit,
            "status": s.status,
            "reason": s.reason,
            "from": s.valid_from,
            "to": s.valid_to,
            "source_url": s.source_url,
            "fetch_sha256": s.fetch_sha256,
            "fetched_at": s.fetched_at,
            "run_id": s.run_id,
        }
        for s in session.exec(query.order_by(*order, col(RateSpan.valid_from)))
    ]


def change_rows(
    session: Session,
    since: date | None = None,
    vendor: str | None = None,
    model: str | None = None,
    field: str | None = None,
    include_superseded: bool = False,
) -> list[dict[str, Any]]:
    return [
        {
            "date": c.effective_date,
            "vendor": c.vendor,
            "model": c.model,
            "field": c.field,
            "tier": c.tier,
            "kind": c.kind,
            "old": c.old,
            "new": c.new,
            "old_status": c.old_status,
            "new_status": c.new_status,
            "unit": c.unit,
            "reason": c.reason,
            "run_id": c.run_id,
            "source_url": c.source_url,
            "fetch_sha256": c.fetch_sha256,
            "id": c.id,
            "superseded_by": c.superseded_by,
        }
        for c in changes(session, since, vendor, model, field, include_superseded)
    ]


def run_rows(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(RunRecord).order_by(col(RunRecord.id).desc())
    if limit:
        query = query.limit(limit)
    runs = list(session.exec(query))
    ids = [r.id for r in runs]
    per: dict[int, list[VendorRunRecord]] = {}
    for rv in session.exec(
        select(VendorRunRecord).where(col(VendorRunRecord.run_id).in_(ids)).order_by(col(VendorRunRecord.id))
    ):
        per.setdefault(rv.run_id, []).append(rv)
    return [
        {
            "run_id": r.id,
            "date": r.date,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "exit_code": r.exit_code,
            "trigger": r.trigger,
            "host": r.host,
            "vendors": [
                {
                    "vendor": v.vendor,
                    "status": v.status,
                    "message": v.message,
                    "models": v.models,
                    "rates": v.rates,
                    "changes": v.changes,
                }
                for v in per.get(r.id or 0, [])
            ],
            "summary": ", ".join(f"{v.vendor} {v.status}" for v in per.get(r.id or 0, [])),
        }
        for r in runs
    ]
