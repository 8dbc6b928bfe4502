"""pydantic/genai-prices ``prices/data.json``: a list of providers, their models priced per MTok.

Keys are ``<provider id>/<model id>`` (``anthropic/claude-sonnet-4-5``) because one model id appears
under several providers; pass prefixes such as ``"anthropic/"`` when matching. Values are already
USD per MTok, so they are taken exactly as written.

Field mapping: ``input_mtok`` -> input, ``output_mtok`` -> output, ``cache_read_mtok`` ->
cache_read, ``cache_write_mtok`` -> cache_write_5m, ``input_audio_mtok`` -> audio_input,
``output_audio_mtok`` -> audio_output. Not mapped: ``cache_audio_read_mtok``,
``requests_kcount`` (per 1k requests).
A tiered value ``{"base": 3, "tiers": [{"start": 200000, "price": 6}]}`` gives the base in the
standard tier and each tier as ``context>200k``.

``prices`` may be a list of conditional prices. As genai-prices does, the last entry whose
constraint holds wins, else the first: a ``start_date`` constraint holds on or after its date
(compared with ``at``, default the file's date; with no date at all, the newest price wins).
Time-of-day prices (``start_time``/``end_time``, DeepSeek's peak hours) cannot be chosen by date:
their base values are kept under the tier ``utc=<start>-<end>``.
"""

from __future__ import annotations

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

FIELDS: dict[str, str] = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write_5m",
    "input_audio_mtok": "audio_input",
    "output_audio_mtok": "audio_output",
}
_ONE = Decimal(1)


def recognises(doc: Any, source: str) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(p, dict) and "id" in p and "models" in p for p in doc)
    )


def _values(prices: dict[str, Any], base_tier: str | None) -> dict[PriceKey, Decimal]:
    """Mapped prices of one ModelPrice; context tiers too unless ``base_tier`` is given."""
    out: dict[PriceKey, Decimal] = {}
    for name, raw in prices.items():
        fld = FIELDS.get(name)
        if fld is None or raw is None:
            continue
        value = raw.get("base") if isinstance(raw, dict) else raw
        amount = scaled(value, _ONE)
        if amount is not None:
            out[fld, base_tier or tiers.STANDARD] = amount
        if isinstance(raw, dict) and base_tier is None:
            for t in raw.get("tiers", []):
                tiered = scaled(t.get("price"), _ONE)
                if tiered is not None:
                    out[fld, tiers.context(int(t["start"]))] = tiered
    return out


def _holds(constraint: dict[str, Any] | None, at: date | None) -> bool:
    if constraint is None:
        return True
    if set(constraint) != {"start_date"}:
        return False
    return at is None or date.fromisoformat(constraint["start_date"]) <= at


def _window(constraint: dict[str, Any] | None) -> str | None:
    if constraint is None or set(constraint) != {"start_time", "end_time"}:
        return None
    return tiers.make(utc=f"{constraint['start_time']}-{constraint['end_time']}")


def model_prices(prices: Any, at: date | None) -> dict[PriceKey, Decimal]:
    """The prices of one model in force at ``at``, plus its time-of-day windows as tiers."""
    if isinstance(prices, dict):
        return _values(prices, None)
    options = [(c.get("constraint"), c["prices"]) for c in prices]
    chosen = next((p for c, p in reversed(options) if _holds(c, at)), options[0][1])
    out = _values(chosen, None)
    for constraint, p in options:
        window = _window(constraint)
        if window is not None:
            out.update(_values(p, window))
    return out


def read(doc: Any, source: str, at: date | None = None) -> Read:
    when = date_in_name(source)
    entries: dict[str, RegistryEntry] = {}
    for provider in doc:
        for model in provider["models"]:
            key = f"{provider['id']}/{model['id']}"
            prices = model_prices(model["prices"], at or when)
            entries[key] = RegistryEntry(key, provider["id"], prices, all_zero(prices.values()))
    return Read(date=when, entries=entries)
