"""Run a vendor's verified rates against each reference registry (pure: storing is ``store.add``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from ratecard import tiers
from ratecard.config.settings import VendorConfig
from ratecard.parsers.base import normalize
from ratecard.registry.base import Registry
from ratecard.registry.crosscheck import OurRate, crosscheck
from ratecard.registry.match import match_models
from ratecard.registry.read import Check
from ratecard.snapshots.facts import Fact, Key


def ratio(value: Decimal | None) -> Decimal | None:
    """A relative difference to six decimals: it explains a disagreement, it is not money."""
    return None if value is None else normalize(value.quantize(Decimal("0.000001")))


def converted(fact: Fact) -> bool:
    """A USD value converted from a price published in another currency (not the vendor's USD)."""
    return fact.status == "inferred" and fact.published_currency is not None


def comparable(facts: Mapping[Key, Fact], reference_tier: str | None = None) -> list[OurRate]:
    """Per-MTok rates the vendor published: verified ones, and conversions of a price published in
    another currency (compared like any other, marked converted); a derived value is not evidence.

    Registries list one price per model. Where a vendor prices by deployment or region (Azure),
    ``reference_tier`` names the tier that price stands for; the vendor's other tiers are not compared.
    """
    out = []
    for (m, f, t), fact in sorted(facts.items()):
        published = fact.status == "verified" or converted(fact)
        if not published or fact.unit != "usd_per_mtok" or fact.value is None:
            continue
        if reference_tier is not None:
            if t != reference_tier:
                continue
            t = tiers.STANDARD
        out.append((m, f, t, fact.value))
    return out


def check_rows(
    vendor: VendorConfig,
    facts: Mapping[Key, Fact],
    registries: Sequence[Registry],
    day: date,
) -> list[Check]:
    rates = comparable(facts, vendor.registry_tier)
    models = {r[0] for r in rates}
    rows: list[Check] = []
    for registry in registries:
        matches = match_models(
            vendor.id,
            models,
            registry,
            prefixes=vendor.registry_prefixes,
            aliases=vendor.aliases,
            providers={vendor.id: vendor.registry_providers},
        )
        for r in crosscheck(vendor.id, rates, registry, matches):
            ours = vendor.registry_tier if vendor.registry_tier and r.tier == tiers.STANDARD else r.tier
            fact = facts.get((r.model, r.field, ours))
            rows.append(
                Check(
                    vendor=vendor.id,
                    model=r.model,
                    field=r.field,
                    tier=r.tier,
                    outcome=r.outcome,
                    ours=r.ours,
                    theirs=r.registry,
                    rel_diff=ratio(r.rel_diff),
                    registry_key=r.key,
                    match_rule=r.rule,
                    registry_name=registry.name,
                    registry_version=registry.version,
                    registry_date=registry.date,
                    registry_source=registry.source,
                    source_url=fact.source_url if fact else None,
                    seen=day,
                    converted=fact is not None and converted(fact),
                )
            )
    return rows
