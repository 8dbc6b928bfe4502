"""OpenRouter: the ``/api/v1/models`` JSON (``{"data": [...]}``), prices as per-token strings.

Model id rule: OpenRouter's own ``id`` (``anthropic/claude-sonnet-4.5``, ``…:free``), lower-cased.
``"-1"`` marks a router whose price depends on where it routes (``openrouter/auto``): recorded as
``variable_priced``, never as a negative rate. A zero extra fee (request, image, web search,
reasoning) means "not charged" and is not stored; zero token prices are stored only for models
listed as free (``:free`` or both prompt and completion zero), which are flagged ``free``.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, normalize, parsed, per_token_to_mtok

VENDOR = "openrouter"

#: pricing key -> (field, unit, per_token): per-token prices become per MTok.
_KEYS: dict[str, tuple[str, Unit, bool]] = {
    "prompt": ("input", "usd_per_mtok", True),
    "completion": ("output", "usd_per_mtok", True),
    "input_cache_read": ("cache_read", "usd_per_mtok", True),
    "input_cache_write": ("cache_write", "usd_per_mtok", True),
    "internal_reasoning": ("reasoning", "usd_per_mtok", True),
    "audio": ("audio_input", "usd_per_mtok", True),
    "request": ("request", "usd_per_request", False),
    "image": ("image_input", "usd_per_image", False),
    "web_search": ("web_search", "usd_per_request", False),
}
_CORE = {"prompt", "completion"}


def model_id(raw: str) -> str:
    """OpenRouter's own ``id`` (``vendor/model[:variant]``), trimmed and lower-cased: already stable."""
    return raw.strip().lower()


def _amount(model: str, key: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ParseError(VENDOR, f"{model}: pricing.{key} is not a number: {value!r}") from exc
    if not amount.is_finite():  # "NaN" would crash the sign check, "Infinity" pass it
        raise ParseError(VENDOR, f"{model}: pricing.{key} is not a finite number: {value!r}")
    return amount


def _model_rates(entry: dict[str, Any]) -> list[ParsedRate]:
    mid = model_id(str(entry["id"]))
    pricing = entry.get("pricing")
    if not isinstance(pricing, dict) or not pricing.keys() >= _CORE:
        raise ParseError(VENDOR, f"{mid}: expected pricing.prompt and pricing.completion")
    amounts = {k: _amount(mid, k, v) for k, v in pricing.items() if k in _KEYS}
    if any(a < 0 for a in amounts.values()):
        if all(amounts[k] == -1 for k in _CORE):
            return [ParsedRate(mid, "variable_priced", None, unit="flag")]
        raise ParseError(VENDOR, f"{mid}: negative price in {pricing}")
    free = mid.endswith(":free") or all(amounts[k] == 0 for k in _CORE)
    out = [ParsedRate(mid, "free", None, unit="flag")] if free else []
    for key, amount in amounts.items():
        field, unit, per_token = _KEYS[key]
        if amount == 0 and not (free and key in _CORE):
            continue
        value = per_token_to_mtok(amount) if per_token else normalize(amount)
        out.append(ParsedRate(mid, field, value, unit=unit))
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ParseError(VENDOR, f"{url} is not valid JSON ({exc}); expected {{'data': [models]}}") from exc
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list) or not data:
        raise ParseError(VENDOR, f"no model list found in {url} (expected a non-empty 'data' array)")
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    for entry in data:
        if not isinstance(entry, dict) or "id" not in entry:
            raise ParseError(VENDOR, f"model entry without an id in {url}")
        rates.extend(_model_rates(entry))
        names[model_id(str(entry["id"]))] = str(entry.get("name") or entry["id"])
    return parsed(VENDOR, rates, names)
