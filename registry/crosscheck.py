"""Compare our per-MTok rates for one vendor with a registry, one result per (model, field, tier).

Outcomes: ``agree`` (equal, or within ``rel_tol`` of ours), ``disagree`` (both values and
``(registry - ours) / ours``), ``vendor_only`` (we publish it, the registry has no price for it,
including models no rule matched) and ``registry_only`` (a matched key prices a field we do not).
Only usd_per_mtok rates are compared; a match is never inferred here (see ``match``).

Our single ``cache_write`` (vendors without a 5m/1h split) is compared with the registry's
``cache_write_5m``, where registries keep their only cache-write price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ratecard.parsers.base import ParsedRate, normalize
from ratecard.registry.base import PriceKey, Registry
from ratecard.registry.match import Match, Rule

Outcome = Literal["agree", "disagree", "vendor_only", "registry_only"]
OurRate = tuple[str, str, str, Decimal]
"""(model, field, tier, usd_per_mtok)."""

REGISTRY_FIELD_FOR: dict[str, str] = {"cache_write": "cache_write_5m"}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One compared price: ours, the registry's, and how the model was matched."""

    vendor: str
    model: str
    field: str
    tier: str
    outcome: Outcome
    ours: Decimal | None
    registry: Decimal | None
    rel_diff: Decimal | None
    """``(registry - ours) / ours`` for disagreements with a non-zero price of ours."""
    key: str | None
    rule: Rule | None
    registry_name: str


def our_rates(rates: Iterable[ParsedRate]) -> list[OurRate]:
    """The comparable rates of a parse: priced, per MTok (no flags or not-offered markers)."""
    return [
        (r.model, r.field, r.tier, r.value) for r in rates if r.unit == "usd_per_mtok" and r.value is not None
    ]


def _registry_key(ours: PriceKey, prices: Mapping[PriceKey, Decimal]) -> PriceKey:
    field, tier = ours
    fallback = REGISTRY_FIELD_FOR.get(field)
    if ours not in prices and fallback is not None and (fallback, tier) in prices:
        return fallback, tier
    return ours


def compare(ours: Decimal, theirs: Decimal, rel_tol: Decimal) -> tuple[Outcome, Decimal | None]:
    """Agree if within ``rel_tol`` of ours, else disagree with the relative difference."""
    diff = theirs - ours
    if abs(diff) <= abs(ours) * rel_tol:
        return "agree", None
    return "disagree", (normalize(diff / ours) if ours != 0 else None)


def _check_model(
    vendor: str,
    registry: Registry,
    match: Match,
    ours: Mapping[PriceKey, Decimal],
    rel_tol: Decimal,
) -> list[CheckResult]:
    entry = registry.entries.get(match.key) if match.key is not None else None
    theirs = dict(entry.prices) if entry is not None else {}

    def result(
        pk: PriceKey,
        outcome: Outcome,
        mine: Decimal | None,
        reg: Decimal | None,
        rel: Decimal | None = None,
    ) -> CheckResult:
        return CheckResult(
            vendor,
            match.model,
            pk[0],
            pk[1],
            outcome,
            mine,
            reg,
            rel,
            match.key,
            match.rule,
            registry.name,
        )

    out: list[CheckResult] = []
    used: set[PriceKey] = set()
    for pk, value in sorted(ours.items()):
        rk = _registry_key(pk, theirs)
        if rk not in theirs:
            out.append(result(pk, "vendor_only", value, None))
            continue
        used.add(rk)
        outcome, rel = compare(value, theirs[rk], rel_tol)
        out.append(result(pk, outcome, value, theirs[rk], rel))
    out.extend(result(pk, "registry_only", None, v) for pk, v in sorted(theirs.items()) if pk not in used)
    return out


def crosscheck(
    vendor: str,
    rates: Iterable[OurRate],
    registry: Registry,
    matches: Mapping[str, Match],
    *,
    rel_tol: Decimal = Decimal(0),
) -> list[CheckResult]:
    """Every (model, field, tier) we publish, and every extra one a matched registry key prices."""
    by_model: dict[str, dict[PriceKey, Decimal]] = {}
    for model, field, tier, value in rates:
        by_model.setdefault(model, {})[field, tier] = value
    out: list[CheckResult] = []
    for model, ours in sorted(by_model.items()):
        match = matches.get(model) or Match(model, None, None, note="not matched")
        out.extend(_check_model(vendor, registry, match, ours, rel_tol))
    return out
