"""``ratecard export``: read the store once and write one of the export formats as text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from ratecard.config.settings import Settings
from ratecard.exports import exact_json, genai_prices, litellm
from ratecard.exports.formats import ExportFormat
from ratecard.output import to_csv, to_json
from ratecard.query import PRICE_COLUMNS, price_rows
from ratecard.snapshots.tables import RateSpan


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


def render(session: Session, fmt: ExportFormat, day: date, vendor: str | None, settings: Settings) -> Export:
    if fmt is ExportFormat.genai_prices:
        doc = genai_prices.document(spans_until(session, day, vendor), day, settings.vendors)
        return Export(exact_json.dumps(doc) + "\n")
    stale_after = {v.id: v.stale_after_days for v in settings.vendors.values()}
    rows = price_rows(session, day, stale_after, vendor)
    if fmt is ExportFormat.json:
        return Export(to_json(rows) + "\n")
    if fmt is ExportFormat.csv:
        return Export(to_csv(rows, PRICE_COLUMNS))
    skipped = litellm.unexported(rows)
    note = f"{len(skipped)} rate(s) have no LiteLLM field (other tiers or units); see --format json"
    return Export(
        json.dumps(litellm.fragment(rows, settings.vendors), indent=2) + "\n", [note] if skipped else []
    )
