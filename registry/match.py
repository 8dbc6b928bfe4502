"""Which registry key prices a vendor's model: explicit rules, tried in order, never a fuzzy guess.

1. ``alias``: the configured key for this model id (``aliases``).
2. ``exact``: ``prefix + model`` for each of the vendor's ``registry_prefixes``, in order.
3. ``dated``: ``prefix + model + "-YYYYMMDD"`` or ``"@YYYYMMDD"``; of several, the latest date wins
   and the match's note lists them all.
4. Every candidate must come from a compatible provider: the entry's provider is one of
   ``providers[vendor]`` (default: the vendor's own name). Refused candidates are listed in
   ``rejected``; an entry with no provider field (old LiteLLM copies) is accepted.

A model no rule matches gets a :class:`Match` with ``key=None``: cross-checks report it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ratecard.registry.base import Registry

Rule = Literal["alias", "exact", "dated"]
_DATED = re.compile(r"^(?P<base>.+)[-@](?P<date>\d{8})$")


@dataclass(frozen=True, slots=True)
class Match:
    """How one of our model ids maps to a registry key, or why it does not."""

    model: str
    key: str | None
    rule: Rule | None
    provider: str | None = None
    note: str = ""
    rejected: tuple[str, ...] = ()
    """Candidate keys refused because their provider is not the vendor's."""


def _dated_index(registry: Registry) -> dict[str, list[tuple[str, str]]]:
    """Undated base -> [(YYYYMMDD, key)] for every dated registry key."""
    index: dict[str, list[tuple[str, str]]] = {}
    for key in registry.entries:
        m = _DATED.match(key)
        if m is not None:
            index.setdefault(m["base"], []).append((m["date"], key))
    return index


def _match(
    model: str,
    registry: Registry,
    dated: Mapping[str, list[tuple[str, str]]],
    prefixes: Sequence[str],
    alias: str | None,
    allowed: Collection[str],
) -> Match:
    rejected: list[str] = []

    def compatible(key: str) -> bool:
        entry = registry.entries.get(key)
        if entry is None:
            return False
        if entry.provider is None or entry.provider in allowed:
            return True
        rejected.append(f"{key} (provider {entry.provider!r})")
        return False

    def found(key: str, rule: Rule, note: str = "") -> Match:
        provider = registry.entries[key].provider
        return Match(model, key, rule, provider, note, tuple(rejected))

    if alias is not None and compatible(alias):
        return found(alias, "alias")
    for prefix in prefixes:
        if compatible(prefix + model):
            return found(prefix + model, "exact")
    candidates = [(d, k) for p in prefixes for d, k in dated.get(p + model, []) if compatible(k)]
    if candidates:
        keys = [k for _, k in sorted(candidates)]
        note = f"latest of {len(keys)} dated keys: {', '.join(keys)}" if len(keys) > 1 else ""
        return found(max(candidates)[1], "dated", note)
    missing = f"alias {alias!r} is not a compatible registry key; " if alias else ""
    tried = ", ".join(repr(p + model) for p in prefixes)
    return Match(model, None, None, None, f"{missing}no key {tried} or dated variant", tuple(rejected))


def match_models(
    vendor: str,
    models: Iterable[str],
    registry: Registry,
    *,
    prefixes: Sequence[str] = ("",),
    aliases: Mapping[str, str] | None = None,
    providers: Mapping[str, Collection[str]] | None = None,
) -> dict[str, Match]:
    """Match each of ``vendor``'s model ids to a key of ``registry`` (see the module rules)."""
    allowed = (providers or {}).get(vendor, (vendor,))
    dated = _dated_index(registry)
    return {
        m: _match(m, registry, dated, prefixes, (aliases or {}).get(m), allowed) for m in sorted(set(models))
    }
