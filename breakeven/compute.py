"""Break-even arithmetic: pure functions of Decimals, no rounding.

Month k (from 1) carries ``units × (1 + growth)^(k-1)``; the candidate path pays its unit price on
the covered share, the baseline price on the rest, plus fixed costs; upfront is paid at month 0.
Self-hosting rents, every month, the GPUs the busiest month of the horizon needs, never fewer
than the ``--gpus`` given, so a payback is never claimed on GPUs that cannot serve the volume.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from ratecard.breakeven.display import plural, usd
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
from ratecard.breakeven.result import Gpus, Result, Side, Verdict
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


@dataclass(frozen=True, slots=True)
class GpuScale:
    """GPUs priced for a volume: enough for its busiest month, never fewer than ``floor``."""

    floor: int
    per_unit: Decimal
    """GPUs one unit of month-1 volume needs in the busiest month of the horizon."""
    monthly_usd: Decimal
    """One GPU for a month."""

    def priced(self, units: Decimal) -> int:
        return max(self.floor, math.ceil(units * self.per_unit))

    def earns(self, covered_saving: Decimal, growth: Decimal, horizon: int) -> Decimal:
        """Average monthly savings over the horizon of one GPU sized for the busiest month."""
        return covered_saving * growth_sum(growth, horizon) / (horizon * self.per_unit)


def breakeven_units(
    upfront: Decimal,
    covered_saving: Decimal,
    fixed: Decimal,
    growth: Decimal,
    horizon: int,
    gpus: GpuScale | None = None,
) -> Decimal | None:
    """Month-1 volume at which savings over ``horizon`` months exactly repay upfront and fixed.

    With ``gpus``, the GPU bill grows with the volume: volume V needs n(V) GPUs, so V solves
    ``V = base + step × n(V)``; the least such V takes the least n with ``(base + step·n)·k <= n``.
    None when a GPU costs at least what it :meth:`~GpuScale.earns`: no volume pays back.
    """
    if covered_saving <= 0:
        return None
    per_unit = covered_saving * growth_sum(growth, horizon)
    base = (upfront + fixed * horizon) / per_unit
    if gpus is None:
        return base
    if gpus.monthly_usd >= gpus.earns(covered_saving, growth, horizon):
        return None
    step, k = gpus.monthly_usd * horizon / per_unit, gpus.per_unit
    return base + step * max(gpus.floor, math.ceil(base * k / (ONE - step * k)))


def volume_until(months: Decimal, growth: Decimal) -> Decimal:
    """Volume of the first ``months`` months (in month-1 units), the last one pro rata as payback is."""
    whole = math.floor(months)
    return growth_sum(growth, whole) + (months - whole) * (ONE + growth) ** whole


def evaluate(workload: Workload, baseline: ApiPricing, candidate: Candidate, costs: Costs) -> Result:
    """Answer one break-even question; LookupError when a needed rate is missing."""
    base, cand = unit_cost(baseline, workload), _candidate_cost(candidate, workload)
    horizon = costs.lifetime_months or FIRST_YEAR
    units, growth, cover = workload.units_per_month, workload.monthly_growth, workload.coverage
    scale = _gpu_scale(candidate, workload, horizon)
    other, upfront = _beyond_tokens(candidate, costs)
    fixed = other + (ZERO if scale is None else scale.monthly_usd * scale.priced(units))
    saving = base.usd - cand.usd
    mixed = (ONE - cover) * base.usd + cover * cand.usd
    gross = units * cover * saving
    payback = payback_months(upfront, gross, fixed, growth)
    year = growth_sum(growth, FIRST_YEAR)
    requests = workload.requests_per_month
    volume = breakeven_units(upfront, cover * saving, other, growth, horizon, scale)
    gpus = _gpu_plan(candidate, scale, units, volume)
    result = Result(
        workload=workload,
        baseline=Side(baseline.label, "api", units * base.usd, ZERO, ZERO, units * base.usd * year, requests),
        candidate=Side(
            _label(candidate, gpus),
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
        breakeven_tokens=_breakeven_tokens(upfront, gross - fixed, growth, payback, workload),
        breakeven_units_per_month=volume,
        breakeven_volume_reason=None if volume is not None else _no_volume(workload, saving, scale, horizon),
        horizon_months=horizon,
        lifetime_months=costs.lifetime_months,
        gpu_plan=gpus,
        rates_used=tuple(dict.fromkeys(base.rates + cand.rates)),
        notes=tuple(dict.fromkeys(base.notes + cand.notes)),
        series=_series(units, base.usd, mixed, fixed, upfront, growth, _chart_months(horizon, payback)),
        verdict=Verdict(False, "", ()),
    )
    return replace(result, verdict=judge(result))


def _beyond_tokens(candidate: Candidate, costs: Costs) -> tuple[Decimal, Decimal]:
    """(monthly fixed but GPUs, upfront) of the candidate path: training is upfront."""
    fixed = costs.monthly_fixed_usd + costs.retrain_monthly_usd
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


def _label(candidate: Candidate, gpus: Gpus | None) -> str:
    if not isinstance(candidate, SelfHostCandidate):
        return candidate.pricing.label
    return candidate.label if gpus is None else f"{candidate.label} on {plural(gpus.priced, 'GPU')}"


def _breakeven_tokens(
    upfront: Decimal, net: Decimal, growth: Decimal, payback: Decimal | None, workload: Workload
) -> Decimal | None:
    """Tokens sent until payback; flat volume divides once, so published examples stay exact."""
    if payback is None:
        return None
    tokens = workload.units_per_month * workload.tokens_per_unit
    if not growth:
        return tokens * upfront / net
    return tokens * volume_until(payback, growth)


def _gpu_scale(candidate: Candidate, workload: Workload, horizon: int) -> GpuScale | None:
    """GPUs sized for the busiest month of the horizon (month 1 when the volume shrinks)."""
    if not isinstance(candidate, SelfHostCandidate):
        return None
    peak = max(ONE, (ONE + workload.monthly_growth) ** (horizon - 1))
    tokens = workload.tokens_per_unit * workload.coverage * peak
    return GpuScale(candidate.gpus, tokens / candidate.tokens_per_month_per_gpu, candidate.gpu_monthly_usd)


def _gpu_plan(
    candidate: Candidate, scale: GpuScale | None, units: Decimal, volume: Decimal | None
) -> Gpus | None:
    if not isinstance(candidate, SelfHostCandidate) or scale is None:
        return None
    capacity = candidate.tokens_per_month_per_gpu
    return Gpus(
        given=candidate.gpus,
        needed=math.ceil(units * scale.per_unit),
        tokens_per_gpu_month=capacity,
        busiest_tokens=units * scale.per_unit * capacity,
        at_breakeven=None if volume is None else scale.priced(volume),
        busiest_tokens_at_breakeven=None if volume is None else volume * scale.per_unit * capacity,
    )


def _no_volume(workload: Workload, saving: Decimal, scale: GpuScale | None, horizon: int) -> str:
    """Why no monthly volume pays back within the horizon."""
    if not workload.coverage:
        return "coverage is 0: the candidate takes none of the workload"
    if saving <= 0:
        return "the candidate saves nothing on the tokens it takes"
    assert scale is not None  # only the GPU bill can outgrow the savings of any volume
    earns = scale.earns(workload.coverage * saving, workload.monthly_growth, horizon)
    return (
        f"one GPU costs {usd(scale.monthly_usd)} a month but saves at most {usd(earns)} a month "
        "of baseline tokens at the stated throughput: more volume only adds GPUs"
    )


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
