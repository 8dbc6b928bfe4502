"""Rates a vendor does not publish, derived from its own documented convention and marked inferred.

A published rate always wins, and a field the page marks as not offered ("-") is never derived
over: derivation only fills silence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ratecard.config.settings import Convention
from ratecard.parsers.base import normalize
from ratecard.snapshots.facts import Fact, Key


def rule_text(c: Convention) -> str:
    """``cache_read = 0.1 × input: Anthropic documents cache reads at 0.1× base input``."""
    return (
        f"{c.field} = {c.factor} × {c.base}: {c.source}" if c.source else f"{c.field} = {c.factor} × {c.base}"
    )


def derive(facts: Mapping[Key, Fact], conventions: Sequence[Convention]) -> dict[Key, Fact]:
    """``facts`` plus every field the conventions can derive where the vendor is silent."""
    out = dict(facts)
    for (model, field, tier), base in facts.items():
        if base.unit != "usd_per_mtok" or base.value is None or base.status == "not_offered":
            continue
        for c in conventions:
            key = (model, c.field, tier)
            if c.base != field or key in facts:
                continue
            reason = rule_text(c)
            if base.status == "inferred" and base.reason:
                reason = f"{reason} (base {field} is itself inferred: {base.reason})"
            out[key] = replace(
                base,
                value=normalize(base.value * c.factor),
                status="inferred",
                reason=reason,
                published_value=None,
                published_currency=None,
            )
    return out
