"""pydantic/genai-prices' ``data.json``: a list of providers, their models priced per MTok.

Two versions load, told apart by shape (:func:`schema_version`): v1 (``prices/data.json``, frozen
since 2026-07-25) and v2 (``prices/new_data/v2/data.json``, what ``genai_prices.UpdatePrices``
fetches). v2 is v1 plus price keys v1 lacks (``cache_write_1h_mtok``, ``web_searches_kcount``...)
and per-model ``price_variants``; a reader of v2 reads v1 too, so one reader serves both.

Keys are ``<provider id>/<model id>`` (``anthropic/claude-sonnet-4-5``) because one model id appears
under several providers; pass prefixes such as ``"anthropic/"`` when matching. Values are already
USD per MTok, so they are taken exactly as written.

Field mapping (:data:`FIELDS`): ``input_mtok`` -> input, ``output_mtok`` -> output,
``cache_read_mtok`` -> cache_read, ``cache_write_mtok`` -> cache_write_5m (overridden by an explicit
``cache_write_5m_mtok``), ``cache_write_1h_mtok`` -> cache_write_1h, ``input_audio_mtok`` ->
audio_input, ``output_audio_mtok`` -> audio_output, ``cache_audio_read_mtok`` -> audio_cache_read.
Not mapped: per-count prices (``requests_kcount``, ``web_searches_kcount``...: not per MTok) and the
other v2 token keys (text/image/video splits, reasoning, citations).
A tiered value ``{"base": 3, "tiers": [{"start": 200000, "price": 6}]}`` gives the base in the
standard tier and each tier as ``context>200k``.

``prices`` may be a list of conditional prices. As genai-prices does, the last entry whose
constraint holds wins, else the first: a ``start_date`` constraint holds on or after its date
(compared with ``at``, default the file's date; with no date at all, the newest price wins).
Time-of-day prices (``start_time``/``end_time``, DeepSeek's peak hours) cannot be chosen by date:
their base values are kept under the tier ``utc=<start>-<end>``.

``price_variants`` (v2) override prices for requests made in a context. As genai-prices resolves
them, the first variant listed whose ``when`` applies and whose constraint holds gives each price
key. Read (:data:`VARIANTS`): ``{"processing": "batch"}`` -> our batch fields (``input_mtok`` ->
batch_input, ``output_mtok`` -> batch_output, ``cache_read_mtok`` -> batch_cache_read,
``cache_write_mtok`` -> batch_cache_write) in the same tier; ``{"service_tier": "flex"}`` and
``{"service_tier": "priority"}`` -> the mapped fields in the tier ``service=flex`` /
``service=priority`` (``context>200k;service=flex`` for their long-context tiers). Other contexts
(``service_tier`` ``default``/``fast``, ``speed``, ``route``...) are not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ratecard import tiers
from ratecard.registry.base import (
    PriceKey,
    Read,
    RegistryEntry,
    all_zero,
    date_in_name,
    scaled,
)

NAME = "genai-prices"
KEEPS_HISTORY = True
"""True: dated prices: what it says depends on the day asked."""

#: genai-prices price key -> our field; later keys override earlier ones mapped to the same field.
FIELDS: dict[str, str] = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write_5m",
    "cache_write_5m_mtok": "cache_write_5m",
    "cache_write_1h_mtok": "cache_write_1h",
    "input_audio_mtok": "audio_input",
    "output_audio_mtok": "audio_output",
    "cache_audio_read_mtok": "audio_cache_read",
}
#: A batch variant's price key -> our batch field.
BATCH_FIELDS: dict[str, str] = {
    "input_mtok": "batch_input",
    "output_mtok": "batch_output",
    "cache_read_mtok": "batch_cache_read",
    "cache_write_mtok": "batch_cache_write",
}
BATCH = "batch"
#: Our name of a price variant -> its ``when`` in genai-prices' data.
VARIANTS: dict[str, dict[str, str]] = {
    BATCH: {"processing": "batch"},
    "flex": {"service_tier": "flex"},
    "priority": {"service_tier": "priority"},
}
#: The price keys of v1's ModelPrice; any other key (or a ``price_variants``) makes a file v2.
V1_PRICE_KEYS = frozenset(
    {
        "input_mtok",
        "cache_write_mtok",
        "cache_read_mtok",
        "output_mtok",
        "input_audio_mtok",
        "cache_audio_read_mtok",
        "output_audio_mtok",
        "requests_kcount",
    }
)
_ONE = Decimal(1)


def recognises(doc: Any, source: str) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(p, dict) and "id" in p and "models" in p for p in doc)
    )


def _model_prices_of(model: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every ModelPrice a model states: plain, conditional, or in a variant."""
    prices = model.get("prices")
    plain = [prices] if isinstance(prices, dict) else [c["prices"] for c in prices or []]
    return plain + [v["prices"] for v in model.get("price_variants") or []]


def schema_version(doc: Any) -> int:
    """2 when a model has ``price_variants`` or a price key v1 does not know, else 1.

    A v2 file using none of v2's additions reads exactly as v1, so nothing is lost by calling it 1.
    """
    for provider in doc:
        for model in provider["models"]:
            if "price_variants" in model:
                return 2
            if any(set(p) - V1_PRICE_KEYS for p in _model_prices_of(model)):
                return 2
    return 1


def _tier(start: int | None, dims: Mapping[str, str]) -> str:
    """``context>200k;service=flex`` from a tier start and the variant's dimensions."""
    bound = {} if start is None else {"context": tiers.context(start).removeprefix("context")}
    return tiers.make(**bound, **dims)


def _values(
    prices: Mapping[str, Any],
    fields: Mapping[str, str] = FIELDS,
    dims: Mapping[str, str] | None = None,
    with_tiers: bool = True,
) -> dict[PriceKey, Decimal]:
    """Mapped prices of one ModelPrice, in the tier ``dims`` names (plus its context tiers)."""
    out: dict[PriceKey, Decimal] = {}
    for name, fld in fields.items():
        raw = prices.get(name)
        if raw is None:
            continue
        amount = scaled(raw.get("base") if isinstance(raw, dict) else raw, _ONE)
        if amount is not None:
            out[fld, _tier(None, dims or {})] = amount
        if isinstance(raw, dict) and with_tiers:
            for t in raw.get("tiers", []):
                tiered = scaled(t.get("price"), _ONE)
                if tiered is not None:
                    out[fld, _tier(int(t["start"]), dims or {})] = tiered
    return out


def _holds(constraint: dict[str, Any] | None, at: date | None) -> bool:
    if constraint is None:
        return True
    if set(constraint) != {"start_date"}:
        return False
    return at is None or date.fromisoformat(constraint["start_date"]) <= at


def _window(constraint: dict[str, Any] | None) -> dict[str, str] | None:
    """The tier dimension of a time-of-day constraint: ``{"utc": "00:30:00Z-16:30:00Z"}``."""
    if constraint is None or set(constraint) != {"start_time", "end_time"}:
        return None
    return {"utc": f"{constraint['start_time']}-{constraint['end_time']}"}


def model_prices(prices: Any, at: date | None) -> dict[PriceKey, Decimal]:
    """The prices of one model in force at ``at``, plus its time-of-day windows as tiers."""
    if isinstance(prices, dict):
        return _values(prices)
    options = [(c.get("constraint"), c["prices"]) for c in prices]
    chosen = next((p for c, p in reversed(options) if _holds(c, at)), options[0][1])
    out = _values(chosen)
    for constraint, p in options:
        window = _window(constraint)
        if window is not None:
            out.update(_values(p, dims=window, with_tiers=False))
    return out


def variant_named(when: Mapping[str, str]) -> str | None:
    """Our name for a variant's ``when`` (``batch``, ``flex``, ``priority``), None if we read none."""
    return next((name for name, known in VARIANTS.items() if dict(when) == known), None)


def _variant_fields(name: str) -> tuple[Mapping[str, str], dict[str, str]]:
    """(price key -> our field, tier dimensions) of a named variant."""
    return (BATCH_FIELDS, {}) if name == BATCH else (FIELDS, {"service": name})


def variant_prices(variants: list[dict[str, Any]], at: date | None) -> dict[PriceKey, Decimal]:
    """Batch, flex and priority prices in force at ``at``: per price key, the first variant that holds."""
    chosen: dict[str, dict[str, Any]] = {}
    for variant in variants:
        name = variant_named(variant["when"])
        if name is None or not _holds(variant.get("constraint"), at):
            continue
        for key, raw in variant["prices"].items():
            chosen.setdefault(name, {}).setdefault(key, raw)
    out: dict[PriceKey, Decimal] = {}
    for name, prices in chosen.items():
        fields, dims = _variant_fields(name)
        out.update(_values(prices, fields, dims))
    return out


def read(doc: Any, source: str, at: date | None = None) -> Read:
    when = date_in_name(source)
    entries: dict[str, RegistryEntry] = {}
    for provider in doc:
        for model in provider["models"]:
            key = f"{provider['id']}/{model['id']}"
            prices = model_prices(model["prices"], at or when)
            prices.update(variant_prices(model.get("price_variants") or [], at or when))
            entries[key] = RegistryEntry(key, provider["id"], prices, all_zero(prices.values()))
    return Read(date=when, entries=entries)
