"""A LiteLLM patch: the price changes a maintainer of LiteLLM's ``model_prices_and_context_window.json``
can review and apply, each with the vendor page that shows the price and the day we read it.

:func:`maintainer_patch` turns one vendor's LiteLLM cross-check results into this document
(format ``ratecard-litellm-patch/1``, also described in ``docs/formats.md``)::

    {
      "format": "ratecard-litellm-patch/1",
      "registry": {"name": "litellm", "version": "<sha256 of the map>", "date": "2025-12-29"},
      "vendor": "anthropic",
      "candidates": [{"model": "deepseek-r1", "keys": ["azure_ai/deepseek-r1"],
                      "chosen": "azure_ai/deepseek-r1"}],
      "changes": [{"key": "claude-3-opus-20240229",
                   "field": "cache_creation_input_token_cost_above_1hr",
                   "old": 6e-06, "new": 3e-05, "action": "correct", "key_match": "dated",
                   "model": "claude-3-opus", "ours": {"field": "cache_write_1h", "tier": "standard"},
                   "evidence": {"url": "https://docs.claude.com/...", "captured": "2025-11-19"}}],
      "apply": {"claude-3-opus-20240229": {"cache_creation_input_token_cost_above_1hr": 3e-05}},
      "refused_sources": ["http://127.0.0.1:8123/anthropic/pricing.md"],
      "skipped": [{"model": "...", "field": "...", "tier": "...", "reason": "..."}]
    }

- **Fields** are LiteLLM's own names (:func:`litellm_field`): ``input_cost_per_token``,
  ``cache_read_input_token_cost``, ``cache_creation_input_token_cost`` (+ ``_above_1hr``),
  ``input_cost_per_token_batches``..., and ``<any>_above_<N>k_tokens`` for long-context tiers.
- **Numbers** are USD per token written as LiteLLM writes them: JSON numbers (``3e-06``), the float
  nearest the exact per-token amount (exactly it for every published price, which has well under
  17 significant digits). ``old`` is LiteLLM's current value at the key, null if it has none.
- **Actions**: ``correct`` (LiteLLM has another value), ``add`` (the key exists, the field does not)
  and ``new_key`` (no key prices the model: the entry gets ``litellm_provider`` and ``mode``, which
  LiteLLM requires of every entry).
- **Keys**: the key the cross-check matched (``key_match`` is its rule: alias, exact, dated). A
  model no rule matched is first looked up under the vendor's other provider prefixes: a key of a
  provider of the same family (``azure_ai/deepseek-r1`` for vendor ``azure``, whose provider is
  ``azure``) whose last segment is the model id. ``candidates`` lists them for every unmatched
  model; exactly one is used (``key_match``: ``other_prefix``), several are not guessed between (the
  changes are skipped: alias one in the vendor's config), none makes a new key
  (``new_key_prefix + model``).
- **Evidence** is required per change and comes from the caller: the vendor's public page and the
  capture date. A loopback, private or non-web URL (a local replay such as ``127.0.0.1``) is no
  evidence: its changes are skipped and the URL is named in ``refused_sources``.
- ``apply`` is the same changes as a JSON merge patch over the map: ``{key: {field: new}}``.

``ratecard crosscheck --patch litellm -o FILE`` writes one such document per vendor.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from ratecard import tiers
from ratecard.parsers.base import normalize
from ratecard.registry.base import Registry
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR, CheckResult
from ratecard.registry.litellm import FIELDS, NAME

FORMAT = "ratecard-litellm-patch/1"
NEW_KEY_MODE = "chat"
"""The ``mode`` a new key gets: ratecard reads chat-model price pages."""
_LITELLM_NAME: dict[str, str] = {ours: theirs for theirs, ours in FIELDS.items()}
_TIERABLE = {"input", "output", "cache_read", "cache_write_5m"}
_CONTEXT = "context>"
_CHANGED = ("disagree", "vendor_only")

RateKey = tuple[str, str, str]
"""(model, field, tier)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a maintainer can see a price: the vendor's page, and the day we captured it."""

    url: str
    captured: date


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


def litellm_number(usd_per_mtok: Decimal) -> float:
    """``3`` per MTok -> ``3e-06``, the JSON number LiteLLM's map holds for it."""
    return float(per_token(usd_per_mtok))


def refusal(url: str) -> str | None:
    """Why ``url`` cannot show a maintainer a price (a local replay, no web page), or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"evidence {url!r} is not a web page"
    if host == "localhost" or host.endswith(".localhost"):
        return f"evidence {url} is a local address, not the vendor's page"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None  # a host name
    if ip.is_loopback or ip.is_private or ip.is_unspecified or ip.is_link_local:
        return f"evidence {url} is a local address, not the vendor's page"
    return None


def _family(provider: str) -> str:
    """``azure_ai`` -> ``azure``: LiteLLM names a provider's other APIs after it."""
    return provider.split("_", 1)[0]


def candidates(model: str, registry: Registry, providers: Iterable[str]) -> list[str]:
    """Keys of ``registry`` that may price ``model`` under another prefix: the last path segment is
    the model id (any case) and the provider is of the family of one of ``providers``."""
    families = {_family(p) for p in providers}
    return sorted(
        key
        for key, entry in registry.entries.items()
        if key.rsplit("/", 1)[-1].lower() == model.lower()
        and entry.provider is not None
        and _family(entry.provider) in families
    )


def _registry_value(registry: Registry, key: str, field: str, tier: str) -> Decimal | None:
    """The registry's price for our (field, tier) at ``key``, through the same fallback as cross-checks."""
    entry = registry.entries.get(key)
    if entry is None:
        return None
    found = entry.prices.get((field, tier))
    fallback = REGISTRY_FIELD_FOR.get(field)
    return found if found is not None or fallback is None else entry.prices.get((fallback, tier))


@dataclass(frozen=True, slots=True)
class Target:
    """The LiteLLM key a model's changes go to, and how it was found."""

    key: str | None
    key_match: str
    why_not: str = ""


def _target(r: CheckResult, found: Mapping[str, list[str]], new_key_prefix: str) -> Target:
    if r.key is not None:
        return Target(r.key, r.rule or "matched")
    keys = found.get(r.model, [])
    if len(keys) == 1:
        return Target(keys[0], "other_prefix")
    if keys:
        return Target(None, "", f"several existing keys may be this model: {', '.join(keys)}")
    return Target(new_key_prefix + r.model, "new")


def _change(
    r: CheckResult, ours: Decimal, name: str, proof: Evidence, key: str, key_match: str, registry: Registry
) -> dict[str, Any] | None:
    """One change of the patch, or None when the key already holds our value."""
    old = _registry_value(registry, key, r.field, r.tier)
    if old == ours:
        return None  # a key found under another prefix that already agrees
    action = "new_key" if key not in registry.entries else "add" if old is None else "correct"
    return {
        "key": key,
        "field": name,
        "old": None if old is None else litellm_number(old),
        "new": litellm_number(ours),
        "action": action,
        "key_match": key_match,
        "model": r.model,
        "ours": {"field": r.field, "tier": r.tier},
        "evidence": {"url": proof.url, "captured": proof.captured.isoformat()},
    }


def _skip(r: CheckResult, reason: str) -> dict[str, str]:
    return {"model": r.model, "field": r.field, "tier": r.tier, "reason": reason}


def maintainer_patch(
    results: Iterable[CheckResult],
    evidence: Mapping[RateKey, Evidence],
    registry: Registry,
    *,
    new_key_prefix: str,
    provider: str,
) -> dict[str, Any]:
    """One vendor's ``ratecard-litellm-patch/1`` document (see the module docstring).

    ``results`` are the vendor's cross-check results against ``registry`` (LiteLLM's map, the same
    file); ``evidence`` gives the vendor page and capture date per (model, field, tier);
    ``new_key_prefix`` and ``provider`` name a key for a model LiteLLM has under no key at all.
    """
    if registry.name != NAME:
        raise ValueError(f"a LiteLLM patch needs LiteLLM's map, got {registry.name!r}")
    results = list(results)
    chosen = [r for r in results if _check_litellm(r) and r.outcome in _CHANGED]
    unmatched = sorted({r.model for r in chosen if r.key is None})
    found = {m: candidates(m, registry, [provider]) for m in unmatched}
    changes: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    refused: set[str] = set()
    for r in chosen:
        name, proof = litellm_field(r.field, r.tier), evidence.get((r.model, r.field, r.tier))
        if r.ours is None or name is None or proof is None:
            skipped.append(_skip(r, "no LiteLLM field for it" if name is None else "no source recorded"))
            continue
        target = _target(r, found, new_key_prefix)
        local = refusal(proof.url)
        if local is not None:
            refused.add(proof.url)
        if local is not None or target.key is None:
            skipped.append(_skip(r, local or target.why_not))
            continue
        change = _change(r, r.ours, name, proof, target.key, target.key_match, registry)
        if change is not None:
            changes.append(change)
    return {
        "format": FORMAT,
        "registry": {
            "name": registry.name,
            "version": registry.version,
            "date": registry.date.isoformat() if registry.date else None,
        },
        "vendor": next((r.vendor for r in results), None),
        "candidates": [
            {"model": m, "keys": keys, "chosen": keys[0] if len(keys) == 1 else None}
            for m, keys in found.items()
            if keys
        ],
        "changes": changes,
        "apply": merge_patch(changes, provider),
        "refused_sources": sorted(refused),
        "skipped": skipped,
    }


def _check_litellm(r: CheckResult) -> bool:
    if r.registry_name != NAME:
        raise ValueError(f"a LiteLLM patch needs LiteLLM results, got {r.registry_name!r}")
    return True


def merge_patch(changes: Iterable[Mapping[str, Any]], provider: str) -> dict[str, dict[str, Any]]:
    """``{key: {field: new}}`` over LiteLLM's map; a new key also gets the provider and mode
    LiteLLM requires of every entry."""
    out: dict[str, dict[str, Any]] = {}
    for c in changes:
        entry = out.setdefault(c["key"], {})
        if c["action"] == "new_key":
            entry.update(litellm_provider=provider, mode=NEW_KEY_MODE)
        entry[c["field"]] = c["new"]
    return out
