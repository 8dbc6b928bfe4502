"""Published worked examples, reproduced to the digit: through the core and through the CLI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from ratecard.breakeven.inputs import build
from ratecard.breakeven.rates import RateSource
from ratecard.breakeven.result import Result
from ratecard.cli import app

MILLION = Decimal(1_000_000)
SELF_HOST_37K = {  # $37,000 first-year fixed cost, near-zero marginal cost, vs a $15/MTok API
    "baseline_rates": "blended=15",
    "candidate_rates": "blended=0",
    "upfront": "37000",
    "tokens_per_month": "200000000",
}
FINE_TUNE_3 = {  # 5M training tokens at $3/M, inference $0.30/M, replacing a $2.50/M model
    "fine_tune": True,
    "baseline_rates": "blended=2.50",
    "candidate_rates": "blended=0.30",
    "training_tokens": "5000000",
    "training_rate": "3",
    "tokens_per_month": "1000000",
}
FINE_TUNE_CHEAP = FINE_TUNE_3 | {"training_rate": "0.025", "candidate_rates": "blended=0.075"}


def no_source() -> RateSource:
    raise AssertionError("hand-given rates must not open the snapshot store")


def ask(opts: Mapping[str, object]) -> Result:
    return build(opts, no_source, date(2025, 11, 19)).answer()


def rounded(value: Decimal | None, places: str, unit: Decimal = Decimal(1)) -> Decimal:
    """``value`` in ``unit``s (e.g. millions), rounded as the published example states it."""
    assert value is not None
    return (value / unit).quantize(Decimal(places), ROUND_HALF_UP)


def cli_json(opts: Mapping[str, object]) -> dict[str, Any]:
    args = ["breakeven", "--format", "json"]
    for key, value in opts.items():
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, str(value)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_self_hosted_37k_breaks_even_at_2466_67m_tokens_a_year() -> None:
    r = ask(SELF_HOST_37K)
    assert r.breakeven_tokens == Decimal(37000) / (Decimal(15) / MILLION)
    assert rounded(r.breakeven_tokens, "0.01", MILLION) == Decimal("2466.67")
    assert rounded(r.breakeven_tokens_per_month, "0.1", MILLION) == Decimal("205.6")
    assert r.horizon_months == 12


def test_37k_as_monthly_gpu_bills_needs_the_same_monthly_volume() -> None:
    """The same $37k spent as a year of GPU rent instead of upfront: same 205.6M tokens a month."""
    opts = {k: v for k, v in SELF_HOST_37K.items() if k not in {"candidate_rates", "upfront"}}
    hourly = Decimal(37000) / 12 / 730  # one GPU, around the clock, $37,000 a year
    r = ask(opts | {"self_host": True, "gpus": "1", "gpu_hourly": str(hourly), "tokens_per_second": "1000"})
    assert rounded(r.candidate.first_year_usd, "0.01") == Decimal("37000.00")
    assert rounded(r.breakeven_tokens_per_month, "0.1", MILLION) == Decimal("205.6")
    # at today's 200M tokens the rent ($3,083.33) outruns the $3,000 saved: no tokens ever break even
    assert r.payback_months is None and r.breakeven_tokens is None
    assert r.breakeven_tokens_reason == r.payback_reason


@pytest.mark.parametrize(
    "opts", [SELF_HOST_37K, FINE_TUNE_3, FINE_TUNE_CHEAP], ids=["37k", "ft-3", "ft-0.025"]
)
def test_without_coverage_or_fixed_costs_both_readings_of_savings_agree(opts: dict[str, object]) -> None:
    """Net savings per token (monthly savings / tokens) equal the rate difference here, so
    upfront / rate difference, the published reading, is also the tokens sent until payback."""
    r = ask(opts)
    assert r.payback_months is not None and r.breakeven_tokens is not None
    assert r.savings_usd_per_mtok == r.unit_savings_usd * MILLION
    assert r.breakeven_tokens == r.upfront_usd / r.unit_savings_usd
    assert abs(r.breakeven_tokens - r.payback_months * r.tokens_per_month) < Decimal("1e-12")


def test_fine_tune_at_3_per_mtok_breaks_even_after_6_82m_tokens() -> None:
    r = ask(FINE_TUNE_3)
    assert r.upfront_usd == Decimal(15)
    assert r.savings_usd_per_mtok == Decimal("2.20")
    assert rounded(r.breakeven_tokens, "0.01", MILLION) == Decimal("6.82")


def test_fine_tune_at_0_025_per_mtok_breaks_even_after_51_5k_tokens() -> None:
    r = ask(FINE_TUNE_CHEAP)
    assert r.upfront_usd == Decimal("0.125")
    assert r.savings_usd_per_mtok == Decimal("2.425")
    assert rounded(r.breakeven_tokens, "0.1", Decimal(1000)) == Decimal("51.5")


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        (
            SELF_HOST_37K,
            {
                "upfront_usd": "37000.00",
                "breakeven_tokens": "2466666667",
                "breakeven_tokens_per_month": "205555556",
                "monthly_savings_usd": "3000.00",
                "payback_months": "12.33",
            },
        ),
        (
            FINE_TUNE_3,
            {
                "upfront_usd": "15.00",
                "savings_usd_per_mtok": "2.20",
                "breakeven_tokens": "6818182",
                "payback_months": "6.82",
            },
        ),
        (
            FINE_TUNE_CHEAP,
            {
                "upfront_usd": "0.125",
                "savings_usd_per_mtok": "2.425",
                "breakeven_tokens": "51547",
                "payback_months": "0.05",
            },
        ),
    ],
    ids=["self-host-37k", "fine-tune-3", "fine-tune-0.025"],
)
def test_worked_examples_through_the_cli(opts: dict[str, object], expected: dict[str, str]) -> None:
    out = cli_json(opts)
    assert {k: out[k] for k in expected} == expected
    assert out["baseline"]["first_year_usd"] and out["candidate"]["monthly_usd"]
