"""The inputs of a break-even question, as plain immutable data.

Units are in the field names; every amount is a ``Decimal`` and nothing here is rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ratecard.breakeven.rates import RateUsed

ZERO = Decimal(0)
ONE = Decimal(1)
MTOK = Decimal(1_000_000)
HOURS_PER_MONTH = Decimal(730)
"""24 × 365 / 12: a GPU rented around the clock."""


@dataclass(frozen=True, slots=True)
class Workload:
    """What is sent each month: requests of a given shape, or a bare token count.

    Per-request tokens are disjoint: ``input_tokens`` excludes the ``cached_input_tokens``.
    """

    requests_per_month: Decimal | None = None
    input_tokens: Decimal = ZERO
    cached_input_tokens: Decimal = ZERO
    output_tokens: Decimal = ZERO
    tokens_per_month: Decimal | None = None
    """Used instead of requests; priced at a ``blended`` rate (or the ``output_share`` mix)."""
    output_share: Decimal | None = None
    """Share of ``tokens_per_month`` that is output, to blend separate input/output rates."""
    monthly_growth: Decimal = ZERO
    """Month-on-month volume growth, 0.05 for +5 %."""
    coverage: Decimal = ONE
    """Share of the workload the candidate can take; the rest stays on the baseline."""

    def __post_init__(self) -> None:
        if (self.requests_per_month is None) == (self.tokens_per_month is None):
            raise ValueError("a workload is requests per month or tokens per month, exactly one")
        _non_negative(
            requests_per_month=self.requests_per_month,
            tokens_per_month=self.tokens_per_month,
            input_tokens=self.input_tokens,
            cached_input_tokens=self.cached_input_tokens,
            output_tokens=self.output_tokens,
        )
        _share("coverage", self.coverage)
        _share("output share", self.output_share)
        if self.monthly_growth <= -ONE:
            raise ValueError(f"monthly growth must be above -1, got {self.monthly_growth}")

    @property
    def by_request(self) -> bool:
        return self.requests_per_month is not None

    @property
    def units_per_month(self) -> Decimal:
        """Requests per month, or tokens per month when no request shape is given."""
        units = self.requests_per_month if self.by_request else self.tokens_per_month
        assert units is not None  # __post_init__ guarantees exactly one
        return units

    @property
    def tokens_per_unit(self) -> Decimal:
        """Tokens in one request, or 1 when the workload is counted in tokens."""
        if not self.by_request:
            return ONE
        return self.input_tokens + self.cached_input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class ApiPricing:
    """A model billed per token, from snapshots or given by hand."""

    label: str
    rates: tuple[RateUsed, ...]
    batch_share: Decimal = ZERO
    """Share of the traffic sent through the batch API at the ``batch_*`` rates."""

    def __post_init__(self) -> None:
        _share("batch share", self.batch_share)


@dataclass(frozen=True, slots=True)
class ApiCandidate:
    """A cheaper API model taking the covered share."""

    pricing: ApiPricing
    kind: Literal["api"] = "api"


@dataclass(frozen=True, slots=True)
class FineTuneCandidate:
    """A hosted fine-tune: a one-time training bill, then the fine-tuned inference rates."""

    pricing: ApiPricing
    training_tokens: Decimal
    epochs: Decimal
    training_rate: RateUsed
    """In USD per MTok of training tokens × epochs."""
    kind: Literal["fine-tune"] = "fine-tune"

    def __post_init__(self) -> None:
        _non_negative(
            training_tokens=self.training_tokens,
            epochs=self.epochs,
            training_rate=self.training_rate.value_usd,
        )

    @property
    def training_usd(self) -> Decimal:
        return self.training_tokens * self.epochs * self.training_rate.value_usd / MTOK


@dataclass(frozen=True, slots=True)
class SelfHostCandidate:
    """Rented GPUs: a fixed monthly bill, no per-token price, a throughput ceiling."""

    label: str
    """Without the GPU count, which the calculator appends once it knows how many are priced."""
    gpu_hourly: RateUsed
    gpus: int
    """GPUs given: a floor; more are priced when the volume needs them."""
    tokens_per_second_per_gpu: Decimal
    hours_per_month: Decimal = HOURS_PER_MONTH
    kind: Literal["self-host"] = "self-host"

    def __post_init__(self) -> None:
        if self.gpus < 1 or self.tokens_per_second_per_gpu <= 0 or self.hours_per_month <= 0:
            raise ValueError("self-hosting needs at least 1 GPU, a positive throughput and hours")
        _non_negative(gpu_hourly=self.gpu_hourly.value_usd)

    @property
    def gpu_monthly_usd(self) -> Decimal:
        """One GPU for a month; how many are priced is the calculator's call (see ``Gpus``)."""
        return self.gpu_hourly.value_usd * self.hours_per_month

    @property
    def tokens_per_month_per_gpu(self) -> Decimal:
        return self.tokens_per_second_per_gpu * self.hours_per_month * 3600


Candidate = ApiCandidate | FineTuneCandidate | SelfHostCandidate


@dataclass(frozen=True, slots=True)
class Costs:
    """Costs beyond tokens, all borne by the candidate path."""

    upfront_usd: Decimal = ZERO
    """One-time: engineering, data, eval set-up (training is added for fine-tunes)."""
    monthly_fixed_usd: Decimal = ZERO
    retrain_every_months: Decimal | None = None
    retrain_cost_usd: Decimal = ZERO
    """Spread evenly over its interval, so payback and totals stay smooth."""
    lifetime_months: int | None = None
    """Months over which the upfront cost must pay back; 12 is used for break-even if None."""

    def __post_init__(self) -> None:
        _non_negative(
            upfront=self.upfront_usd,
            monthly_fixed=self.monthly_fixed_usd,
            retrain_cost=self.retrain_cost_usd,
        )
        if self.retrain_every_months is not None and self.retrain_every_months <= 0:
            raise ValueError("retraining interval must be a positive number of months")
        if self.lifetime_months is not None and self.lifetime_months < 1:
            raise ValueError("lifetime must be at least 1 month")

    @property
    def retrain_monthly_usd(self) -> Decimal:
        if self.retrain_every_months is None:
            return ZERO
        return self.retrain_cost_usd / self.retrain_every_months


def _share(name: str, value: Decimal | None) -> None:
    if value is not None and not ZERO <= value <= ONE:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def _non_negative(**amounts: Decimal | None) -> None:
    for name, value in amounts.items():
        if value is not None and value < 0:
            raise ValueError(f"{name.replace('_', ' ')} cannot be negative, got {value}")
