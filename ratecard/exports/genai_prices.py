"""Our verified history as pydantic/genai-prices' v2 ``data.json``, the file ``genai_prices.UpdatePrices``
loads (``UpdatePrices(url=...)``), so a program that prices requests with genai-prices prices them
with our rates, on the day of each request. See ``docs/formats.md`` for the whole mapping.

- **History**: each model's ``prices`` is a list of entries constrained by ``start_date``, one for
  every period in which its own prices held (the day we first saw them). genai-prices uses the last
  entry that has started, as its own data expresses price changes.
- **Variants**: batch prices (``batch_input``...) go in a ``price_variants`` entry with ``when``
  ``{"processing": "batch"}``; the ``service=flex`` / ``service=priority`` tiers in one with
  ``{"service_tier": "flex"}`` / ``{"service_tier": "priority"}``. Each period of a variant is one
  entry with its ``start_date``, newest first, because genai-prices takes the first variant that
  applies. A variant price is only written where the model's own prices have the same key (a
  variant overrides, it never adds). A variant price that stops being published keeps applying
  until another replaces it, as a model that disappears keeps its last prices.
- **Long context**: ``context>Nk`` tiers become tiered prices (``{"base", "tiers"}``) of their
  base key, in the model's prices and in its variants; a tier without its base cannot be written.
- **Per count**: ``request``, ``web_search`` and ``file_search`` rates (per request or per 1,000)
  become ``requests_kcount``, ``web_searches_kcount`` and ``storage_searches_kcount``.
- **Other units**: image and video tokens become ``input_image_mtok``... (:data:`MODALITY_KEYS`),
  text-to-speech per million characters ``input_mchars``, audio billed by its length (per minute,
  second or hour) ``audio_hours``; per-image, per-second-of-video, container, storage and
  instance prices have no genai-prices key and are left out (named in ``price_comments``, and
  counted by :func:`unexported`).
- **Match**: the model id itself, or the id followed by a date as API ids carry one
  (``claude-sonnet-4-5-20250929``, ``gpt-4o-2024-08-06``, ``claude-sonnet-4-5@20250929``), never a
  longer name (``gpt-4o`` does not match ``gpt-4o-mini``) nor a dated id the vendor prices as a
  model of its own (``gpt-4o-2024-05-13``).
- **Left out**: rates marked not offered, other tiers (regions, deployments, time windows) and
  units, and a key genai-prices would refuse to price with the others (``cache_write_1h_mtok``
  without ``cache_write_mtok``, say): those are named in ``price_comments``.
- **Marked**: inferred rates (derived, or converted from another currency) are exported and named
  in the model's ``price_comments``, as is a vendor not re-verified lately (stale); the caller may
  leave both out (``--verified-only``).

Values stay exact: write the document with :func:`ratecard.exports.exact_json.dumps`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

from ratecard import tiers
from ratecard.config.settings import VendorConfig
from ratecard.registry.genai_prices import BATCH, BATCH_FIELDS, VARIANTS
from ratecard.registry.genai_prices import FIELDS as READ_FIELDS


class ExportSpan(Protocol):
    """What the export reads of one stored rate (``snapshots.read.Span`` and ``RateSpan`` rows fit)."""

    @property
    def vendor(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_to(self) -> date | None: ...
    @property
    def source_url(self) -> str: ...


#: Our per-MTok field -> genai-prices' price key (the reader's mapping, inverted).
PRICE_KEYS: dict[str, str] = {
    ours: theirs for theirs, ours in READ_FIELDS.items() if theirs != "cache_write_5m_mtok"
} | {"cache_write": "cache_write_mtok"}
FALLBACK_FIELDS = frozenset({"cache_write"})
"""Fields written only where the vendor has no field of its own for the key (no cache_write_5m)."""
#: Our batch field -> the price key it sets in the batch variant.
BATCH_KEYS: dict[str, str] = {ours: theirs for theirs, ours in BATCH_FIELDS.items()}
SERVICES: tuple[str, ...] = tuple(name for name in VARIANTS if name != BATCH)
"""The ``service=`` tiers written as variants: flex, priority."""
#: Our per-request field -> genai-prices' per-1,000 key.
COUNT_KEYS: dict[str, str] = {
    "request": "requests_kcount",
    "web_search": "web_searches_kcount",
    "file_search": "storage_searches_kcount",
}
_PER_THOUSAND = {"usd_per_1k_requests": Decimal(1), "usd_per_request": Decimal(1000)}
#: Our per-MTok fields by modality -> genai-prices' key (the model's own prices; no variants).
MODALITY_KEYS: dict[str, str] = {
    "image_input": "input_image_mtok",
    "image_output": "output_image_mtok",
    "image_cache_read": "cache_image_read_mtok",
    "video_input": "input_video_mtok",
    "video_output": "output_video_mtok",
}
#: (our field, our unit) -> (genai-prices' key, how many of our unit its unit holds).
UNIT_KEYS: dict[tuple[str, str], tuple[str, Decimal]] = {
    ("speech_generation", "usd_per_mchars"): ("input_mchars", Decimal(1)),
    ("transcription", "usd_per_minute"): ("audio_hours", Decimal(60)),
    ("transcription", "usd_per_second"): ("audio_hours", Decimal(3600)),
    ("transcription_hours", "usd_per_hour"): ("audio_hours", Decimal(1)),
    ("audio_duration", "usd_per_minute"): ("audio_hours", Decimal(60)),
    ("audio_duration", "usd_per_second"): ("audio_hours", Decimal(3600)),
}
#: ModelPrice's own key order, so exports read like genai-prices' file.
ORDER: tuple[str, ...] = (
    "input_mtok",
    "cache_write_mtok",
    "cache_read_mtok",
    "output_mtok",
    "cache_write_1h_mtok",
    "input_audio_mtok",
    "cache_audio_read_mtok",
    "output_audio_mtok",
    *MODALITY_KEYS.values(),
    "input_mchars",
    "audio_hours",
    *COUNT_KEYS.values(),
)
#: genai-prices refuses a price whose more general keys are unpriced (its unit registry's ancestors).
REQUIRES: dict[str, tuple[str, ...]] = {
    "cache_read_mtok": ("input_mtok",),
    "cache_write_mtok": ("input_mtok",),
    "cache_write_1h_mtok": ("input_mtok", "cache_write_mtok"),
    "input_audio_mtok": ("input_mtok",),
    "cache_audio_read_mtok": ("input_audio_mtok", "cache_read_mtok"),
    "output_audio_mtok": ("output_mtok",),
    "input_image_mtok": ("input_mtok",),
    "output_image_mtok": ("output_mtok",),
    "cache_image_read_mtok": ("input_image_mtok", "cache_read_mtok"),
    "input_video_mtok": ("input_mtok",),
    "output_video_mtok": ("output_mtok",),
}
#: ... and two keys that count the same tokens need the key of their overlap: (a, b) -> overlap.
OVERLAPS: dict[tuple[str, str], str] = {
    ("input_audio_mtok", "cache_read_mtok"): "cache_audio_read_mtok",
    ("input_audio_mtok", "cache_write_mtok"): "cache_audio_write_mtok",
    ("input_audio_mtok", "cache_write_1h_mtok"): "cache_audio_write_1h_mtok",
    ("input_image_mtok", "cache_read_mtok"): "cache_image_read_mtok",
    ("input_image_mtok", "cache_write_mtok"): "cache_image_write_mtok",
    ("input_image_mtok", "cache_write_1h_mtok"): "cache_image_write_1h_mtok",
    ("input_video_mtok", "cache_read_mtok"): "cache_video_read_mtok",
    ("input_video_mtok", "cache_write_mtok"): "cache_video_write_mtok",
    ("input_video_mtok", "cache_write_1h_mtok"): "cache_video_write_1h_mtok",
}
COMMENT_LIMIT = 1000
"""genai-prices' schema caps ``price_comments`` at 1,000 characters."""
_DATE = r"(?:\d{8}|\d{4}-\d{2}-\d{2})"
_REGEX_SPECIAL = re.compile(r"[.^$*+?()\[\]{}|\\]")


@dataclass(frozen=True, slots=True)
class Place:
    """Where one rate goes in a v2 document."""

    variant: str | None
    """``batch``, ``flex`` or ``priority``; None for the model's own prices."""
    key: str
    start: int | None
    """Prompt tokens above which the tier applies; None for the base price."""
    primary: bool = True
    """False for a fallback field, which the vendor's own field for the key beats."""
    factor: Decimal = Decimal(1)
    """How many of the span's unit the key's unit holds (1,000 requests, an hour of minutes)."""


def place(span: ExportSpan) -> Place | None:
    """Where genai-prices' v2 format holds a span, or None when it has no place for it."""
    if span.value is None or span.status == "not_offered":
        return None
    if span.unit in _PER_THOUSAND:
        count = COUNT_KEYS.get(span.field)
        standard = span.tier == tiers.STANDARD
        return Place(None, count, None, factor=_PER_THOUSAND[span.unit]) if count and standard else None
    if (span.field, span.unit) in UNIT_KEYS:
        key, factor = UNIT_KEYS[span.field, span.unit]
        return Place(None, key, None, factor=factor) if span.tier == tiers.STANDARD else None
    if span.unit != "usd_per_mtok":
        return None
    try:
        dims = tiers.parse(span.tier)
    except ValueError:
        return None
    service, bound = dims.pop("service", None), dims.pop("context", None)
    start = tiers.context_threshold(f"context{bound}") if bound else None
    if dims or (bound and start is None) or (service is not None and service not in SERVICES):
        return None
    if span.field in BATCH_KEYS:
        return None if service else Place(BATCH, BATCH_KEYS[span.field], start)
    if span.field in MODALITY_KEYS:
        return None if service or bound else Place(None, MODALITY_KEYS[span.field], None)
    found = PRICE_KEYS.get(span.field)
    return None if found is None else Place(service, found, start, span.field not in FALLBACK_FIELDS)


def price_name(span: ExportSpan) -> str | None:
    """genai-prices' price key for a span (in its model's prices or a variant), or None."""
    found = place(span)
    return None if found is None else found.key


def in_force(span: ExportSpan, day: date) -> bool:
    return span.valid_from <= day and (span.valid_to is None or day < span.valid_to)


def priceable(keys: Collection[str]) -> set[str]:
    """The keys genai-prices will price together: overlaps covered, every required key present."""
    keep = set(keys)
    for (a, b), overlap in OVERLAPS.items():
        if {a, b} <= keep and overlap not in keep:
            keep.discard(a)
    while gone := {k for k in keep if not set(REQUIRES.get(k, ())) <= keep}:
        keep -= gone
    return keep


def _price(base: Decimal, steps: Mapping[int, Decimal]) -> Decimal | dict[str, Any]:
    """A flat price, or ``{"base", "tiers"}`` when it has context tiers."""
    if not steps:
        return base
    return {"base": base, "tiers": [{"start": n, "price": p} for n, p in sorted(steps.items())]}


Prices = dict[str | None, dict[str, Any]]
"""Variant name (None: the model's own) -> ModelPrice."""


def day_prices(spans: Iterable[ExportSpan]) -> tuple[Prices, set[str]]:
    """The ModelPrices of one model from the spans in force on one day, and the keys genai-prices
    could not price with the others."""
    placed = [(p, s.value * p.factor) for s in spans if s.value is not None and (p := place(s)) is not None]
    base: dict[tuple[str | None, str], Decimal] = {}
    tiered: dict[tuple[str | None, str], dict[int, Decimal]] = {}
    for p, value in sorted(placed, key=lambda pv: pv[0].primary):  # primary fields last: they win
        if p.start is None:
            base[p.variant, p.key] = value
        else:
            tiered.setdefault((p.variant, p.key), {})[p.start] = value
    own = {k for v, k in base if v is None}
    kept = priceable(own)
    out: Prices = {}
    for variant in (None, *VARIANTS):
        price = {
            k: _price(base[variant, k], tiered.get((variant, k), {}))
            for k in ORDER
            if k in kept and (variant, k) in base
        }
        if price:
            out[variant] = price
    return out, own - kept


@dataclass(frozen=True, slots=True)
class History:
    """A model's v2 ``prices`` and ``price_variants``, and the keys left out of them."""

    prices: list[dict[str, Any]]
    variants: list[dict[str, Any]]
    left_out: set[str]


def history(spans: Sequence[ExportSpan], as_of: date) -> History:
    """One entry per period in which a model's prices (or a variant's) held, up to ``as_of``."""
    days = sorted({s.valid_from for s in spans} | {s.valid_to for s in spans if s.valid_to})
    last: Prices = {}
    started: dict[str | None, list[dict[str, Any]]] = {}
    left_out: set[str] = set()
    for day in (d for d in days if d <= as_of):
        prices, dropped = day_prices(s for s in spans if in_force(s, day))
        left_out |= dropped
        for variant, price in prices.items():
            if price != last.get(variant):
                entry = {"constraint": {"start_date": day.isoformat()}, "prices": price}
                started.setdefault(variant, []).append(entry)
                last[variant] = price
    variants = [
        {"when": VARIANTS[name], "prices": e["prices"], "constraint": e["constraint"]}
        for name in VARIANTS
        for e in reversed(started.get(name, []))  # genai-prices takes the first that holds
    ]
    return History(started.get(None, []), variants, left_out)


def _escape(text: str) -> str:
    """Escape regex syntax, and nothing else (JavaScript's genai-prices reads the pattern too)."""
    return _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def match_rule(model: str, others: Collection[str] = ()) -> dict[str, Any]:
    """``model``, or ``model`` + ``-``/``@`` + a date (``20250929`` or ``2024-08-06``): the API ids
    of one model; a dated id among ``others`` (the vendor's other models) is left to its own entry."""
    model = model.lower()
    dated = re.compile(f"[-@]({_DATE})")
    taken = sorted(
        m[1]
        for o in others
        if o.lower().startswith(model) and (m := dated.fullmatch(o.lower(), len(model))) is not None
    )
    exclude = f"(?!(?:{'|'.join(map(_escape, taken))})$)" if taken else ""
    return {"or": [{"equals": model}, {"regex": f"^{_escape(model)}[-@]{exclude}{_DATE}$"}]}


def _inferred_note(spans: Iterable[ExportSpan]) -> str | None:
    reasons = sorted({f"{s.field}: {s.reason or 'inferred'}" for s in spans if s.status == "inferred"})
    return "ratecard inferred " + "; ".join(reasons) if reasons else None


_NO_KEY = "genai-prices has no key "


def keyed(field: str, unit: str) -> bool:
    """Whether the format has a key for the field in this unit (in some tier)."""
    if unit in _PER_THOUSAND:
        return field in COUNT_KEYS
    if unit == "usd_per_mtok":
        return field in PRICE_KEYS or field in BATCH_KEYS or field in MODALITY_KEYS
    return (field, unit) in UNIT_KEYS


def why_not(span: ExportSpan) -> str:
    """Why a span has no place in the format: its tier's dimensions, else its field and unit."""
    if not keyed(span.field, span.unit):
        return f"{_NO_KEY}for {span.field} in {span.unit}"
    try:
        dims = ", ".join(sorted(tiers.parse(span.tier)))
    except ValueError:
        dims = span.tier
    return f"{_NO_KEY}by {dims}"


def unexported(spans: Iterable[ExportSpan], day: date) -> list[tuple[ExportSpan, str]]:
    """The offered rates in force on ``day`` the format has no key for, each with why."""
    return [
        (s, why_not(s))
        for s in spans
        if in_force(s, day) and s.value is not None and s.status != "not_offered" and place(s) is None
    ]


def _unkeyed_note(spans: Iterable[ExportSpan], day: date) -> str | None:
    labels = sorted({f"{s.field} ({why.removeprefix(_NO_KEY)})" for s, why in unexported(spans, day)})
    return "ratecard also has, without a genai-prices key: " + ", ".join(labels) if labels else None


def _left_out_note(keys: Collection[str]) -> str | None:
    if not keys:
        return None
    return "ratecard left out " + ", ".join(sorted(keys)) + " (genai-prices needs keys we lack with them)"


def comments(notes: Iterable[str | None]) -> str | None:
    """The notes joined, cut to the schema's limit (with an ellipsis) rather than made invalid."""
    text = "; ".join(n for n in notes if n)
    if len(text) > COMMENT_LIMIT:
        text = text[: COMMENT_LIMIT - 1] + "…"
    return text or None


def model_info(
    model: str,
    spans: Sequence[ExportSpan],
    as_of: date,
    stale: str | None = None,
    others: Collection[str] = (),
) -> dict[str, Any] | None:
    """One model's entry; ``stale`` is why its vendor's prices are stale as of ``as_of``, if they
    are; ``others`` are the vendor's other model ids (for the match rule)."""
    found = history(spans, as_of)
    if not found.prices:
        return None
    info: dict[str, Any] = {"id": model, "match": match_rule(model, others)}
    inferred = _inferred_note(s for s in spans if s.valid_from <= as_of and place(s))
    note = comments(
        [
            inferred,
            stale and f"ratecard: stale, {stale}",
            _left_out_note(found.left_out),
            _unkeyed_note(spans, as_of),
        ]
    )
    if note:
        info["price_comments"] = note
    info["prices"] = found.prices
    if found.variants:
        info["price_variants"] = found.variants
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
    spans: Sequence[ExportSpan],
    as_of: date,
    vendors: Mapping[str, VendorConfig],
    stale: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """genai-prices' v2 provider list for every model priced on or before ``as_of`` (a list, as
    ``UpdatePrices`` requires); ``stale`` maps a vendor whose prices are stale to why."""
    stale = stale or {}
    grouped: dict[str, dict[str, list[ExportSpan]]] = {}
    for s in spans:
        grouped.setdefault(s.vendor, {}).setdefault(s.model, []).append(s)
    providers = []
    for vendor, by_model in sorted(grouped.items()):
        infos = (
            model_info(m, ss, as_of, stale.get(vendor), by_model.keys() - {m})
            for m, ss in sorted(by_model.items())
        )
        models = [i for i in infos if i is not None]
        if models:
            providers.append(provider_info(vendor, vendors.get(vendor), models))
    return providers
