"""simonw/llm-prices per-vendor files (``data/<vendor>.json``): price histories per MTok.

Shape: ``{"vendor": "anthropic", "models": [{"id", "name", "price_history": [{"input", "output",
"input_cached", "from_date", "to_date"}]}]}``. The history entry in force at a date ``d`` is the
one with ``from_date <= d`` (or none) and ``d < to_date`` (or none); ``at`` defaults to the file's
date, and with no date at all the open-ended (current) entry is used. A model with no entry in
force at that date is left out.

Field mapping: ``input`` -> input, ``output`` -> output, ``input_cached`` -> cache_read.
Long-context prices are separate models named ``<id>-<N>k`` whose name says ``>``
(``claude-sonnet-4.5-200k``, "... >200k"): they become tier ``context><N>k`` of ``<id>``.
Keys are llm-prices' own ids (``claude-sonnet-4.5``); provider is the file's ``vendor``.
"""

from __future__ import annotations

import re
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

NAME = "llm-prices"
KEEPS_HISTORY = True
"""True: dated prices: what it says depends on the day asked."""

FIELDS: dict[str, str] = {"input": "input", "output": "output", "input_cached": "cache_read"}
_LONG = re.compile(r"^(?P<base>.+)-(?P<k>\d+)k$")
_ONE = Decimal(1)


def recognises(doc: Any, source: str) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("vendor"), str)
        and isinstance(doc.get("models"), list)
        and all(isinstance(m, dict) and "price_history" in m for m in doc["models"])
    )


def in_force(history: list[dict[str, Any]], at: date | None) -> dict[str, Any] | None:
    """The history entry whose [from_date, to_date) holds ``at``; the open-ended one if no date."""
    for entry in history:
        start, end = entry.get("from_date"), entry.get("to_date")
        if at is None:
            if end is None:
                return entry
            continue
        if (start is None or date.fromisoformat(start) <= at) and (
            end is None or at < date.fromisoformat(end)
        ):
            return entry
    return None


def split_key(model_id: str, name: str) -> tuple[str, str]:
    """(key, tier): ``claude-sonnet-4.5-200k`` named "... >200k" is ``claude-sonnet-4.5``, >200k."""
    m = _LONG.match(model_id)
    if m is not None and ">" in name:
        return m["base"], tiers.context(int(m["k"]) * 1000)
    return model_id, tiers.STANDARD


def read(doc: Any, source: str, at: date | None = None) -> Read:
    when = date_in_name(source)
    provider: str = doc["vendor"]
    prices: dict[str, dict[PriceKey, Decimal]] = {}
    for model in doc["models"]:
        entry = in_force(model["price_history"], at or when)
        if entry is None:
            continue
        key, tier = split_key(model["id"], model.get("name") or "")
        bucket = prices.setdefault(key, {})
        for name, fld in FIELDS.items():
            amount = scaled(entry.get(name), _ONE)
            if amount is not None:
                bucket[fld, tier] = amount
    entries = {
        k: RegistryEntry(k, provider, p, all_zero(v for (f, t), v in p.items() if f != "cache_read"))
        for k, p in prices.items()
    }
    return Read(date=when, entries=entries)
