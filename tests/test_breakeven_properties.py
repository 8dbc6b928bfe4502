"""Properties any break-even answer must have, whatever the numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ratecard.breakeven.compute import evaluate
from ratecard.breakeven.model import ApiCandidate, ApiPricing, Costs, Workload
from ratecard.breakeven.rates import given_rates
from ratecard.breakeven.result import Result

DAY = date(2025, 11, 19)
INFINITY = Decimal("Infinity")


def amounts(top: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.integers(0, top * 10**places).map(lambda n: Decimal(n).scaleb(-places))


usd_per_mtok = amounts(100, 3)
volumes = amounts(10**10, 0)
shares = amounts(1, 2)
growths = st.integers(-200, 300).map(lambda n: Decimal(n).scaleb(-3))  # -20 % .. +30 % a month
money = amounts(100_000)


def run(
    volume: Decimal, base: Decimal, cand: Decimal, upfront: Decimal, fixed: Decimal, **work: Decimal
) -> Result:
    return evaluate(
        Workload(tokens_per_month=volume, **work),
        ApiPricing("base", given_rates({"blended": base}, "baseline", DAY)),
        ApiCandidate(ApiPricing("cand", given_rates({"blended": cand}, "candidate", DAY))),
        Costs(upfront_usd=upfront, monthly_fixed_usd=fixed),
    )


def payback(result: Result) -> Decimal:
    return INFINITY if result.payback_months is None else result.payback_months


@settings(max_examples=200, deadline=None)
@given(volumes, volumes, usd_per_mtok, usd_per_mtok, money, money, growths, shares)
def test_more_volume_never_lengthens_payback(
    v1: Decimal,
    v2: Decimal,
    base: Decimal,
    cand: Decimal,
    up: Decimal,
    fixed: Decimal,
    g: Decimal,
    c: Decimal,
) -> None:
    low, high = sorted((v1, v2))
    common = {"base": base, "cand": cand, "upfront": up, "fixed": fixed, "monthly_growth": g, "coverage": c}
    assert payback(run(high, **common)) <= payback(run(low, **common))


@settings(max_examples=200, deadline=None)
@given(volumes, usd_per_mtok, usd_per_mtok, usd_per_mtok, money, shares)
def test_a_higher_baseline_rate_never_makes_savings_smaller(
    volume: Decimal, base: Decimal, raise_by: Decimal, cand: Decimal, fixed: Decimal, c: Decimal
) -> None:
    before = run(volume, base, cand, Decimal(0), fixed, coverage=c)
    after = run(volume, base + raise_by, cand, Decimal(0), fixed, coverage=c)
    assert after.monthly_savings_usd >= before.monthly_savings_usd
    assert after.unit_savings_usd >= before.unit_savings_usd


@settings(max_examples=200, deadline=None)
@given(volumes, usd_per_mtok, usd_per_mtok, money, money, growths, shares)
def test_a_candidate_no_cheaper_per_token_never_pays_back(
    volume: Decimal, base: Decimal, extra: Decimal, up: Decimal, fixed: Decimal, g: Decimal, c: Decimal
) -> None:
    r = run(volume, base, base + extra, up, fixed, monthly_growth=g, coverage=c)
    assert r.monthly_savings_usd <= 0
    assert r.payback_months is None and r.payback_reason
    assert r.breakeven_tokens is None and r.breakeven_units_per_month is None
    assert not r.verdict.pays_back


@settings(max_examples=200, deadline=None)
@given(volumes, usd_per_mtok, usd_per_mtok, money, money, growths, shares)
def test_zero_or_negative_monthly_savings_never_pay_back(
    volume: Decimal, base: Decimal, cand: Decimal, up: Decimal, extra: Decimal, g: Decimal, c: Decimal
) -> None:
    """Fixed costs at or above the token savings; a shrinking or flat workload never outgrows them.

    (With a growing workload, savings that start negative can turn positive later: that case
    rightly pays back, so growth here is at most zero.)
    """
    gross = volume * c * (base - cand) / 1_000_000
    r = run(
        volume, base, cand, up, max(gross, Decimal(0)) + extra, monthly_growth=min(g, Decimal(0)), coverage=c
    )
    assert r.monthly_savings_usd <= 0
    assert r.payback_months is None and r.payback_reason
    assert not r.verdict.pays_back
