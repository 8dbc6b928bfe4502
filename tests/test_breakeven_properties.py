"""Properties any break-even answer must have, whatever the numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ratecard.breakeven.compute import evaluate
from ratecard.breakeven.model import ApiCandidate, ApiPricing, Costs, SelfHostCandidate, Workload
from ratecard.breakeven.rates import RateUsed, given_rates
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


@settings(max_examples=200, deadline=None)
@given(volumes, usd_per_mtok, usd_per_mtok, money, money, growths, shares)
def test_savings_per_mtok_times_the_tokens_is_the_monthly_saving(
    volume: Decimal, base: Decimal, cand: Decimal, up: Decimal, fixed: Decimal, g: Decimal, c: Decimal
) -> None:
    r = run(volume, base, cand, up, fixed, monthly_growth=g, coverage=c)
    if not volume:
        assert r.savings_usd_per_mtok is None
        return
    assert r.savings_usd_per_mtok is not None
    assert abs(r.savings_usd_per_mtok * volume / 1_000_000 - r.monthly_savings_usd) < Decimal("1e-15")


@settings(max_examples=200, deadline=None)
@given(volumes, usd_per_mtok, usd_per_mtok, money, money, growths, shares)
def test_breakeven_tokens_exist_exactly_when_it_pays_back(
    volume: Decimal, base: Decimal, cand: Decimal, up: Decimal, fixed: Decimal, g: Decimal, c: Decimal
) -> None:
    r = run(volume, base, cand, up, fixed, monthly_growth=g, coverage=c)
    assert (r.breakeven_tokens is None) == (r.payback_months is None)
    if r.breakeven_tokens is None:
        assert r.breakeven_tokens_reason == r.payback_reason and r.payback_reason
    elif r.payback_months is not None and not g:
        # Equal up to Decimal's 28 significant digits (the two are computed along different paths).
        assert abs(r.breakeven_tokens - r.payback_months * volume) <= r.breakeven_tokens * Decimal("1e-25")


@settings(max_examples=200, deadline=None)
@given(usd_per_mtok, usd_per_mtok, amounts(100_000, 2).filter(bool), money, growths.map(abs), shares)
def test_at_the_breakeven_volume_payback_takes_exactly_the_horizon(
    base: Decimal, cand: Decimal, up: Decimal, fixed: Decimal, g: Decimal, c: Decimal
) -> None:
    work = {"monthly_growth": g, "coverage": c}
    r = run(Decimal(10**8), base, cand, up, fixed, **work)
    if r.breakeven_units_per_month is None:
        assert r.breakeven_volume_reason and (c == 0 or base <= cand)
        return
    again = run(r.breakeven_units_per_month, base, cand, up, fixed, **work)
    assert again.payback_months is not None
    assert abs(again.payback_months - r.horizon_months) < Decimal("1e-9")


@settings(max_examples=200, deadline=None)
@given(
    usd_per_mtok.filter(bool),
    amounts(10, 2).filter(bool),
    st.integers(1, 3),
    st.integers(1, 1000).map(Decimal),
    amounts(10_000_000, 0).filter(bool),
    money,
    growths.map(abs),
)
def test_self_hosting_at_its_breakeven_volume_pays_back_on_the_gpus_that_volume_needs(
    base: Decimal, hourly: Decimal, gpus: int, tps: Decimal, up: Decimal, fixed: Decimal, g: Decimal
) -> None:
    def host(volume: Decimal) -> Result:
        return evaluate(
            Workload(tokens_per_month=volume, monthly_growth=g),
            ApiPricing("base", given_rates({"blended": base}, "baseline", DAY)),
            SelfHostCandidate(
                "self-hosted", RateUsed("m", "gpu", "gpu_hourly", "s", hourly, "h", DAY, "given"), gpus, tps
            ),
            Costs(upfront_usd=up, monthly_fixed_usd=fixed),
        )

    r = host(Decimal(10**8))
    assert r.gpu_plan is not None and r.gpu_plan.priced >= max(gpus, r.gpu_plan.needed)
    if r.breakeven_units_per_month is None:
        assert r.gpu_plan.at_breakeven is None and r.breakeven_volume_reason
        return
    again = host(r.breakeven_units_per_month)
    assert again.gpu_plan is not None and again.gpu_plan.priced == r.gpu_plan.at_breakeven
    assert again.payback_months is not None
    assert abs(again.payback_months - r.horizon_months) < Decimal("1e-9")
