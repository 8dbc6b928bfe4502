"""``ratecard export``: read the store once and write one of the export formats as text.

Inferred and stale rates are exported by default, marked (rows: ``status``/``reason``; LiteLLM:
``ratecard_status``; genai-prices: ``price_comments``); ``verified_only`` leaves them out.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.dbapi import Reader
from ratecard.exports import exact_json, genai_prices, litellm
from ratecard.exports.formats import ExportFormat
from ratecard.output import to_csv, to_json
from ratecard.registry.litellm import NAME as LITELLM
from ratecard.rows import PriceRow, columns
from ratecard.snapshots import read as snapshots


def doubtful(row: PriceRow) -> bool:
    """What ``verified_only`` leaves out: inferred, disputed or stale rates (a vendor's "not offered"
    is its own word: kept)."""
    return row.stale or row.status in ("inferred", "disputed")


@dataclass(frozen=True)
class Export:
    text: str
    notes: list[str] = field(default_factory=list)
    """What a reader should know about what was left out."""


def converted(row: PriceRow) -> bool:
    """A USD value converted from another currency: exports never put it over a published USD price."""
    return row.status == "inferred" and row.published_currency is not None


def stale_vendors(db: Reader, day: date, vendors: Collection[str], settings: Settings) -> dict[str, str]:
    """Vendor -> why its prices are stale on ``day``, for the vendors that are."""
    verified = readmodel.last_verified(db, day)
    reasons = {v: readmodel.stale_reason(verified.get(v), day, settings.stale_after(v)) for v in vendors}
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


def unexported_notes(fmt: str, skipped: Sequence[tuple[str, str]], limit: int = 8) -> list[str]:
    """``N rate(s) not exportable to F``, then one line per reason, most first, with the fields it
    kept out: ``1964 × LiteLLM has no key by deployment, region (input, output, ...)``."""
    if not skipped:
        return []
    groups: dict[str, dict[str, int]] = {}
    for field_name, why in skipped:
        fields = groups.setdefault(why.replace(f" for {field_name} ", " "), {})
        fields[field_name] = fields.get(field_name, 0) + 1
    ranked = sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    lines = [f"{len(skipped)} rate(s) not exportable to {fmt} (it has no key for them):"]
    for reason, fields in ranked[:limit]:
        names = sorted(fields, key=lambda f: -fields[f])
        shown = ", ".join(names[:5]) + (f", +{len(names) - 5} more" if len(names) > 5 else "")
        lines.append(f"  {sum(fields.values())} × {reason} ({shown})")
    if len(ranked) > limit:
        rest = sum(sum(f.values()) for _, f in ranked[limit:])
        lines.append(f"  {rest} × {len(ranked) - limit} other reasons")
    return lines


def render_genai(
    db: Reader, day: date, vendors: Collection[str] | None, settings: Settings, verified_only: bool
) -> Export:
    spans = snapshots.begun_by(db, day, vendors)
    stale = stale_vendors(db, day, {s.vendor for s in spans}, settings)

    def unsure(s: snapshots.Span) -> bool:
        return s.status == "inferred" or s.vendor in stale

    spans = [s for s in spans if not (s.status == "inferred" and s.published_currency)]  # conversions
    count = sum(1 for s in spans if unsure(s) and genai_prices.price_name(s))
    if verified_only:
        spans, stale = [s for s in spans if not unsure(s)], {}
    doc = genai_prices.document(spans, day, settings.vendors, stale)
    notes = doubtful_note(count, "price_comments", verified_only)
    skipped = [(s.field, why) for s, why in genai_prices.unexported(spans, day)]
    return Export(exact_json.dumps(doc) + "\n", notes + unexported_notes("genai-prices", skipped))


def render_litellm(
    db: Reader,
    rows: list[PriceRow],
    vendors: Collection[str] | None,
    settings: Settings,
    verified_only: bool,
) -> Export:
    unsure = [r for r in rows if doubtful(r) and litellm.field_name(r)]
    kept = [r for r in rows if not doubtful(r)] if verified_only else rows
    kept = [r for r in kept if not converted(r)]  # never a conversion over a registry's published USD
    matched = litellm.matched_keys(readmodel.check_rows(db, LITELLM, vendors))
    doc = litellm.fragment(kept, settings.vendors, matched)
    notes = doubtful_note(len(unsure), "each entry's ratecard_status", verified_only)
    notes += unexported_notes("LiteLLM", [(r.field, why) for r, why in litellm.unexported(kept)])
    return Export(json.dumps(doc, indent=2) + "\n", notes)


def render(
    db: Reader,
    fmt: ExportFormat,
    day: date,
    vendors: Collection[str] | None,
    settings: Settings,
    verified_only: bool = False,
    csv_raw: bool = False,
) -> Export:
    if fmt is ExportFormat.genai_prices:
        return render_genai(db, day, vendors, settings, verified_only)
    rows = readmodel.prices(db, day, settings.stale_after, vendors)
    if fmt is ExportFormat.litellm:
        return render_litellm(db, rows, vendors, settings, verified_only)
    if verified_only:
        rows = [r for r in rows if not doubtful(r)]
    if fmt is ExportFormat.json:
        return Export(to_json(rows) + "\n")
    return Export(to_csv(rows, columns(PriceRow), csv_raw))
