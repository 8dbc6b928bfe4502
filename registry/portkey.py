"""Portkey-AI/models ``pricing/<provider>.json``: prices in US **cents** per token.

0.0003 cents/token = $0.000003/token = $3/MTok, so values are multiplied by 10^4 exactly.
Keys are Portkey's model names; the provider is the file name's (``pricing/anthropic.json``, or a
capture named ``...portkey-pricing-anthropic.json``). The ``default`` key is a template, skipped.

Field mapping, from ``pricing_config``:

- ``pay_as_you_go``: ``request_token`` -> input, ``response_token`` -> output,
  ``cache_read_input_token`` -> cache_read, ``cache_write_input_token`` -> cache_write_5m,
  ``additional_units.cache_write_1h`` -> cache_write_1h
- ``batch_config``: ``request_token`` -> batch_input, ``response_token`` -> batch_output,
  ``cache_read_input_token`` -> batch_cache_read

``custom_pricing.regions.default.execution_modes`` adds what the top level lacks: its ``standard``
mode maps as pay-as-you-go, its ``batch`` mode's tokens as the batch fields above, and context
tiers above a threshold of ``context_tier_map`` (``{"0": "lte-272k", "272000": "gt-272k"}``)
give tier ``context>272k``. Other regions and modes (flex, priority, fast) and per-request units
are not mapped. ``free``: every pay-as-you-go token price is zero.
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

NAME = "portkey"
KEEPS_HISTORY = False
"""False: one price per key: the day asked changes nothing."""

CENTS_PER_TOKEN_TO_USD_PER_MTOK = Decimal(10_000)
PAY_AS_YOU_GO: dict[str, str] = {
    "request_token": "input",
    "response_token": "output",
    "cache_read_input_token": "cache_read",
    "cache_write_input_token": "cache_write_5m",
}
UNITS: dict[str, str] = {"cache_write_1h": "cache_write_1h"}
BATCH: dict[str, str] = {
    "request_token": "batch_input",
    "response_token": "batch_output",
    "cache_read_input_token": "batch_cache_read",
}
_SKIP = {"default"}


def recognises(doc: Any, source: str) -> bool:
    return isinstance(doc, dict) and any(
        isinstance(v, dict) and isinstance(v.get("pricing_config"), dict) for v in doc.values()
    )


def provider_of(source: str) -> str | None:
    """``anthropic`` from ``pricing/anthropic.json`` or ``...portkey-pricing-anthropic.json``."""
    name = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit("__", 1)[-1]
    stem = name.removesuffix(".json").removeprefix("portkey-pricing-")
    return stem or None


def _cents(block: Any, names: dict[str, str], tier: str) -> dict[PriceKey, Decimal]:
    out: dict[PriceKey, Decimal] = {}
    if not isinstance(block, dict):
        return out
    for name, fld in names.items():
        item = block.get(name)
        amount = scaled(item.get("price"), CENTS_PER_TOKEN_TO_USD_PER_MTOK) if item else None
        if amount is not None:
            out[fld, tier] = amount
    return out


def _pay_as_you_go(block: Any, tier: str) -> dict[PriceKey, Decimal]:
    units = block.get("additional_units") if isinstance(block, dict) else None
    return _cents(block, PAY_AS_YOU_GO, tier) | _cents(units, UNITS, tier)


def _custom(custom: Any) -> dict[PriceKey, Decimal]:
    """The default region's standard and batch modes, per context tier (``lte-`` = standard)."""
    if not isinstance(custom, dict):
        return {}
    thresholds = {name: int(start) for start, name in custom.get("context_tier_map", {}).items()}
    modes = custom.get("regions", {}).get("default", {}).get("execution_modes", {})
    out: dict[PriceKey, Decimal] = {}
    for mode, names in (("standard", None), ("batch", BATCH)):
        body = modes.get(mode, {})
        by_start = body.get("context_tiers") or {"": body}
        for name, tiered in by_start.items():
            start = thresholds.get(name, 0)
            tier = tiers.context(start) if start > 0 else tiers.STANDARD
            payg = tiered.get("pricing_config", {}).get("pay_as_you_go")
            out |= _pay_as_you_go(payg, tier) if names is None else _cents(payg, names, tier)
    return out


def _entry(key: str, raw: dict[str, Any], provider: str | None) -> RegistryEntry:
    """Top-level ``pricing_config`` first; ``custom_pricing`` adds what it lacks (tiers, batch)."""
    config = raw.get("pricing_config") or {}
    payg = config.get("pay_as_you_go")
    prices = _custom(raw.get("custom_pricing")) | (
        _pay_as_you_go(payg, tiers.STANDARD) | _cents(config.get("batch_config"), BATCH, tiers.STANDARD)
    )
    zero = _cents(payg, PAY_AS_YOU_GO, tiers.STANDARD).values()
    return RegistryEntry(key, provider, prices, all_zero(zero))


def read(doc: Any, source: str, at: date | None = None) -> Read:
    """All entries; Portkey files keep no price history, so ``at`` changes nothing."""
    provider = provider_of(source)
    entries = {
        k: _entry(k, v, provider)
        for k, v in doc.items()
        if k not in _SKIP and isinstance(v, dict) and "pricing_config" in v
    }
    return Read(date=date_in_name(source), entries=entries)
