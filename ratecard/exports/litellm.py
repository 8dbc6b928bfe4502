"""The rates of one day as a fragment of LiteLLM's ``model_prices_and_context_window.json``.

LiteLLM wants USD per token as JSON floats: this is the one place our Decimals become floats,
each the float nearest the exact per-token amount. Keys and ``litellm_provider`` come from the
vendor's configured registry prefix and provider (``anthropic`` -> ``claude-sonnet-4-5``,
``openrouter`` -> ``openrouter/anthropic/claude-sonnet-4.5``). Where the latest cross-check matched
one of our models to a different LiteLLM key (``claude-3-5-haiku`` -> ``claude-3-5-haiku-20241022``)
the entry is written under that key too, so merging the fragment overrides LiteLLM's own entry.
Each entry's ``ratecard_status`` gives every price field's status (``verified``, or ``inferred``/
``stale`` with the reason). Only rates LiteLLM has a field for are written (see
:func:`ratecard.registry.patch.litellm_field`); :func:`unexported` names the others so nobody
mistakes a missing rate for a free one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ratecard.config.settings import VendorConfig
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR
from ratecard.registry.litellm import NAME
from ratecard.registry.patch import litellm_field, per_token
from ratecard.rows import CheckRow, PriceRow

MODE = "chat"


def litellm_key(vendor: str, model: str, config: VendorConfig | None) -> tuple[str, str]:
    """(LiteLLM key, ``litellm_provider``) of one of our models, from the vendor's config."""
    if config is None:
        return f"{vendor}/{model}", vendor
    provider = config.registry_providers[0] if config.registry_providers else vendor
    prefix = config.registry_prefixes[0] if config.registry_prefixes else ""
    return prefix + model, provider


def field_name(row: PriceRow) -> str | None:
    """LiteLLM's field for a price row, or None when LiteLLM cannot hold it."""
    if row.unit != "usd_per_mtok" or row.value is None or row.status == "not_offered":
        return None
    return litellm_field(row.field, row.tier)


def status_text(row: PriceRow) -> str:
    """``verified``, or the status and why: ``inferred: cache_read = 0.1 × input: ...`` (``stale``
    when not re-verified lately)."""
    status = "stale" if row.stale and row.status == "verified" else str(row.status)
    return f"{status}: {row.reason}" if status != "verified" and row.reason else status


def matched_keys(checks: Iterable[CheckRow]) -> dict[tuple[str, str], set[str]]:
    """(vendor, model) -> the LiteLLM keys cross-check results matched it to."""
    out: dict[tuple[str, str], set[str]] = {}
    for c in checks:
        if c.registry_name == NAME and c.registry_key:
            out.setdefault((c.vendor, c.model), set()).add(c.registry_key)
    return out


def aliases(
    keys: Mapping[tuple[str, str], str], matched: Mapping[tuple[str, str], Collection[str]]
) -> dict[str, str]:
    """Matched LiteLLM key -> our key it repeats; a key that is another entry's own, or that two of
    our models matched, is left out rather than guessed."""
    claims: dict[str, set[str]] = {}
    for model, key in keys.items():
        for alias in matched.get(model, ()):
            claims.setdefault(alias, set()).add(key)
    own = set(keys.values())
    return {alias: next(iter(k)) for alias, k in sorted(claims.items()) if len(k) == 1 and alias not in own}


def entry(provider: str, fields: Mapping[str, PriceRow]) -> dict[str, Any]:
    """One LiteLLM entry from its price rows, keyed by LiteLLM field."""
    ordered = sorted(fields.items())
    return {
        "litellm_provider": provider,
        "mode": MODE,
        **{name: float(per_token(row.value or Decimal(0))) for name, row in ordered},
        "source": next(iter(fields.values())).source_url,
        "ratecard_status": {name: status_text(row) for name, row in ordered},
    }


def fragment(
    rows: Sequence[PriceRow],
    vendors: Mapping[str, VendorConfig],
    matched: Mapping[tuple[str, str], Collection[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """``{key: {litellm_provider, mode, *_cost_per_token..., source, ratecard_status}}`` for each
    model priced, repeated under the LiteLLM key ``matched`` names for it when that differs."""
    fields: dict[tuple[str, str], dict[str, PriceRow]] = {}
    keys: dict[tuple[str, str], str] = {}
    owners: dict[str, str] = {}
    for row in rows:
        name = field_name(row)
        if name is None:
            continue
        named = litellm_key(row.vendor, row.model, vendors.get(row.vendor))
        owner = owners.setdefault(named[0], row.vendor)
        if owner != row.vendor:
            raise ValueError(
                f"LiteLLM key {named[0]!r} is both {owner}'s and {row.vendor}'s: "
                "give the vendors distinct registry_prefixes"
            )
        keys[row.vendor, row.model] = named[0]
        model = fields.setdefault(named, {})
        if name in model and row.field in REGISTRY_FIELD_FOR:
            continue  # the vendor's own field (cache_write_5m) beats one mapped onto it
        model[name] = row
    extra = aliases(keys, matched or {})
    out: dict[str, dict[str, Any]] = {}
    for (key, provider), prices in fields.items():
        out[key] = entry(provider, prices)
        out |= {alias: dict(out[key]) for alias, ours in extra.items() if ours == key}
    return out


def unexported(rows: Sequence[PriceRow]) -> list[PriceRow]:
    """The offered rates LiteLLM has no field for (other tiers, non-token units)."""
    return [r for r in rows if r.status != "not_offered" and r.value is not None and not field_name(r)]
