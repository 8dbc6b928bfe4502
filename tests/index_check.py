"""The RateBook's in-memory index against the read model's SQL: the same rows, day after day."""

from __future__ import annotations

from datetime import date, timedelta

from ratecard import readmodel
from ratecard.config.settings import load
from ratecard.db_read import open_reader
from ratecard.derive import read as anomalies
from ratecard.rows import PriceRow
from ratecard.runs import read as runs
from ratecard.snapshots import read as snapshots
from ratecard.vendor_index import VendorIndex


def telling_days(url: str) -> list[date]:
    """Every day on which something that shapes a rate's row changes, with the day before and after
    (spans begin or end, a run verifies, an anomaly is seen, a model is no longer listed)."""
    with open_reader(url) as r:
        spans = snapshots.begun_by(r, date.max)
        found = {s.valid_from for s in spans} | {s.valid_to for s in spans if s.valid_to}
        found |= {v.date for v in runs.outcomes_until(r, date.max)}
        found |= {a.date for a in anomalies.anomalies(r, ("open", "accepted", "rejected", "dismissed"))}
        found |= {u.since for u in snapshots.unlisted(r)}
    return sorted({d + timedelta(days=k) for d in found for k in (-1, 0, 1, 4)})


def disagreements(url: str, days: list[date]) -> list[str]:
    """Where a vendor index's rows of a model on a day differ from ``readmodel.prices``'s (none)."""
    stale_after = load(None).stale_after
    out = []
    with open_reader(url) as r:
        vendors = sorted({v for v, _ in snapshots.models(r)})
        models = snapshots.models(r)
        indexes = {v: VendorIndex.load(r, v, stale_after) for v in vendors}
        for day in days:
            for vendor in vendors:
                by_model: dict[str, list[PriceRow]] = {}
                for row in readmodel.prices(r, day, stale_after, [vendor]):
                    by_model.setdefault(row.model, []).append(row)
                for model in (m for v, m in models if v == vendor):
                    if indexes[vendor].prices(model, day) != by_model.get(model, []):
                        out.append(f"{vendor}/{model} on {day}")
    return out
