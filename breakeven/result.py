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
class Gpus:
    """Self-hosting's GPU count: the rule is to price the GPUs the volume needs, never fewer.

    ``--gpus`` is a floor (what is rented anyway); when the busiest month within the horizon needs
    more at the stated throughput, all months are priced with that many, and the verdict says so.
    """

    given: int
    needed: int
    """GPUs the candidate's share needs in its busiest month within the horizon."""
    tokens_per_gpu_month: Decimal
    """What one GPU serves in a month at the stated throughput."""
    busiest_tokens: Decimal
    """Tokens the GPUs take in the busiest month: covered share, growth to the horizon included."""
    at_breakeven: int | None
    """GPUs priced at the break-even volume (None when there is none)."""
    busiest_tokens_at_breakeven: Decimal | None
    """``busiest_tokens`` at the break-even volume."""

    @property
    def priced(self) -> int:
        return max(self.given, self.needed)


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
    """Month 1, net: baseline bill minus the candidate path's tokens and fixed costs."""
    upfront_usd: Decimal
    payback_months: Decimal | None
    payback_reason: str | None
    """Why ``payback_months`` is None."""
    breakeven_tokens: Decimal | None
    """Tokens of the whole workload sent from month 1 until payback: the tokens whose net savings
    (coverage and fixed costs counted) repay the upfront cost. With flat volume this is
    ``upfront / savings per token`` = ``payback_months × tokens per month``; None when it never
    pays back."""
    breakeven_units_per_month: Decimal | None
    """Month-1 workload (requests or tokens) at which payback takes exactly ``horizon_months``,
    fixed costs and (self-hosting) the GPUs that volume needs included."""
    breakeven_volume_reason: str | None
    """Why ``breakeven_units_per_month`` is None."""
    horizon_months: int
    """The lifetime, or twelve months when no lifetime is given."""
    lifetime_months: int | None
    gpu_plan: Gpus | None
    """Self-hosting only."""
    rates_used: tuple[RateUsed, ...]
    notes: tuple[str, ...]
    """Assumptions the calculator had to make, e.g. a missing cache rate."""
    series: tuple[tuple[int, Decimal, Decimal], ...]
    """(month, cumulative baseline USD, cumulative candidate USD) from month 0, for the chart."""
    verdict: Verdict

    @property
    def tokens_per_month(self) -> Decimal:
        """Month 1's whole workload, covered or not."""
        return self.workload.units_per_month * self.workload.tokens_per_unit

    @property
    def savings_usd_per_mtok(self) -> Decimal | None:
        """``monthly_savings_usd`` over the month's tokens in MTok (all of them, coverage and fixed
        costs counted), so upfront / this = ``breakeven_tokens`` for flat volume."""
        tokens = self.tokens_per_month
        return self.monthly_savings_usd * MTOK / tokens if tokens else None

    @property
    def savings_usd_per_request(self) -> Decimal | None:
        """``monthly_savings_usd`` over the month's requests: the per-request costs' difference."""
        requests = self.workload.requests_per_month
        return self.monthly_savings_usd / requests if requests else None

    @property
    def breakeven_tokens_reason(self) -> str | None:
        """Why ``breakeven_tokens`` is None: the savings never repay the upfront cost."""
        return None if self.breakeven_tokens is not None else self.payback_reason

    @property
    def gpus(self) -> int | None:
        return None if self.gpu_plan is None else self.gpu_plan.given

    @property
    def gpus_needed(self) -> int | None:
        return None if self.gpu_plan is None else self.gpu_plan.needed

    @property
    def breakeven_tokens_per_month(self) -> Decimal | None:
        units = self.breakeven_units_per_month
        return None if units is None else units * self.workload.tokens_per_unit

    @property
    def breakeven_requests_per_month(self) -> Decimal | None:
        return self.breakeven_units_per_month if self.workload.by_request else None
