"""A change list a LiteLLM maintainer could apply: vendor-verified per-token values with evidence.

Each disagreement or vendor-only price becomes one change naming the LiteLLM key (the matched
one, or ``new_key_prefix + model`` for unmatched models, flagged ``new_key``), the LiteLLM field,
the per-token value as an exact decimal string (usd_per_mtok / 1e6), the registry's current value,
and where and when we saw the price. ``apply`` holds the same values as ``{key: {field: value}}``,
a JSON merge patch over ``model_prices_and_context_window.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ratecard import tiers
from ratecard.parsers.base import normalize
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR, CheckResult
from ratecard.registry.litellm import FIELDS, NAME

_LITELLM_NAME: dict[str, str] = {ours: theirs for theirs, ours in FIELDS.items()}
_TIERABLE = {"input", "output", "cache_read", "cache_write_5m"}
_CONTEXT = "context>"

Seen = Mapping[tuple[str, str, str], tuple[str, date | datetime | str]]
"""(model, field, tier) -> (source URL, date seen)."""


def litellm_field(field: str, tier: str) -> str | None:
    """LiteLLM's name for our (field, tier): ``("input", "context>200k")`` ->
    ``input_cost_per_token_above_200k_tokens``; None when LiteLLM has no such field."""
    field = REGISTRY_FIELD_FOR.get(field, field)
    base = _LITELLM_NAME.get(field)
    if base is None:
        return None
    if tier == tiers.STANDARD:
        return base
    size = tier.removeprefix(_CONTEXT)
    if tier.startswith(_CONTEXT) and size.endswith("k") and size[:-1].isdigit() and field in _TIERABLE:
        return f"{base}_above_{size}_tokens"
    return None


def per_token(usd_per_mtok: Decimal) -> str:
    """``3`` per MTok -> ``"0.000003"``: exact, never in exponent form."""
    return format(normalize(usd_per_mtok.scaleb(-6)), "f")


def _day(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else value


def litellm_patch(results: Iterable[CheckResult], seen: Seen, *, new_key_prefix: str = "") -> dict[str, Any]:
    """Changes for ``disagree``/``vendor_only`` results; those we cannot express are skipped."""
    changes: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for r in results:
        if r.registry_name != NAME:
            raise ValueError(f"a LiteLLM patch needs LiteLLM results, got {r.registry_name!r}")
        if r.outcome not in ("disagree", "vendor_only") or r.ours is None:
            continue
        name = litellm_field(r.field, r.tier)
        evidence = seen.get((r.model, r.field, r.tier))
        if name is None or evidence is None:
            reason = "no LiteLLM field for it" if name is None else "no source recorded"
            skipped.append({"model": r.model, "field": r.field, "tier": r.tier, "reason": reason})
            continue
        changes.append(
            {
                "key": r.key or new_key_prefix + r.model,
                "new_key": r.key is None,
                "field": name,
                "value": per_token(r.ours),
                "current": None if r.registry is None else per_token(r.registry),
                "outcome": r.outcome,
                "vendor": r.vendor,
                "model": r.model,
                "source_url": evidence[0],
                "date_seen": _day(evidence[1]),
            }
        )
    apply: dict[str, dict[str, str]] = {}
    for c in changes:
        apply.setdefault(c["key"], {})[c["field"]] = c["value"]
    return {"registry": NAME, "changes": changes, "apply": apply, "skipped": skipped}
