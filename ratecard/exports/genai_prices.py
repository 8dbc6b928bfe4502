"""Our verified history in pydantic/genai-prices' ``data.json`` format.

Each model's ``prices`` is a list of entries constrained by ``start_date``, one for every day any
of its rates took a new value, so a program that already prices requests with genai-prices gets
the rates in force on the day of each request. Values stay exact (JSON numbers from Decimals).

Only what the format can hold is exported: per-MTok rates of the standard tier, ``context>Nk``
tiers as genai-prices' tiered prices, and a per-request rate as ``requests_kcount``. Rates a
vendor marks as not offered are left out. A model that disappears keeps its last prices, as
genai-prices keeps retired models. Each entry's date is the day we first saw those prices.
Inferred rates (derived, or converted from another currency) are exported and named in the
model's ``price_comments``, as is a vendor not re-verified lately (stale); the caller may leave
both out (``--verified-only``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from ratecard import tiers
from ratecard.config.settings import VendorConfig
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR
from ratecard.registry.genai_prices import FIELDS as READ_FIELDS
from ratecard.snapshots.read import Span as RateSpan

#: Our per-MTok field -> genai-prices' ModelPrice field (the reader's mapping, inverted).
FIELDS: dict[str, str] = {ours: theirs for theirs, ours in READ_FIELDS.items()} | {
    "audio_cache_read": "cache_audio_read_mtok"
}
REQUESTS = "requests_kcount"
#: ModelPrice's own field order, so exports read like genai-prices' file.
ORDER: tuple[str, ...] = (
    "input_mtok",
    "cache_write_mtok",
    "cache_read_mtok",
    "output_mtok",
    "input_audio_mtok",
    "cache_audio_read_mtok",
    "output_audio_mtok",
    REQUESTS,
)
_PER_KREQUEST = {"usd_per_1k_requests": Decimal(1), "usd_per_request": Decimal(1000)}


def price_name(span: RateSpan) -> str | None:
    """genai-prices' field for a span, or None when the format has no place for it."""
    if span.value is None or span.status == "not_offered":
        return None
    if span.field == "request" and span.unit in _PER_KREQUEST:
        return REQUESTS if span.tier == tiers.STANDARD else None
    if span.unit != "usd_per_mtok":
        return None
    return FIELDS.get(span.field) or FIELDS.get(REGISTRY_FIELD_FOR.get(span.field, ""))


def in_force(span: RateSpan, day: date) -> bool:
    return span.valid_from <= day and (span.valid_to is None or day < span.valid_to)


def model_price(spans: Iterable[RateSpan]) -> dict[str, Any]:
    """One ModelPrice from the spans of one model in force on one day."""
    base: dict[str, Decimal] = {}
    tiered: dict[str, dict[int, Decimal]] = {}
    for s in spans:
        name = price_name(s)
        if name is None or s.value is None:
            continue
        value = s.value * _PER_KREQUEST.get(s.unit, Decimal(1))
        exact = FIELDS.get(s.field) == name or name == REQUESTS  # beats a mapped fallback field
        threshold = tiers.context_threshold(s.tier)
        if s.tier == tiers.STANDARD and (name not in base or exact):
            base[name] = value
        elif threshold is not None and name != REQUESTS:
            tiered.setdefault(name, {})[threshold] = value
    out: dict[str, Any] = {}
    for name in ORDER:
        if name not in base:
            continue  # a tier without its base price cannot be written in this format
        value = base[name]
        steps = sorted(tiered.get(name, {}).items())
        out[name] = {"base": value, "tiers": [{"start": n, "price": p} for n, p in steps]} if steps else value
    return out


def history(spans: Sequence[RateSpan], as_of: date) -> list[dict[str, Any]]:
    """A model's ConditionalPrice list: one entry per day its prices changed, up to ``as_of``."""
    days = sorted({s.valid_from for s in spans} | {s.valid_to for s in spans if s.valid_to})
    entries: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    for day in (d for d in days if d <= as_of):
        prices = model_price(s for s in spans if in_force(s, day))
        if prices and prices != last:
            entries.append({"constraint": {"start_date": day.isoformat()}, "prices": prices})
            last = prices
    return entries


def _inferred_note(spans: Iterable[RateSpan]) -> str | None:
    reasons = sorted({f"{s.field}: {s.reason or 'inferred'}" for s in spans if s.status == "inferred"})
    return "ratecard inferred " + "; ".join(reasons) if reasons else None


def model_info(
    model: str, spans: Sequence[RateSpan], as_of: date, stale: str | None = None
) -> dict[str, Any] | None:
    """One model's entry; ``stale`` is why its vendor's prices are stale as of ``as_of``, if they are."""
    prices = history(spans, as_of)
    if not prices:
        return None
    info: dict[str, Any] = {"id": model, "match": {"equals": model}}
    inferred = _inferred_note(s for s in spans if s.valid_from <= as_of and price_name(s))
    comments = [c for c in (inferred, stale and f"ratecard: stale, {stale}") if c]
    if comments:
        info["price_comments"] = "; ".join(comments)
    info["prices"] = prices
    return info


def api_pattern(urls: Iterable[str]) -> str:
    """A pattern for the hosts we read prices from: the format needs one, we know no API host."""
    hosts = sorted({urlsplit(u).netloc for u in urls if urlsplit(u).netloc})
    return "|".join(f"https://{re.escape(h)}" for h in hosts) or "^$"


def provider_info(vendor: str, config: VendorConfig | None, models: list[dict[str, Any]]) -> dict[str, Any]:
    urls = list(config.start_urls) if config else []
    return {
        "id": vendor,
        "name": config.name if config else vendor,
        "pricing_urls": urls,
        "api_pattern": api_pattern(urls),
        "description": "Prices read by ratecard from the vendor's own pages, day by day; "
        "inferred or stale ones are named in each model's price_comments.",
        "provider_match": {"equals": vendor},
        "models": models,
    }


def document(
    spans: Iterable[RateSpan],
    as_of: date,
    vendors: Mapping[str, VendorConfig],
    stale: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """genai-prices' provider list for every model priced on or before ``as_of``; ``stale`` maps
    a vendor whose prices are stale to why."""
    stale = stale or {}
    grouped: dict[str, dict[str, list[RateSpan]]] = {}
    for s in spans:
        grouped.setdefault(s.vendor, {}).setdefault(s.model, []).append(s)
    providers = []
    for vendor in sorted(grouped):
        infos = (model_info(m, ss, as_of, stale.get(vendor)) for m, ss in sorted(grouped[vendor].items()))
        models = [i for i in infos if i is not None]
        if models:
            providers.append(provider_info(vendor, vendors.get(vendor), models))
    return providers
