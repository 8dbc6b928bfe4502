"""LiteLLM's ``model_prices_and_context_window.json``: USD per token, keyed by LiteLLM model name.

Two shapes load: the plain file (``{key: {...}}``, as litellm ships it and tokencost vendors it)
and the scraper envelope ``{"source": "litellm", "fetched_at": ..., "data": {key: {...}}}``, whose
``fetched_at`` dates it; otherwise the date comes from the file name. ``sample_spec`` is skipped.

Field mapping (value × 1e6, exact, from JSON read with ``parse_float=Decimal``):

- ``input_cost_per_token`` -> input; ``output_cost_per_token`` -> output
- ``cache_read_input_token_cost`` -> cache_read
- ``cache_creation_input_token_cost`` -> cache_write_5m
- ``cache_creation_input_token_cost_above_1hr`` -> cache_write_1h
- ``input_cost_per_token_batches`` -> batch_input; ``output_cost_per_token_batches`` -> batch_output
- any of the above + ``_above_<N>k_tokens`` -> same field, tier ``context><N>k``

Not mapped (no per-MTok field of ours, or no agreed tier name yet): ``*_flex``, ``*_priority``,
``input_cost_per_token_cache_hit`` (a duplicate of cache_read), audio/image/character/second prices.
``free``: every numeric ``*cost*`` value of the entry is zero. ``provider``: ``litellm_provider``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ratecard import tiers
from ratecard.parsers.base import MTOK
from ratecard.registry.base import (
    PriceKey,
    Read,
    RegistryEntry,
    all_zero,
    date_in_name,
    number,
    scaled,
)

NAME = "litellm"
KEEPS_HISTORY = False
"""False: one price per key: the day asked changes nothing."""

#: LiteLLM field -> our field (standard tier). ``patch`` inverts it.
FIELDS: dict[str, str] = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write_5m",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h",
    "input_cost_per_token_batches": "batch_input",
    "output_cost_per_token_batches": "batch_output",
}
_ABOVE = re.compile(r"^(?P<base>.+)_above_(?P<k>\d+)k_tokens$")
_SKIP = {"sample_spec"}


def price_key(name: str) -> PriceKey | None:
    """(field, tier) of a LiteLLM field name, or None when it is not one we map."""
    if name in FIELDS:
        return FIELDS[name], tiers.STANDARD
    m = _ABOVE.match(name)
    if m is not None and m["base"] in FIELDS:
        return FIELDS[m["base"]], tiers.context(int(m["k"]) * 1000)
    return None


def _body(doc: Any) -> dict[str, Any] | None:
    """The key -> entry mapping, inside the scraper envelope or not."""
    if not isinstance(doc, dict):
        return None
    inner = doc.get("data")
    body: dict[str, Any] = inner if isinstance(inner, dict) and "fetched_at" in doc else doc
    return body


def recognises(doc: Any, source: str) -> bool:
    body = _body(doc)
    if not body:
        return False
    return any(
        isinstance(v, dict) and ("input_cost_per_token" in v or "litellm_provider" in v)
        for v in body.values()
    )


def _entry(key: str, raw: dict[str, Any]) -> RegistryEntry:
    prices = {}
    for name, value in raw.items():
        pk = price_key(name)
        amount = scaled(value, MTOK) if pk is not None else None
        if pk is not None and amount is not None:
            prices[pk] = amount
    costs = [n for k, v in raw.items() if "cost" in k and (n := number(v)) is not None]
    provider = raw.get("litellm_provider")
    return RegistryEntry(
        key=key,
        provider=provider if isinstance(provider, str) else None,
        prices=prices,
        free=all_zero(costs),
    )


def _date(doc: Any, source: str) -> date | None:
    fetched = doc.get("fetched_at") if isinstance(doc, dict) else None
    if isinstance(fetched, str) and isinstance(doc.get("data"), dict):
        return datetime.fromisoformat(fetched).date()
    return date_in_name(source)


def read(doc: Any, source: str, at: date | None = None) -> Read:
    """All entries; LiteLLM keeps no price history, so ``at`` changes nothing."""
    body = _body(doc) or {}
    entries = {k: _entry(k, v) for k, v in body.items() if k not in _SKIP and isinstance(v, dict)}
    return Read(date=_date(doc, source), entries=entries)
