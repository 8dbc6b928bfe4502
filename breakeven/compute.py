"""Break-even arithmetic: pure functions of Decimals, no rounding.

Month k (from 1) carries ``units × (1 + growth)^(k-1)``; the candidate path pays its unit price on
the covered share, the baseline price on the rest, plus fixed costs; upfront is paid at month 0.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

from ratecard.breakeven.display import usd
from ratecard.breakeven.model import (
    MTOK,
    ONE,
    ZERO,
    ApiPricing,
    Candidate,
    Costs,
    FineTuneCandidate,
    SelfHostCandidate,
    Workload,
)
from ratecard.breakeven.pricing import UnitCost, unit_cost
from ratecard.breakeven.result import Result, Side, Verdict
from ratecard.breakeven.verdict import judge

MAX_MONTHS = 1200
"""How far a growing workload is followed before payback is declared out of reach."""
FIRST_YEAR = 12


def growth_sum(growth: Decimal, months: int) -> Decimal:
    """Volume of ``months`` months in units of the first month's: sum of (1+g)^k, k < months."""
    if not growth:
        return Decimal(months)
    step = ONE + growth
    return (step**months - ONE) / growth


def payback_months(upfront: Decimal, gross: Decimal, fixed: Decimal, growth: Decimal) -> Decimal | None:
    """Months until cumulative net savings repay ``upfront``; ``gross``: month 1's token savings."""
    if not growth:
        net = gross - fixed
        return upfront / net if net > 0 else None
    total, factor = ZERO, ONE
    for month in range(MAX_MONTHS):
        net = gross * factor - fixed
        if net > 0 and total + net >= upfront:
            return month + (upfront - total) / net
        total += net
        factor *= ONE + growth
    return None


def breakeven_units(
    upfront: Decimal, covered_saving: Decimal, fixed: Decimal, growth: Decimal, horizon: int
) -> Decimal | None:
    """Month-1 volume at which savings over ``horizon`` months exactly repay upfront and fixed."""
    if covered_saving <= 0:
        return None
    return (upfront + fixed * horizon) / (covered_saving * growth_sum(growth, horizon))


def evaluate(workload: Workload, baseline: ApiPricing, candidate: Candidate, costs: Costs) -> Result:
    """Answer one break-even question; LookupError when a needed rate is missing."""
    base, cand = unit_cost(baseline, workload), _candidate_cost(candidate, workload)
    fixed, upfront = _beyond_tokens(candidate, costs)
    units, growth, cover = workload.units_per_month, workload.monthly_growth, workload.coverage
    saving = base.usd - cand.usd
    mixed = (ONE - cover) * base.usd + cover * cand.usd
    gross = units * cover * saving
    payback = payback_months(upfront, gross, fixed, growth)
    horizon = costs.lifetime_months or FIRST_YEAR
    year = growth_sum(growth, FIRST_YEAR)
    requests = workload.requests_per_month
    result = Result(
        workload=workload,
        baseline=Side(baseline.label, "api", units * base.usd, ZERO, ZERO, units * base.usd * year, requests),
        candidate=Side(
            _label(candidate),
            candidate.kind,
            units * mixed,
            fixed,
            upfront,
            upfront + units * mixed * year + fixed * FIRST_YEAR,
            requests,
        ),
        unit_savings_usd=saving,
        monthly_savings_usd=gross - fixed,
        upfront_usd=upfront,
        payback_months=payback,
        payback_reason=None if payback is not None else _why_not(workload, base, cand, gross, fixed, upfront),
        breakeven_tokens=_breakeven_tokens(upfront, saving, workload.tokens_per_unit),
        breakeven_units_per_month=breakeven_units(upfront, cover * saving, fixed, growth, horizon),
        horizon_months=horizon,
        lifetime_months=costs.lifetime_months,
        gpus=candidate.gpus if isinstance(candidate, SelfHostCandidate) else None,
        gpus_needed=_gpus_needed(candidate, workload, horizon),
        rates_used=tuple(dict.fromkeys(base.rates + cand.rates)),
        notes=tuple(dict.fromkeys(base.notes + cand.notes)),
        series=_series(units, base.usd, mixed, fixed, upfront, growth, _chart_months(horizon, payback)),
        verdict=Verdict(False, "", ()),
    )
    return replace(result, verdict=judge(result))


def _beyond_tokens(candidate: Candidate, costs: Costs) -> tuple[Decimal, Decimal]:
    """(monthly fixed, upfront) of the candidate path: GPUs are fixed, training is upfront."""
    fixed = costs.monthly_fixed_usd + costs.retrain_monthly_usd
    if isinstance(candidate, SelfHostCandidate):
        fixed += candidate.monthly_usd
    upfront = costs.upfront_usd
    if isinstance(candidate, FineTuneCandidate):
        upfront += candidate.training_usd
    return fixed, upfront


def _candidate_cost(candidate: Candidate, workload: Workload) -> UnitCost:
    if isinstance(candidate, SelfHostCandidate):
        return UnitCost(ZERO, (candidate.gpu_hourly,), ())
    cost = unit_cost(candidate.pricing, workload)
    if isinstance(candidate, FineTuneCandidate):
        return replace(cost, rates=(*cost.rates, candidate.training_rate))
    return cost


def _label(candidate: Candidate) -> str:
    if isinstance(candidate, SelfHostCandidate):
        return candidate.label
    return candidate.pricing.label


def _breakeven_tokens(upfront: Decimal, saving: Decimal, tokens_per_unit: Decimal) -> Decimal | None:
    if saving <= 0 or not tokens_per_unit:
        return None
    return upfront / (saving / tokens_per_unit)


def _gpus_needed(candidate: Candidate, workload: Workload, horizon: int) -> int | None:
    if not isinstance(candidate, SelfHostCandidate):
        return None
    peak = max(ONE, (ONE + workload.monthly_growth) ** (horizon - 1))
    tokens = workload.units_per_month * workload.tokens_per_unit * workload.coverage * peak
    return math.ceil(tokens / candidate.tokens_per_month_per_gpu)


def _why_not(
    workload: Workload,
    base: UnitCost,
    cand: UnitCost,
    gross: Decimal,
    fixed: Decimal,
    upfront: Decimal,
) -> str:
    if not workload.coverage:
        return "coverage is 0: the candidate takes none of the workload"
    if not workload.units_per_month:
        return "the workload is empty"
    if base.usd <= cand.usd:
        per = "request" if workload.by_request else "MTok"
        scale = ONE if workload.by_request else MTOK
        return (
            f"the candidate costs {usd(cand.usd * scale)} per {per}, "
            f"no less than the baseline's {usd(base.usd * scale)}"
        )
    if gross <= fixed and workload.monthly_growth <= 0:
        return f"fixed costs of {usd(fixed)} a month exceed the {usd(gross)} saved on tokens"
    return f"savings do not repay {usd(upfront)} within {MAX_MONTHS} months"


def _chart_months(horizon: int, payback: Decimal | None) -> int:
    """The horizon, stretched to show a payback that comes later (up to ten horizons)."""
    if payback is None or payback <= horizon:
        return horizon
    return min(math.ceil(payback * Decimal("1.2")), 10 * horizon)


def _series(
    units: Decimal,
    base: Decimal,
    mixed: Decimal,
    fixed: Decimal,
    upfront: Decimal,
    growth: Decimal,
    months: int,
) -> tuple[tuple[int, Decimal, Decimal], ...]:
    out = []
    for month in range(months + 1):
        volume = units * growth_sum(growth, month)
        out.append((month, volume * base, upfront + volume * mixed + fixed * month))
    return tuple(out)
