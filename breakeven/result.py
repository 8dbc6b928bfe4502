"""What the calculator concluded, unrounded; :mod:`ratecard.breakeven.report` rounds it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ratecard.breakeven.model import MTOK, Workload
from ratecard.breakeven.rates import RateUsed


@dataclass(frozen=True, slots=True)
class Side:
    """One path's costs in the first month and the first year."""

    label: str
    kind: str
    usage_monthly_usd: Decimal
    """Token bills; on the candidate path, both the candidate's share and what stays behind."""
    fixed_monthly_usd: Decimal
    """GPUs, fixed costs and averaged retraining."""
    upfront_usd: Decimal
    first_year_usd: Decimal
    """Upfront plus the first twelve months, growth included."""
    requests_per_month: Decimal | None

    @property
    def monthly_usd(self) -> Decimal:
        return self.usage_monthly_usd + self.fixed_monthly_usd

    @property
    def cost_per_request_usd(self) -> Decimal | None:
        """All-in monthly cost (upfront excluded) over the requests, when requests are counted."""
        if not self.requests_per_month:
            return None
        return self.monthly_usd / self.requests_per_month


@dataclass(frozen=True, slots=True)
class Verdict:
    pays_back: bool
    summary: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """Every figure of one break-even question, for the first month unless named otherwise."""

    workload: Workload
    baseline: Side
    candidate: Side
    unit_savings_usd: Decimal
    """Saved per request (or per token) the candidate serves, before fixed costs."""
    monthly_savings_usd: Decimal
    upfront_usd: Decimal
    payback_months: Decimal | None
    payback_reason: str | None
    """Why ``payback_months`` is None."""
    breakeven_tokens: Decimal | None
    """Candidate-served tokens whose savings repay the upfront cost."""
    breakeven_units_per_month: Decimal | None
    """Workload (requests or tokens) per month at which payback takes ``horizon_months``."""
    horizon_months: int
    """The lifetime, or twelve months when no lifetime is given."""
    lifetime_months: int | None
    gpus: int | None
    gpus_needed: int | None
    """GPUs the candidate's share needs at its peak month within the horizon (self-hosting)."""
    rates_used: tuple[RateUsed, ...]
    notes: tuple[str, ...]
    """Assumptions the calculator had to make, e.g. a missing cache rate."""
    series: tuple[tuple[int, Decimal, Decimal], ...]
    """(month, cumulative baseline USD, cumulative candidate USD) from month 0, for the chart."""
    verdict: Verdict

    @property
    def savings_usd_per_mtok(self) -> Decimal | None:
        tokens = self.workload.tokens_per_unit
        return self.unit_savings_usd / tokens * MTOK if tokens else None

    @property
    def savings_usd_per_request(self) -> Decimal | None:
        return self.unit_savings_usd if self.workload.by_request else None

    @property
    def breakeven_tokens_per_month(self) -> Decimal | None:
        units = self.breakeven_units_per_month
        return None if units is None else units * self.workload.tokens_per_unit

    @property
    def breakeven_requests_per_month(self) -> Decimal | None:
        return self.breakeven_units_per_month if self.workload.by_request else None
