"""Turn options (CLI or scenario file) into a break-even question, reading snapshot rates lazily.

Snapshot rates come only through the :class:`RateSource` handed in, opened only when an option
names a ``VENDOR/MODEL``; everything else here is checking that the question is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ratecard import tiers
from ratecard.breakeven.compute import evaluate
from ratecard.breakeven.model import (
    HOURS_PER_MONTH,
    ApiCandidate,
    ApiPricing,
    Candidate,
    Costs,
    FineTuneCandidate,
    SelfHostCandidate,
    Workload,
)
from ratecard.breakeven.options import (
    InputError,
    Options,
    day,
    flag,
    number,
    option,
    rate_values,
    required,
    text,
    whole,
)
from ratecard.breakeven.rates import (
    GIVEN_VENDOR,
    RateSource,
    RateUsed,
    find,
    given_rates,
    in_tier,
    model_refs,
)
from ratecard.breakeven.result import Result

_FINE_TUNE_KEYS = ("training_tokens", "epochs", "training_rate")
_SELF_HOST_KEYS = ("gpu_hourly", "gpus", "tokens_per_second", "gpu_hours_per_month")
_REQUEST_KEYS = ("input_tokens", "output_tokens", "cached_input_tokens")
_SHOWN = 8
"""Candidate model ids named in an error, at most."""


@dataclass(frozen=True, slots=True)
class Question:
    workload: Workload
    baseline: ApiPricing
    candidate: Candidate
    costs: Costs

    def answer(self) -> Result:
        return evaluate(self.workload, self.baseline, self.candidate, self.costs)


def build(opts: Options, open_source: Callable[[], RateSource], today: date) -> Question:
    """InputError for an incomplete or contradictory question; LookupError for unknown models."""
    ctx = _Context(opts, open_source, today)
    try:
        return Question(_workload(opts), _baseline(ctx), _candidate(ctx), _costs(opts))
    except InputError:
        raise
    except ValueError as exc:
        raise InputError(str(exc)) from exc


class _Context:
    """Options plus the one rate source, opened on first use."""

    def __init__(self, opts: Options, open_source: Callable[[], RateSource], today: date) -> None:
        self.opts, self.as_of = opts, day(opts, "as_of")
        self.given_on = self.as_of or today  # the date stamped on hand-given rates
        self._open = open_source
        self._source: RateSource | None = None

    @property
    def source(self) -> RateSource:
        if self._source is None:
            self._source = self._open()
        return self._source

    def resolve(self, ref: str) -> str:
        """``VENDOR/MODEL`` as given, or the one vendor whose snapshot lists a bare model id."""
        vendor, sep, model = ref.partition("/")
        if sep:
            if not (vendor and model):
                raise InputError(f"{ref!r} is not VENDOR/MODEL")
            return ref
        found = model_refs(self.source, ref, self.as_of)
        exact = [r for r in found if r.partition("/")[2] == ref]
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise InputError(f"{ref!r} is listed by several vendors: {', '.join(exact)}; name one")
        like = f"; models starting with it: {', '.join(found[:_SHOWN])}" if found else ""
        raise InputError(f"{ref!r} is not VENDOR/MODEL and no vendor lists that model id{like}")

    def model_rates(self, ref: str) -> list[RateUsed]:
        vendor, _, model = ref.partition("/")
        return self.source.model_rates(vendor, model, self.as_of)

    def tier_rates(self, ref: str, tier: str) -> tuple[RateUsed, ...]:
        """The model's rates in ``tier``; a miss names the longer ids of that vendor that have them."""
        try:
            return in_tier(self.model_rates(ref), tier, ref)
        except LookupError as exc:
            if tier == tiers.STANDARD:
                raise
            near = [r for r in model_refs(self.source, ref.partition("/")[2], self.as_of) if r != ref]
            have = [r for r in near if r.startswith(ref) and any(x.tier == tier for x in self.model_rates(r))]
            if not have:
                raise
            raise LookupError(f"{exc}; that tier is listed for {', '.join(have[:_SHOWN])}") from None


def _workload(opts: Options) -> Workload:
    requests, tokens = number(opts, "requests_per_month"), number(opts, "tokens_per_month")
    if (requests is None) == (tokens is None):
        raise InputError(
            "give the workload as --requests-per-month (with --input-tokens and --output-tokens) "
            "or as --tokens-per-month, exactly one"
        )
    if requests is not None:
        if number(opts, "output_share") is not None:
            raise InputError("--output-share applies to --tokens-per-month only")
        return Workload(
            requests_per_month=requests,
            input_tokens=required(opts, "input_tokens", "--requests-per-month"),
            output_tokens=required(opts, "output_tokens", "--requests-per-month"),
            cached_input_tokens=number(opts, "cached_input_tokens") or Decimal(0),
            **_growth_and_coverage(opts),
        )
    _refuse(opts, _REQUEST_KEYS, "--tokens-per-month counts tokens, not requests")
    return Workload(
        tokens_per_month=tokens, output_share=number(opts, "output_share"), **_growth_and_coverage(opts)
    )


def _growth_and_coverage(opts: Options) -> dict[str, Decimal]:
    out = {"monthly_growth": number(opts, "monthly_growth"), "coverage": number(opts, "coverage")}
    return {k: v for k, v in out.items() if v is not None}


def _baseline(ctx: _Context) -> ApiPricing:
    return _pricing(ctx, "baseline", tiers.STANDARD, number(ctx.opts, "batch_share") or Decimal(0))


def _pricing(ctx: _Context, side: str, tier: str, batch_share: Decimal = Decimal(0)) -> ApiPricing:
    ref, given = text(ctx.opts, side), rate_values(ctx.opts, f"{side}_rates")
    named, typed = option(side), option(f"{side}_rates")
    if ref is not None and given is not None:
        raise InputError(f"give {named} VENDOR/MODEL or {typed} FIELD=USD,..., not both")
    if given is not None:
        return ApiPricing(f"{side} (given rates)", given_rates(given, side, ctx.given_on, tier), batch_share)
    if ref is None:
        raise InputError(f"a {side} is needed: {named} VENDOR/MODEL or {typed} input=3,output=15")
    ref = ctx.resolve(ref)
    label = f"{ref} (fine-tuned)" if tier == tiers.FINE_TUNED else ref
    return ApiPricing(label, ctx.tier_rates(ref, tier), batch_share)


def _candidate(ctx: _Context) -> Candidate:
    opts = ctx.opts
    fine_tune, self_host = flag(opts, "fine_tune"), flag(opts, "self_host")
    if fine_tune and self_host:
        raise InputError("choose one of --fine-tune and --self-host")
    if not fine_tune:
        _refuse(opts, _FINE_TUNE_KEYS, "training options need --fine-tune")
    if not self_host:
        _refuse(opts, _SELF_HOST_KEYS, "GPU options need --self-host")
    if self_host:
        _refuse(opts, ("candidate", "candidate_rates"), "--self-host prices GPUs, not a model")
        return _self_host(ctx)
    if not fine_tune:
        return ApiCandidate(_pricing(ctx, "candidate", tiers.STANDARD))
    pricing = _pricing(ctx, "candidate", tiers.FINE_TUNED)
    return FineTuneCandidate(
        pricing=pricing,
        training_tokens=required(opts, "training_tokens", "--fine-tune"),
        epochs=number(opts, "epochs") or Decimal(1),
        training_rate=_training_rate(ctx, pricing),
    )


def _training_rate(ctx: _Context, pricing: ApiPricing) -> RateUsed:
    """``--training-rate`` wins; else the published per-MTok training price."""
    given = number(ctx.opts, "training_rate")
    if given is not None:
        return _given(ctx, "candidate", "training", given, "usd_per_mtok", tiers.FINE_TUNED)
    rate = find(pricing.rates, "training")
    if rate is None:
        raise InputError(f"{pricing.label} has no published training rate; give --training-rate")
    if rate.unit != "usd_per_mtok":
        raise InputError(
            f"{pricing.label} trains at ${rate.value_usd} ({rate.unit}), not per token; "
            "give --training-rate USD_PER_MTOK or put the training bill in --upfront"
        )
    return rate


def _self_host(ctx: _Context) -> SelfHostCandidate:
    why = "--self-host"
    gpus = whole(ctx.opts, "gpus")
    if gpus is None:
        raise InputError(f"{why} needs --gpus")
    hourly = required(ctx.opts, "gpu_hourly", why)
    return SelfHostCandidate(
        label="self-hosted",
        gpu_hourly=_given(ctx, "self-host", "gpu_hourly", hourly, "usd_per_gpu_hour", tiers.STANDARD),
        gpus=gpus,
        tokens_per_second_per_gpu=required(ctx.opts, "tokens_per_second", why),
        hours_per_month=number(ctx.opts, "gpu_hours_per_month") or HOURS_PER_MONTH,
    )


def _costs(opts: Options) -> Costs:
    every, cost = number(opts, "retrain_every"), number(opts, "retrain_cost")
    if (every is None) != (cost is None):
        raise InputError("give --retrain-every and --retrain-cost together")
    return Costs(
        upfront_usd=number(opts, "upfront") or Decimal(0),
        monthly_fixed_usd=number(opts, "monthly_fixed") or Decimal(0),
        retrain_every_months=every,
        retrain_cost_usd=cost or Decimal(0),
        lifetime_months=whole(opts, "lifetime_months"),
    )


def _given(ctx: _Context, model: str, field: str, value: Decimal, unit: str, tier: str) -> RateUsed:
    return RateUsed(GIVEN_VENDOR, model, field, tier, value, unit, ctx.given_on, "given")


def _refuse(opts: Options, keys: tuple[str, ...], why: str) -> None:
    present = [option(k) for k in keys if opts.get(k) is not None]
    if present:
        raise InputError(f"{', '.join(present)}: {why}")
