"""The break-even arithmetic and the verdict, on hand-given rates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from ratecard.breakeven.compute import growth_sum, volume_until
from ratecard.breakeven.inputs import build
from ratecard.breakeven.rates import RateSource
from ratecard.breakeven.result import Result

REQUESTS = {  # 2,000 fresh + 1,000 cached input and 500 output tokens, 100k times a month
    "baseline_rates": "input=3,output=15,cache_read=0.3",
    "candidate_rates": "input=0.8,output=4,cache_read=0.08",
    "requests_per_month": "100000",
    "input_tokens": "2000",
    "cached_input_tokens": "1000",
    "output_tokens": "500",
}
TOKENS = {"baseline_rates": "blended=15", "candidate_rates": "blended=5", "tokens_per_month": "100000000"}


def no_source() -> RateSource:
    raise AssertionError("hand-given rates must not open the snapshot store")


def ask(**opts: object) -> Result:
    return build(opts, no_source, date(2025, 11, 19)).answer()


def test_cost_per_request_prices_fresh_cached_and_output_tokens_apart() -> None:
    r = ask(**REQUESTS)
    assert r.baseline.cost_per_request_usd == Decimal("0.0138")  # 0.006 + 0.0003 + 0.0075
    assert r.candidate.cost_per_request_usd == Decimal("0.00368")  # 0.0016 + 0.00008 + 0.002
    assert r.baseline.monthly_usd == Decimal(1380)
    assert r.monthly_savings_usd == Decimal(1012)
    assert r.baseline.first_year_usd == Decimal(16560)
    assert [(x.ref, x.field) for x in r.rates_used][:3] == [
        ("manual/baseline", "input"),
        ("manual/baseline", "cache_read"),
        ("manual/baseline", "output"),
    ]


def test_missing_cache_rate_falls_back_to_input_and_says_so() -> None:
    r = ask(**REQUESTS | {"candidate_rates": "input=0.8,output=4"})
    assert r.candidate.cost_per_request_usd == Decimal("0.0044")  # cached tokens at $0.80
    assert "candidate (given rates) publishes no cache_read rate; billed at input" in r.verdict.reasons


def test_uncovered_share_stays_on_the_baseline() -> None:
    r = ask(**TOKENS, coverage="0.25")
    assert r.candidate.monthly_usd == Decimal(1500) * Decimal("0.75") + Decimal(500) * Decimal("0.25")
    assert r.monthly_savings_usd == Decimal(250)
    assert r.breakeven_tokens == 0  # nothing upfront


def test_batch_share_uses_batch_rates_and_needs_them() -> None:
    rates = "blended=15,batch_blended=7.5"
    assert ask(**TOKENS | {"baseline_rates": rates}, batch_share="0.5").baseline.monthly_usd == 1125
    with pytest.raises(LookupError, match="needs a batch_blended rate"):
        ask(**TOKENS, batch_share="0.5")


def test_batch_requests_bill_cached_tokens_at_the_cache_rate_without_a_batch_one() -> None:
    batch = REQUESTS["baseline_rates"] + ",batch_input=1.5,batch_output=7.5"
    r = ask(**REQUESTS | {"baseline_rates": batch}, batch_share="1")
    assert r.baseline.cost_per_request_usd == Decimal("0.00705")  # 0.003 + 0.0003 + 0.00375
    assert "baseline (given rates) publishes no batch_cache_read rate; billed at cache_read" in (
        r.verdict.reasons
    )


def test_tokens_per_month_needs_a_blended_rate_or_an_output_share() -> None:
    split = TOKENS | {"baseline_rates": "input=3,output=15", "candidate_rates": "blended=1"}
    with pytest.raises(LookupError, match="needs a blended rate"):
        ask(**split)
    assert ask(**split, output_share="0.25").baseline.monthly_usd == Decimal(600)  # 100 × (2.25 + 3.75)


def test_payback_longer_than_lifetime_is_a_no_with_that_reason() -> None:
    r = ask(**TOKENS, upfront="41700", lifetime_months="24")
    assert r.payback_months == Decimal("41.7")
    assert not r.verdict.pays_back
    assert r.verdict.reasons[0] == "payback 41.7 months is longer than the 24-month lifetime"
    assert r.verdict.summary.startswith("Does not pay back: payback 41.7 months")
    assert r.breakeven_units_per_month == Decimal(41700) / 24 / Decimal("0.00001")


def test_payback_within_lifetime_is_a_yes() -> None:
    r = ask(**TOKENS, upfront="6000", lifetime_months="24")
    assert r.payback_months == 6
    assert r.verdict.pays_back
    assert r.verdict.summary == "Pays back in 6.0 months."
    assert "payback 6.0 months, within the 24-month lifetime" in r.verdict.reasons


def test_retraining_and_fixed_costs_are_charged_monthly() -> None:
    r = ask(**TOKENS, monthly_fixed="200", retrain_every="6", retrain_cost="600", upfront="1000")
    assert r.candidate.fixed_monthly_usd == Decimal(300)
    assert r.monthly_savings_usd == Decimal(700)
    assert r.candidate.first_year_usd == Decimal(1000 + 500 * 12 + 300 * 12)


def test_fixed_costs_above_savings_never_pay_back() -> None:
    r = ask(**TOKENS, monthly_fixed="1000")
    assert r.payback_months is None
    assert r.payback_reason == "fixed costs of $1,000.00 a month exceed the $1,000.00 saved on tokens"
    assert not r.verdict.pays_back


def test_a_dearer_candidate_never_pays_back() -> None:
    r = ask(**TOKENS | {"candidate_rates": "blended=20"})
    assert r.payback_months is None and r.breakeven_tokens is None
    assert r.payback_reason == "the candidate costs $20.00 per MTok, no less than the baseline's $15.00"


def test_growth_compounds_volume_and_shortens_payback() -> None:
    flat, growing = ask(**TOKENS, upfront="12000"), ask(**TOKENS, upfront="12000", monthly_growth="0.1")
    assert flat.payback_months == 12
    assert growing.payback_months is not None and growing.payback_months < 9
    assert growing.baseline.first_year_usd == Decimal(1500) * growth_sum(Decimal("0.1"), 12)
    assert growth_sum(Decimal("0.1"), 3) == Decimal("3.31")


SELF_HOST = {"self_host": True, "gpu_hourly": "2", "tokens_per_second": "10"}  # 26.28M tokens a GPU-month
REVIEW = {  # a new user's question: Haiku 4.5 for 80 % of Sonnet 4.5 traffic
    "baseline_rates": "input=3,output=15",
    "candidate_rates": "input=1,output=5",
    "requests_per_month": "1000000",
    "input_tokens": "2000",
    "output_tokens": "500",
    "coverage": "0.8",
    "upfront": "20000",
    "monthly_fixed": "1000",
}
GPU_REVIEW = {  # the same traffic on two rented GPUs at 1,500 tokens/s: 7.88B tokens a month
    **{k: REVIEW[k] for k in ("baseline_rates", "requests_per_month", "input_tokens", "output_tokens")},
    "coverage": "0.8",
    "self_host": True,
    "gpus": "2",
    "gpu_hourly": "4",
    "tokens_per_second": "1500",
    "upfront": "400000",
    "monthly_fixed": "6000",
}


def test_savings_per_unit_count_coverage_and_fixed_costs_like_the_monthly_figure() -> None:
    r = ask(**REVIEW)
    assert r.monthly_savings_usd == Decimal(6200)  # 0.8 × 1M × $0.009 - $1,000
    assert r.baseline.cost_per_request_usd is not None and r.candidate.cost_per_request_usd is not None
    assert r.savings_usd_per_request == r.baseline.cost_per_request_usd - r.candidate.cost_per_request_usd
    assert r.savings_usd_per_request == Decimal("0.0062")
    assert r.savings_usd_per_mtok == Decimal("2.48")  # $6,200 over 2,500 MTok
    assert r.payback_months == Decimal(20000) / 6200


def test_breakeven_tokens_are_the_tokens_sent_until_payback() -> None:
    r = ask(**REVIEW)
    assert r.payback_months is not None and r.savings_usd_per_mtok is not None
    assert r.breakeven_tokens == Decimal(2_500_000_000) * 20000 / 6200  # 8.06B, not 20000 / $3.60
    assert abs(r.breakeven_tokens - r.payback_months * r.tokens_per_month) < 1
    assert r.breakeven_tokens == r.upfront_usd / (r.savings_usd_per_mtok / 1_000_000)


def test_growing_volume_counts_the_tokens_of_every_month_until_payback() -> None:
    r = ask(**TOKENS, upfront="12000", monthly_growth="0.1")
    assert r.payback_months is not None and r.breakeven_tokens is not None
    whole = int(r.payback_months)
    before, after = (Decimal(100_000_000) * growth_sum(Decimal("0.1"), m) for m in (whole, whole + 1))
    assert before < r.breakeven_tokens < after
    assert r.breakeven_tokens == Decimal(100_000_000) * volume_until(r.payback_months, Decimal("0.1"))


def test_at_the_breakeven_volume_payback_takes_the_horizon() -> None:
    r = ask(**REVIEW, lifetime_months="6")
    assert r.breakeven_requests_per_month is not None
    again = ask(**REVIEW | {"requests_per_month": str(r.breakeven_requests_per_month)}, lifetime_months="6")
    assert again.payback_months is not None and abs(again.payback_months - 6) < Decimal("1e-20")


def test_no_payback_means_no_breakeven_tokens_and_says_why() -> None:
    r = ask(**GPU_REVIEW)
    assert r.payback_months is None
    assert r.breakeven_tokens is None
    assert r.breakeven_tokens_reason == r.payback_reason
    assert r.payback_reason == "fixed costs of $11,840.00 a month exceed the $10,800.00 saved on tokens"


def test_breakeven_volume_beyond_the_gpus_given_prices_the_gpus_it_needs() -> None:
    r = ask(**GPU_REVIEW)
    assert r.gpu_plan is not None and r.breakeven_requests_per_month is not None
    assert r.gpu_plan.tokens_per_gpu_month == 1500 * 730 * 3600
    assert r.gpu_plan.at_breakeven == 3  # 8.9B covered tokens: more than two GPUs serve
    reason = next(x for x in r.verdict.reasons if x.startswith("break-even volume"))
    assert reason.endswith("tokens: 3 GPUs, priced in, as 2 GPUs serve at most 7.9 billion tokens a month")
    again = ask(**GPU_REVIEW | {"requests_per_month": str(r.breakeven_requests_per_month)})
    assert again.gpu_plan is not None and again.gpu_plan.priced == 3
    assert again.payback_months is not None and abs(again.payback_months - 12) < Decimal("1e-20")


def test_no_volume_pays_back_when_a_gpu_costs_more_than_it_saves() -> None:
    r = ask(**GPU_REVIEW | {"tokens_per_second": "8.3", "gpus": "1", "gpu_hourly": "2"})
    assert r.breakeven_units_per_month is None and r.gpu_plan is not None and r.gpu_plan.at_breakeven is None
    assert r.breakeven_volume_reason == (
        "one GPU costs $1,460.00 a month but saves at most $117.79 a month of baseline tokens "
        "at the stated throughput: more volume only adds GPUs"
    )
    assert f"no volume pays back within 12 months: {r.breakeven_volume_reason}" in r.verdict.reasons


def test_self_host_short_of_gpus_is_priced_with_the_gpus_it_needs() -> None:
    r = ask(**{k: v for k, v in TOKENS.items() if k != "candidate_rates"}, **SELF_HOST, gpus="1")
    assert r.gpus_needed == 4  # 100M tokens / (10 tok/s × 2,628,000 s)
    assert r.candidate.fixed_monthly_usd == 4 * Decimal(1460)  # $2 × 730 h, four GPUs
    assert r.candidate.label == "self-hosted on 4 GPUs"
    assert r.payback_months is None and not r.verdict.pays_back  # $5,840 of GPUs against $1,500 saved
    assert r.verdict.reasons[1] == (
        "the GPUs' busiest month is 100.0 million tokens: 4 GPUs at the stated throughput, "
        "but 1 GPU serves at most 26.3 million tokens a month; every month is priced with 4"
    )
    assert r.verdict.summary.endswith("Priced with 4 GPUs: the 1 given cannot serve the volume.")


def test_payback_and_verdict_agree_when_the_gpus_given_fall_short() -> None:
    rich = {"baseline_rates": "blended=100", "tokens_per_month": "100000000", "upfront": "10000"}
    r = ask(**rich, **SELF_HOST, gpus="1", lifetime_months="12")
    assert r.candidate.fixed_monthly_usd == 4 * Decimal(1460)
    assert r.payback_months == Decimal(10000) / (10000 - 5840)  # with four GPUs, not one
    assert r.verdict.pays_back and r.verdict.summary.startswith("Pays back in 2.4 months.")
    growing = ask(**rich, **SELF_HOST, gpus="1", monthly_growth="0.1", lifetime_months="12")
    assert growing.gpus_needed == 11  # sized for month 12: 100M × 1.1^11 = 285M tokens


def test_series_starts_at_upfront_and_crosses_at_payback() -> None:
    r = ask(**TOKENS, upfront="6000", lifetime_months="12")
    assert r.series[0] == (0, Decimal(0), Decimal(6000))
    assert r.series[6][1] == r.series[6][2]  # paid back in month 6 exactly
    assert len(r.series) == 13
    late = ask(**TOKENS, upfront="41700", lifetime_months="24")
    assert late.series[-1][0] == 51  # stretched past the 41.7-month payback


def test_the_core_imports_no_pipeline_stage_and_no_plotting() -> None:
    """The calculator reads rates only through RateSource; matplotlib loads only to draw."""
    code = (
        "import importlib, pkgutil, sys, ratecard.breakeven as b\n"
        "for m in pkgutil.iter_modules(b.__path__): importlib.import_module(f'{b.__name__}.{m.name}')\n"
        "print('\\n'.join(sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    stages = (
        "ratecard.crawler",
        "ratecard.db",
        "ratecard.snapshots",
        "ratecard.parsers",
        "ratecard.registry",
    )
    foreign = {"scrapy", "litellm", "sqlalchemy", "sqlmodel", "matplotlib"}
    bad = [m for m in loaded.stdout.split() if m.startswith(stages) or m.split(".")[0] in foreign]
    assert bad == []
