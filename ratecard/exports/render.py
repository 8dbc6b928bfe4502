"""``ratecard export``: read the store once and write one of the export formats as text.

Inferred and stale rates are exported by default, marked (rows: ``status``/``reason``; LiteLLM:
``ratecard_status``; genai-prices: ``price_comments``); ``verified_only`` leaves them out.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from ratecard.config.settings import Settings
from ratecard.exports import exact_json, genai_prices, litellm
from ratecard.exports.formats import ExportFormat
from ratecard.output import Row, to_csv, to_json
from ratecard.query import PRICE_COLUMNS, last_verified, price_rows, stale_reason
from ratecard.registry import store as checks
from ratecard.registry.litellm import NAME as LITELLM
from ratecard.snapshots.tables import RateSpan

UNVERIFIED = ("inferred", "stale")
"""Row statuses ``verified_only`` leaves out (a vendor's "not offered" is its own word: kept)."""
DEFAULT_STALE_AFTER = 3
"""Days, as :func:`ratecard.query.price_rows` assumes for a vendor without configuration."""


@dataclass(frozen=True)
class Export:
    text: str
    notes: list[str] = field(default_factory=list)
    """What a reader should know about what was left out."""


def spans_until(session: Session, day: date, vendor: str | None) -> list[RateSpan]:
    """Every span that began on or before ``day``: the history as it was known that day."""
    query = select(RateSpan).where(col(RateSpan.valid_from) <= day)
    if vendor:
        query = query.where(RateSpan.vendor == vendor)
    order = (RateSpan.vendor, RateSpan.model, RateSpan.field, RateSpan.tier, RateSpan.valid_from)
    return list(session.exec(query.order_by(*(col(c) for c in order))))


def stale_vendors(
    session: Session, day: date, vendors: Collection[str], stale_after: Mapping[str, int]
) -> dict[str, str]:
    """Vendor -> why its prices are stale on ``day``, for the vendors that are."""
    verified = last_verified(session, day)
    reasons = {
        v: stale_reason(verified.get(v), day, stale_after.get(v, DEFAULT_STALE_AFTER)) for v in vendors
    }
    return {v: r for v, r in reasons.items() if r}


def doubtful_note(count: int, marked_in: str, verified_only: bool) -> list[str]:
    """Say how many inferred or stale rates were included (and where marked) or left out."""
    if not count:
        return []
    if verified_only:
        return [f"left out {count} inferred or stale rate(s) (--verified-only)"]
    return [
        f"{count} inferred or stale rate(s) included, marked in {marked_in}; --verified-only leaves them out"
    ]


def render_genai(
    session: Session,
    day: date,
    vendor: str | None,
    settings: Settings,
    stale_after: Mapping[str, int],
    verified_only: bool,
) -> Export:
    spans = spans_until(session, day, vendor)
    stale = stale_vendors(session, day, {s.vendor for s in spans}, stale_after)

    def doubtful(s: RateSpan) -> bool:
        return s.status == "inferred" or s.vendor in stale

    count = sum(1 for s in spans if doubtful(s) and genai_prices.price_name(s))
    if verified_only:
        spans, stale = [s for s in spans if not doubtful(s)], {}
    doc = genai_prices.document(spans, day, settings.vendors, stale)
    return Export(exact_json.dumps(doc) + "\n", doubtful_note(count, "price_comments", verified_only))


def render_litellm(
    session: Session, rows: Sequence[Row], vendor: str | None, settings: Settings, verified_only: bool
) -> Export:
    doubtful = [r for r in rows if r["status"] in UNVERIFIED and litellm.field_name(r)]
    kept = [r for r in rows if r["status"] not in UNVERIFIED] if verified_only else rows
    matched = litellm.matched_keys(checks.latest(session, LITELLM, vendor))
    doc = litellm.fragment(kept, settings.vendors, matched)
    notes = doubtful_note(len(doubtful), "each entry's ratecard_status", verified_only)
    skipped = litellm.unexported(kept)
    if skipped:
        notes.append(
            f"{len(skipped)} rate(s) have no LiteLLM field (other tiers or units); see --format json"
        )
    return Export(json.dumps(doc, indent=2) + "\n", notes)


def render(
    session: Session,
    fmt: ExportFormat,
    day: date,
    vendor: str | None,
    settings: Settings,
    verified_only: bool = False,
) -> Export:
    stale_after = {v.id: v.stale_after_days for v in settings.vendors.values()}
    if fmt is ExportFormat.genai_prices:
        return render_genai(session, day, vendor, settings, stale_after, verified_only)
    rows = price_rows(session, day, stale_after, vendor)
    if fmt is ExportFormat.litellm:
        return render_litellm(session, rows, vendor, settings, verified_only)
    if verified_only:
        rows = [r for r in rows if r["status"] not in UNVERIFIED]
    if fmt is ExportFormat.json:
        return Export(to_json(rows) + "\n")
    return Export(to_csv(rows, PRICE_COLUMNS))
