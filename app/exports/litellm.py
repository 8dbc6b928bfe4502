"""The rates of one day as a fragment of LiteLLM's ``model_prices_and_context_window.json``.

LiteLLM wants USD per token as JSON floats: this is the one place our Decimals become floats,
each the float nearest the exact per-token amount. Keys and ``litellm_provider`` come from the
vendor's configured registry prefix and provider (``anthropic`` -> ``claude-sonnet-4-5``,
``openrouter`` -> ``openrouter/anthropic/claude-sonnet-4.5``). Only rates LiteLLM has a field
for are written (see :func:`ratecard.registry.patch.litellm_field`); :func:`unexported` names
the others so nobody mistakes a missing rate for a free one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ratecard.config.settings import VendorConfig
from ratecard.output import Row
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR
from ratecard.registry.patch import litellm_field, per_token

MODE = "chat"


def litellm_key(vendor: str, model: str, config: VendorConfig | None) -> tuple[str, str]:
    """(LiteLLM key, ``litellm_provider``) of one of our models, from the vendor's config."""
    if config is None:
        return f"{vendor}/{model}", vendor
    provider = config.registry_providers[0] if config.registry_providers else vendor
    prefix = config.registry_prefixes[0] if config.registry_prefixes else ""
    return prefix + model, provider


def field_name(row: Row) -> str | None:
    """LiteLLM's field for a price row, or None when LiteLLM cannot hold it."""
    if row["unit"] != "usd_per_mtok" or row["value"] is None or row["status"] == "not_offered":
        return None
    return litellm_field(row["field"], row["tier"])


def fragment(rows: Sequence[Row], vendors: Mapping[str, VendorConfig]) -> dict[str, dict[str, Any]]:
    """``{key: {litellm_provider, mode, *_cost_per_token..., source}}`` for each model priced."""
    prices: dict[tuple[str, str], dict[str, Any]] = {}
    sources: dict[tuple[str, str], str] = {}
    owners: dict[str, str] = {}
    for row in rows:
        name = field_name(row)
        if name is None:
            continue
        key = litellm_key(row["vendor"], row["model"], vendors.get(row["vendor"]))
        owner = owners.setdefault(key[0], row["vendor"])
        if owner != row["vendor"]:
            raise ValueError(
                f"LiteLLM key {key[0]!r} is both {owner}'s and {row['vendor']}'s: "
                "give the vendors distinct registry_prefixes"
            )
        model = prices.setdefault(key, {})
        if name in model and row["field"] in REGISTRY_FIELD_FOR:
            continue  # the vendor's own field (cache_write_5m) beats one mapped onto it
        model[name] = float(per_token(row["value"]))
        sources.setdefault(key, row["source_url"])
    return {
        key: {"litellm_provider": provider, "mode": MODE, **dict(sorted(fields.items()))}
        | {"source": sources[key, provider]}
        for (key, provider), fields in prices.items()
    }


def unexported(rows: Sequence[Row]) -> list[Row]:
    """The offered rates LiteLLM has no field for (other tiers, non-token units)."""
    return [r for r in rows if r["status"] != "not_offered" and r["value"] is not None and not field_name(r)]
