"""The price of one unit of work (a request, or a token) on a per-token API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ratecard.breakeven.model import MTOK, ONE, ZERO, ApiPricing, Workload
from ratecard.breakeven.rates import RateUsed, find

#: When a model publishes no price for a field, the one its traffic is billed at instead.
_FALLBACK = {"cache_read": "input", "batch_cache_read": "cache_read"}


@dataclass(frozen=True, slots=True)
class UnitCost:
    usd: Decimal
    """USD per request, or per token for a token-counted workload."""
    rates: tuple[RateUsed, ...]
    """Only the rates that priced something."""
    notes: tuple[str, ...]


def unit_cost(pricing: ApiPricing, workload: Workload) -> UnitCost:
    """Mix standard and batch prices by the batch share; LookupError names a missing rate."""
    standard = _priced(pricing, workload, "")
    if not pricing.batch_share:
        return standard
    batch = _priced(pricing, workload, "batch_")
    share = pricing.batch_share
    return UnitCost(
        usd=standard.usd * (ONE - share) + batch.usd * share,
        rates=standard.rates + batch.rates,
        notes=standard.notes + batch.notes,
    )


def _lines(pricing: ApiPricing, workload: Workload, prefix: str) -> list[tuple[str, Decimal]]:
    """(field, tokens per unit) pairs: what one unit of work is billed for."""
    if workload.by_request:
        return [
            (prefix + "input", workload.input_tokens),
            (prefix + "cache_read", workload.cached_input_tokens),
            (prefix + "output", workload.output_tokens),
        ]
    if find(pricing.rates, prefix + "blended") is not None:
        return [(prefix + "blended", ONE)]
    share = workload.output_share
    if share is None:
        raise LookupError(
            f"{pricing.label}: a tokens-per-month workload needs a {prefix}blended rate, "
            "or an output share to mix the input and output rates"
        )
    return [(prefix + "input", ONE - share), (prefix + "output", share)]


def _priced(pricing: ApiPricing, workload: Workload, prefix: str) -> UnitCost:
    usd, rates, notes = ZERO, [], []
    for field, tokens in _lines(pricing, workload, prefix):
        if not tokens:
            continue
        rate, note = _resolve(pricing, field)
        usd += tokens * rate.value_usd / MTOK
        rates.append(rate)
        notes.extend(note)
    return UnitCost(usd, tuple(rates), tuple(notes))


def _resolve(pricing: ApiPricing, field: str) -> tuple[RateUsed, list[str]]:
    rate = find(pricing.rates, field)
    if rate is not None:
        if rate.unit != "usd_per_mtok":
            raise LookupError(f"{pricing.label}: {field} is priced in {rate.unit}, not per MTok")
        return rate, []
    instead = _FALLBACK.get(field)
    if instead is None:
        raise LookupError(f"{pricing.label} has no {field} rate")
    rate, notes = _resolve(pricing, instead)
    return rate, [f"{pricing.label} publishes no {field} rate; billed at {instead}", *notes]
