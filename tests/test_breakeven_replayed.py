"""Break-even with rates taken from a replayed snapshot: provenance, --as-of, stale rates called out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from helpers import capture, run_captures
from typer.testing import CliRunner

from ratecard.cli import app

ARGS = [
    "breakeven",
    "--baseline",
    "anthropic/claude-sonnet-4-5",
    "--candidate",
    "anthropic/claude-haiku-4-5",
    "--requests-per-month",
    "100000",
    "--input-tokens",
    "2000",
    "--output-tokens",
    "500",
    "--upfront",
    "5000",
    "--format",
    "json",
]


def test_breakeven_from_a_replayed_anthropic_snapshot(engine, db_url, settings, raw, server) -> None:
    for day in ("2025-10-25", "2025-10-29", "2025-11-19"):
        run_captures(
            engine, settings, raw, server, date.fromisoformat(day), anthropic=capture("anthropic", day)
        )
    result = CliRunner().invoke(app, [*ARGS, "--as-of", "2025-11-19", "--db", db_url])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # Sonnet 4.5: 2000 × $3/M + 500 × $15/M = $0.0135; Haiku 4.5: 2000 × $1/M + 500 × $5/M = $0.0045.
    assert Decimal(out["baseline"]["cost_per_request_usd"]) == Decimal("0.0135")
    assert Decimal(out["candidate"]["cost_per_request_usd"]) == Decimal("0.0045")
    assert Decimal(out["monthly_savings_usd"]) == Decimal(900)
    assert Decimal(out["payback_months"]) == Decimal("5.56")  # 5000 / 900
    used = {(r["model"], r["field"]): r for r in out["rates_used"]}
    assert used[("claude-sonnet-4-5", "input")]["value_usd"] == "3"
    assert used[("claude-haiku-4-5", "output")]["value_usd"] == "5"
    assert used[("claude-haiku-4-5", "output")]["status"] == "verified"
    assert used[("claude-haiku-4-5", "output")]["source_url"].endswith("__docs-claude-pricing.md")
    assert used[("claude-haiku-4-5", "output")]["date"] == "2025-11-19"

    late = json.loads(CliRunner().invoke(app, [*ARGS, "--as-of", "2025-12-01", "--db", db_url]).stdout)
    assert {r["status"] for r in late["rates_used"]} == {"stale"}
    assert any("stale" in reason for reason in late["verdict"]["reasons"])


def test_unknown_snapshot_model_is_a_clear_usage_error(engine, db_url) -> None:
    result = CliRunner().invoke(app, [*ARGS, "--as-of", "2025-11-19", "--db", db_url])
    assert result.exit_code == 2
    assert "anthropic/claude-sonnet-4-5" in result.output
