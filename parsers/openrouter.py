"""OpenRouter: the ``/api/v1/models`` JSON (``{"data": [...]}``), prices as per-token strings.

Model id rule: OpenRouter's own ``id`` (``anthropic/claude-sonnet-4.5``, ``…:free``), lower-cased.
``"-1"`` marks a router whose price depends on where it routes (``openrouter/auto``): recorded as
``variable_priced``, never as a negative rate. A zero extra fee (request, image, web search,
reasoning) means "not charged" and is not stored; zero token prices are stored only for models
listed as free (``:free`` or both prompt and completion zero), which are flagged ``free``.

Pricing keys are mapped one by one (``_KEYS``); a key given as ``null`` or ``""`` is absent.
``input_cache_write`` is the single cache-write price (``cache_write``), except where the model
also prices a 1-hour (or explicit 5-minute) write: OpenRouter documents it as the default
5-minute rate then, so it becomes ``cache_write_5m``. ``image_output`` is per output image
*token* (the values are the vendors' per-token image prices, e.g. 0.00003 = $30/MTok), stored
per MTok. ``discount`` is ignored: it is applied per endpoint, the top-level keys are the list
prices. ``overrides`` whose only condition is ``min_prompt_tokens`` become context tiers
(``context>200k``) holding the price in force just above each threshold ("later entries win
per key", absent keys inherit the base); overrides with any other condition (time windows) are
not modelled, the top-level prices being the ones "under default conditions". Every key not
mapped is reported by :func:`unmapped_keys`, so new keys are seen without failing the vendor.

``image`` was a price per input image (``"0.024"`` for Claude Opus) until OpenRouter changed its
meaning: in later lists it holds the model's per-token prompt price (Gemini 2.5 Flash
``"0.0000003"``, per image it would be absurd). That is a unit change, not a price move, and the
data says which values have it (:func:`image_unit_changed`): a model whose ``image`` equals its
``prompt`` price carries a per-token value; when that holds for more than half of the models
that price both, the key's meaning has changed for the whole list and no ``image`` value is
stored. Refused values are named in ``Parsed.notes``; they are not stored as per-token image input
either, since the API does not document them as such.

The body is the API's ``{"data": [...]}``; a bare ``[...]`` of model objects (a capture of the
``.data`` array) is read the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, normalize, parsed, per_token_to_mtok

VENDOR = "openrouter"


@dataclass(frozen=True, slots=True)
class _Key:
    field: str
    unit: Unit
    per_token: bool
    """Per-token prices become per MTok; others are stored as published."""


_TOKEN: Unit = "usd_per_mtok"
#: pricing key -> field, unit: the keys this parser reads.
_KEYS: dict[str, _Key] = {
    "prompt": _Key("input", _TOKEN, True),
    "completion": _Key("output", _TOKEN, True),
    "input_cache_read": _Key("cache_read", _TOKEN, True),
    "input_cache_write": _Key("cache_write", _TOKEN, True),
    "input_cache_write_5m": _Key("cache_write_5m", _TOKEN, True),
    "input_cache_write_1h": _Key("cache_write_1h", _TOKEN, True),
    "internal_reasoning": _Key("reasoning", _TOKEN, True),
    "audio": _Key("audio_input", _TOKEN, True),
    "input_audio": _Key("audio_input", _TOKEN, True),
    "audio_output": _Key("audio_output", _TOKEN, True),
    "input_audio_cache": _Key("audio_cache_read", _TOKEN, True),
    "image_output": _Key("image_output", _TOKEN, True),
    "request": _Key("request", "usd_per_request", False),
    "image": _Key("image_analysis", "usd_per_image", False),
    "web_search": _Key("web_search", "usd_per_request", False),
}
_CORE = ("prompt", "completion")
_OVERRIDES = "overrides"
_THRESHOLD = "min_prompt_tokens"
#: Keys read and deliberately not stored (see the module docstring); a non-zero discount is
#: still reported by :func:`unmapped_keys`.
_IGNORED = frozenset({"discount"})
_SPLIT_WRITES = ("input_cache_write_1h", "input_cache_write_5m")


def model_id(raw: str) -> str:
    """OpenRouter's own ``id`` (``vendor/model[:variant]``), trimmed and lower-cased: already stable."""
    return raw.strip().lower()


def _amount(model: str, key: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ParseError(VENDOR, f"{model}: pricing.{key} is not a number: {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ParseError(VENDOR, f"{model}: pricing.{key} is not a number: {value!r}") from exc
    if not amount.is_finite():  # "NaN" would crash the sign check, "Infinity" pass it
        raise ParseError(VENDOR, f"{model}: pricing.{key} is not a finite number: {value!r}")
    return amount


def _amounts(model: str, prices: dict[str, Any]) -> dict[str, Decimal]:
    """Mapped keys with a value: ``null`` and ``""`` are absent, anything else must be a number."""
    return {k: _amount(model, k, v) for k, v in prices.items() if k in _KEYS and v not in (None, "")}


def _split(amounts: dict[str, Decimal]) -> bool:
    """The model prices a 1-hour or explicit 5-minute cache write beside the default one."""
    return any(amounts.get(k, 0) != 0 for k in _SPLIT_WRITES)


def _fields(model: str, amounts: dict[str, Decimal], split: bool) -> dict[str, tuple[_Key, Decimal]]:
    """Field -> (key, amount); two keys for one field must agree (``audio`` and ``input_audio``)."""
    out: dict[str, tuple[_Key, Decimal]] = {}
    for name, amount in amounts.items():
        key = _KEYS[name]
        if name == "input_cache_write" and split:
            key = _KEYS["input_cache_write_5m"]
        seen = out.get(key.field)
        if seen is not None and seen[1] != amount:
            raise ParseError(VENDOR, f"{model}: two pricing keys give {key.field} as {seen[1]} and {amount}")
        out[key.field] = (key, amount)
    return out


def _rates(
    model: str, fields: dict[str, tuple[_Key, Decimal]], free: bool, tier_key: str = tiers.STANDARD
) -> list[ParsedRate]:
    out: list[ParsedRate] = []
    for fld, (key, amount) in fields.items():
        if amount == 0 and not (free and fld in {"input", "output"}):
            continue
        value = per_token_to_mtok(amount) if key.per_token else normalize(amount)
        out.append(ParsedRate(model, fld, value, unit=key.unit, tier=tier_key))
    return out


def _threshold(entry: Any) -> int | None:
    """The override's ``min_prompt_tokens`` when it is the only condition, else None."""
    if not isinstance(entry, dict) or set(entry) - {_THRESHOLD, *_KEYS, *_IGNORED}:
        return None
    raw = entry.get(_THRESHOLD)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw < 1e12:
        return None
    return int(raw) if raw == int(raw) else None


def _context_rates(model: str, entries: list[Any], free: bool, split: bool) -> list[ParsedRate]:
    """Context tiers from prompt-size overrides; none when any override has another condition."""
    thresholds = [_threshold(e) for e in entries]
    if any(t is None for t in thresholds):
        return []
    out: list[ParsedRate] = []
    for bound in sorted({t for t in thresholds if t is not None}):
        effective: dict[str, Decimal] = {}
        for entry, t in zip(entries, thresholds, strict=True):
            if t is not None and t <= bound:
                effective.update(_amounts(model, entry))
        if any(a < 0 for a in effective.values()):
            raise ParseError(VENDOR, f"{model}: negative price in overrides {entries}")
        out.extend(_rates(model, _fields(model, effective, split), free, tiers.context(bound)))
    return out


@dataclass(frozen=True, slots=True)
class ImageCheck:
    """What the list's own numbers say about the unit of ``pricing.image``."""

    refused: frozenset[str]
    """Models whose ``image`` value is not stored as a price per image."""
    equal: int
    """Models whose ``image`` equals their ``prompt`` price (a per-token value)."""
    both: int
    """Models that price both ``image`` and ``prompt`` (non-zero)."""

    @property
    def list_wide(self) -> bool:
        """More than half of the models carry a per-token value: the key changed meaning."""
        return 2 * self.equal > self.both


def _pricing(entry: dict[str, Any]) -> dict[str, Any]:
    mid = model_id(str(entry["id"]))
    pricing = entry.get("pricing")
    if not isinstance(pricing, dict) or any(pricing.get(k) in (None, "") for k in _CORE):
        raise ParseError(VENDOR, f"{mid}: expected pricing.prompt and pricing.completion")
    return pricing


def image_unit_changed(entries: list[dict[str, Any]]) -> ImageCheck:
    """Which ``pricing.image`` values are per token, read from the list itself.

    A model whose ``image`` equals its ``prompt`` price carries a per-token value; when more than
    half of the models pricing both do, every ``image`` value of the list is refused.
    """
    priced: list[tuple[str, Decimal, Decimal]] = []
    for entry in entries:
        mid, amounts = model_id(str(entry["id"])), _amounts(model_id(str(entry["id"])), _pricing(entry))
        image = amounts.get("image", Decimal(0))
        if image > 0:
            priced.append((mid, image, amounts["prompt"]))
    both = [(mid, image, prompt) for mid, image, prompt in priced if prompt > 0]
    equal = {mid for mid, image, prompt in both if image == prompt}
    check = ImageCheck(frozenset(equal), len(equal), len(both))
    if check.list_wide:
        return ImageCheck(frozenset(mid for mid, _, _ in priced), check.equal, check.both)
    return check


def _image_note(check: ImageCheck) -> list[str]:
    if not check.refused:
        return []
    scope = (
        "so the key is per token throughout this list"
        if check.list_wide
        else "those values are per token; the others are stored per image"
    )
    return [
        f"pricing.image not stored for {len(check.refused)} models ({', '.join(sorted(check.refused))}): "
        f"it equals the per-token prompt price on {check.equal} of the {check.both} models that price "
        f"both, {scope} - a unit change by OpenRouter, not a price move"
    ]


def _without_image(prices: Any) -> Any:
    return {k: v for k, v in prices.items() if k != "image"} if isinstance(prices, dict) else prices


def _model_rates(entry: dict[str, Any], drop_image: bool = False) -> list[ParsedRate]:
    mid = model_id(str(entry["id"]))
    pricing = _pricing(entry)
    if drop_image:
        pricing = _without_image(pricing)
        if isinstance(pricing.get(_OVERRIDES), list):
            pricing[_OVERRIDES] = [_without_image(e) for e in pricing[_OVERRIDES]]
    amounts = _amounts(mid, pricing)
    if any(a < 0 for a in amounts.values()):
        if all(amounts[k] == -1 for k in _CORE):
            return [ParsedRate(mid, "variable_priced", None, unit="flag")]
        raise ParseError(VENDOR, f"{mid}: negative price in {pricing}")
    free = mid.endswith(":free") or all(amounts[k] == 0 for k in _CORE)
    raw = pricing.get(_OVERRIDES)
    overrides: list[Any] = raw if isinstance(raw, list) else []
    split = _split(amounts) or any(_split(_amounts(mid, e)) for e in overrides if isinstance(e, dict))
    out = [ParsedRate(mid, "free", None, unit="flag")] if free else []
    out.extend(_rates(mid, _fields(mid, amounts, split), free))
    out.extend(_context_rates(mid, overrides, free, split))
    return out


def _models(body: bytes, url: str) -> list[dict[str, Any]]:
    """The ``data`` entries of the body (or the bare array), each with an id, or a ParseError."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ParseError(VENDOR, f"{url} is not valid JSON ({exc}); expected {{'data': [models]}}") from exc
    data = doc.get("data") if isinstance(doc, dict) else doc
    if not isinstance(data, list) or not data:
        raise ParseError(VENDOR, f"no model list found in {url} (expected a non-empty 'data' array)")
    for entry in data:
        if not isinstance(entry, dict) or "id" not in entry:
            raise ParseError(VENDOR, f"model entry without an id in {url}")
    return data


def _unmapped(pricing: dict[str, Any]) -> set[str]:
    out = {k for k in pricing if k not in _KEYS and k not in _IGNORED and k != _OVERRIDES}
    if pricing.get("discount") not in (None, 0, "0", ""):
        out.add("discount")
    entries = pricing.get(_OVERRIDES)
    if entries is not None and not isinstance(entries, list):
        out.add(_OVERRIDES)
    for entry in entries if isinstance(entries, list) else []:
        keys = set(entry) if isinstance(entry, dict) else {"<not an object>"}
        out.update(f"{_OVERRIDES}.{k}" for k in keys - {_THRESHOLD, *_KEYS})
    return out


def unmapped_keys(body: bytes) -> set[str]:
    """Pricing keys of any model that :func:`parse` does not store, for the run log.

    Unknown top-level keys by name, ``discount`` when it is not zero, and ``overrides.<key>``
    for override conditions or prices not modelled (a time window: ``overrides.utc_start``).
    """
    out: set[str] = set()
    for entry in _models(body, "the body"):
        pricing = entry.get("pricing")
        if isinstance(pricing, dict):
            out |= _unmapped(pricing)
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    unmapped: set[str] = set()
    entries = _models(body, url)
    image = image_unit_changed(entries)
    for entry in entries:
        mid = model_id(str(entry["id"]))
        rates.extend(_model_rates(entry, drop_image=mid in image.refused))
        names[mid] = str(entry.get("name") or entry["id"])
        unmapped |= _unmapped(entry["pricing"])
    notes = [f"pricing keys not stored: {', '.join(sorted(unmapped))}"] if unmapped else []
    return parsed(VENDOR, rates, names, [*notes, *_image_note(image)])
