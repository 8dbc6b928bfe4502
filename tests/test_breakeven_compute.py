"""The break-even arithmetic and the verdict, on hand-given rates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from ratecard.breakeven.compute import growth_sum
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


def test_self_host_short_of_gpus_is_a_no() -> None:
    gpu = {"self_host": True, "gpus": "1", "gpu_hourly": "2", "tokens_per_second": "10"}
    r = ask(**{k: v for k, v in TOKENS.items() if k != "candidate_rates"}, **gpu)
    assert r.candidate.fixed_monthly_usd == Decimal(1460)  # $2 × 730 h
    assert r.gpus_needed == 4  # 100M tokens / (10 tok/s × 2,628,000 s)
    assert not r.verdict.pays_back
    assert "the volume needs 4 GPUs at the stated throughput; 1 are priced" in r.verdict.reasons


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
