"""`ratecard breakeven` as a user runs it: options, scenario files, errors, table, JSON and chart."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_export import checked  # noqa: F401  (replay, built per module)
from typer.testing import CliRunner, Result

from ratecard.breakeven.rates import RateUsed
from ratecard.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "breakeven"
ISSUE_OPTIONS = [  # the public contract: every name the issue spells out
    "--baseline", "--baseline-rates", "--candidate", "--candidate-rates", "--fine-tune",
    "--training-tokens", "--epochs", "--training-rate", "--self-host", "--gpu-hourly", "--gpus",
    "--tokens-per-second", "--requests-per-month", "--input-tokens", "--output-tokens",
    "--cached-input-tokens", "--tokens-per-month", "--upfront", "--monthly-fixed", "--retrain-every",
    "--retrain-cost", "--coverage", "--lifetime-months", "--as-of", "--scenario", "--format", "--chart",
    "--db", "--config", "-f",
]  # fmt: skip
SIMPLE = ["--baseline-rates", "blended=15", "--candidate-rates", "blended=5", "--tokens-per-month", "1e8"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["breakeven", *args])


def as_json(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_help_lists_every_option_of_the_issue() -> None:
    result = CliRunner().invoke(app, ["breakeven", "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    missing = [name for name in ISSUE_OPTIONS if f"{name} " not in result.output]
    assert missing == []


def test_json_has_the_public_shape() -> None:
    out = as_json(*SIMPLE, "--upfront", "41700", "--lifetime-months", "24")
    for key in ("cost_per_request_usd", "monthly_usd", "first_year_usd"):
        assert key in out["baseline"] and key in out["candidate"]
    assert out["candidate"]["monthly_usd"] == "500.00"
    assert out["monthly_savings_usd"] == "1000.00"
    assert out["payback_months"] == "41.70"
    assert out["breakeven_requests_per_month"] is None
    assert out["verdict"]["pays_back"] is False
    assert out["verdict"]["reasons"][0] == "payback 41.7 months is longer than the 24-month lifetime"
    assert [r["field"] for r in out["rates_used"]] == ["blended", "blended"]


def test_requests_give_per_request_figures() -> None:
    out = as_json(
        "--baseline-rates", "input=3,output=15", "--candidate-rates", "input=1,output=5",
        "--requests-per-month", "1000", "--input-tokens", "1000", "--output-tokens", "100",
    )  # fmt: skip
    assert out["baseline"]["cost_per_request_usd"] == "0.0045"
    assert out["candidate"]["cost_per_request_usd"] == "0.0015"
    assert out["breakeven_requests_per_month"] == "0"
    assert out["workload"]["tokens_per_month"] == "1100000"
    assert out["payback_months"] == "0.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline-rates", "blended=15", "--candidate-rates", "blended=5"], "give the workload"),
        ([*SIMPLE, "--baseline", "openai/gpt-4.1"], "give --baseline VENDOR/MODEL or --baseline-rates"),
        ([*SIMPLE, "--coverage", "1.5"], "coverage must be between 0 and 1, got 1.5"),
        ([*SIMPLE, "--coverage", "-0.1"], "coverage must be between 0 and 1, got -0.1"),
        ([*SIMPLE, "--upfront", "lots"], "--upfront must be a number"),
        ([*SIMPLE, "--training-tokens", "5"], "--training-tokens: training options need --fine-tune"),
        ([*SIMPLE, "--retrain-every", "6"], "give --retrain-every and --retrain-cost together"),
        ([*SIMPLE, "--format", "xml"], "--format must be table or json"),
        ([*SIMPLE, "--chart", "out.pdf"], "--chart must name a .png or .svg file"),
        ([*SIMPLE, "--fine-tune", "--self-host"], "choose one of --fine-tune and --self-host"),
        (["--baseline-rates", "input=3,speed=2", *SIMPLE[2:]], "unknown rate field(s) speed"),
    ],
    ids=[
        "no-workload", "both-baselines", "coverage-high", "coverage-negative", "not-a-number",
        "training-without-fine-tune", "retrain-half", "format", "chart-suffix", "two-kinds", "rate-field",
    ],
)  # fmt: skip
def test_bad_questions_exit_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_scenario_file_reproduces_the_fine_tune_example() -> None:
    out = as_json("--scenario", str(FIXTURES / "fine_tune.toml"))
    assert out["savings_usd_per_mtok"] == "2.20"
    assert out["breakeven_tokens"] == "6818182"
    assert out["lifetime_months"] == 12


def test_command_line_wins_over_the_scenario() -> None:
    out = as_json("--scenario", str(FIXTURES / "fine_tune.toml"), "--training-rate", "0.025")
    assert out["upfront_usd"] == "0.125"


def test_self_host_scenario_checks_gpus_and_sets_its_own_format() -> None:
    result = invoke("--scenario", str(FIXTURES / "self_host.toml"))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["candidate"]["gpus"], out["candidate"]["gpus_needed"]) == (2, 2)
    assert out["candidate"]["fixed_monthly_usd"] == "5650.00"  # 2 × $2.50 × 730 h + $1,500 + $3,000 / 6
    assert out["verdict"]["pays_back"] is True


def test_scenario_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('baseline-rates = "blended=15"\nvolume = 3\n')
    result = invoke("--scenario", str(bad))
    assert result.exit_code == 2
    assert "unknown key(s) volume" in result.stderr


def test_table_shows_both_paths_the_verdict_and_the_rates() -> None:
    result = invoke(*SIMPLE, "--upfront", "6000")
    assert result.exit_code == 0, result.output
    for text in ("first year", "$18,000.00", "Pays back in 6.0 months.", "Rates used", "manual/baseline"):
        assert text in result.stdout


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<svg")])
def test_chart_is_written_and_json_stays_clean(tmp_path: Path, suffix: str, magic: bytes) -> None:
    chart = tmp_path / f"payback{suffix}"
    out = as_json(*SIMPLE, "--upfront", "6000", "--chart", str(chart))
    assert out["payback_months"] == "6.00"
    assert magic in chart.read_bytes()[:400]


def test_vendor_model_opens_the_rate_source_with_db_and_config(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str | None, Path | None]] = []

    class Source:
        def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
            assert (vendor, as_of) == ("anthropic", date(2025, 11, 19))
            usd = {"claude-sonnet-4-5": Decimal(15), "claude-haiku-4-5": Decimal(5)}[model]
            return [
                RateUsed(
                    vendor, model, "blended", "standard", usd, "usd_per_mtok", date(2025, 11, 19), "verified"
                )
            ]

    def open_rate_source(db: str | None, config: Path | None) -> Source:
        opened.append((db, config))
        return Source()

    monkeypatch.setattr("ratecard.rate_source.open_rate_source", open_rate_source)
    out = as_json(
        "--baseline", "anthropic/claude-sonnet-4-5", "--candidate", "anthropic/claude-haiku-4-5",
        "--tokens-per-month", "1e8", "--as-of", "2025-11-19", "--db", "sqlite:///x.db", "--config", "c.toml",
    )  # fmt: skip
    assert opened == [("sqlite:///x.db", Path("c.toml"))]
    assert out["monthly_savings_usd"] == "1000.00"
    assert out["rates_used"][0]["date"] == "2025-11-19"


def test_hand_rates_never_open_the_rate_source(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(db: str | None, config: Path | None) -> None:
        raise AssertionError("no VENDOR/MODEL was named")

    monkeypatch.setattr("ratecard.rate_source.open_rate_source", refuse)
    assert as_json(*SIMPLE)["monthly_savings_usd"] == "1000.00"


def test_f_is_short_for_format() -> None:
    result = invoke(*SIMPLE, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["monthly_savings_usd"] == "1000.00"


def test_rates_used_rows_add_per_mtok_and_fetch_dates_and_keep_the_old_names() -> None:
    out = as_json(
        "--baseline-rates", "blended=15", "--tokens-per-month", "1e8",
        "--self-host", "--gpus", "1", "--gpu-hourly", "2", "--tokens-per-second", "100",
    )  # fmt: skip
    rows = {r["field"]: r for r in out["rates_used"]}
    assert rows["blended"]["usd_per_mtok"] == rows["blended"]["value_usd"] == "15"
    assert rows["gpu_hourly"]["usd_per_mtok"] is None and rows["gpu_hourly"]["value_usd"] == "2"
    for row in rows.values():
        assert {"vendor", "model", "field", "tier", "unit", "date", "status", "source_url", "reason"} <= set(
            row
        )
        assert row["fetched_at"] is None and row["last_verified"] is None  # typed by hand
    assert out["candidate"]["gpus_priced"] == 1


def test_json_says_why_breakeven_figures_are_missing() -> None:
    out = as_json(*SIMPLE, "--monthly-fixed", "2000", "--upfront", "100")
    assert out["payback_months"] is None and out["breakeven_tokens"] is None
    assert out["breakeven_tokens_reason"] == out["payback_reason"]
    assert (
        out["breakeven_volume_reason"] is None and out["breakeven_tokens_per_month"] == "200833334"
    )  # 24,100 / (12 × $10)


class SearchableSource:
    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        usd = {"claude-sonnet-4-5": Decimal(15), "claude-haiku-4-5": Decimal(5)}[model]
        fetched = datetime(2025, 11, 19, 6, 0, tzinfo=UTC)
        day = date(2025, 11, 19)
        return [RateUsed(vendor, model, "blended", "standard", usd, "usd_per_mtok", day, "verified", None, None,
                         fetched, day)]  # fmt: skip

    def find(self, model: str, as_of: date | None) -> list[str]:
        vendors = ["anthropic", "bedrock"] if model == "claude-haiku-4-5" else ["anthropic"]
        return [f"{v}/{model}" for v in vendors]


def test_bare_model_ids_resolve_through_the_snapshot_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ratecard.rate_source.open_rate_source", lambda db, config: SearchableSource())
    out = as_json(
        "--baseline", "claude-sonnet-4-5", "--candidate-rates", "blended=5", "--tokens-per-month", "1e8"
    )
    assert out["baseline"]["label"] == "anthropic/claude-sonnet-4-5"
    row = out["rates_used"][0]
    assert (row["fetched_at"], row["last_verified"]) == ("2025-11-19T06:00:00+00:00", "2025-11-19")
    result = invoke("--baseline", "claude-sonnet-4-5", "--candidate", "claude-haiku-4-5", *SIMPLE[4:])
    assert result.exit_code == 2
    assert (
        "'claude-haiku-4-5' is listed by several vendors: anthropic/claude-haiku-4-5, bedrock/"
        in result.stderr
    )


def test_snapshot_models_resolve_by_the_one_resolver(checked: str) -> None:  # noqa: F811
    workload = ["--requests-per-month", "1000", "--input-tokens", "1000", "--output-tokens", "100"]
    asked = ["--as-of", "2025-11-19", "--db", checked, *workload]
    out = as_json("--baseline", "sonnet-4-5", "--candidate", "claude-haiku-4-5", *asked)  # a unique suffix
    assert {(r["vendor"], r["model"]) for r in out["rates_used"]} == {
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-haiku-4-5"),
    }
    wrong = invoke("--baseline", "claude-sonet", "--candidate", "claude-haiku-4-5", *asked)
    assert wrong.exit_code == 2 and "no model matches 'claude-sonet'" in wrong.stderr
    several = invoke("--baseline", "4-5", "--candidate", "claude-haiku-4-5", *asked)
    assert several.exit_code == 2 and "matches several models (unique suffix)" in several.stderr
