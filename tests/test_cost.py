"""`ratecard cost`: one request priced at the rates in force when it was made, never today's."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from click.testing import Result
from test_export import CHANGE, HAIKU, history  # noqa: F401  (the replayed history, built per module)
from typer.testing import CliRunner

from ratecard.cli import app
from ratecard.db import open_db, session
from ratecard.exports.cost import CostError, resolve
from ratecard.query import price_rows

TOKENS = ("--input-tokens", "1000", "--cached-input-tokens", "2000", "--output-tokens", "500")


def run_cost(url: str, model: str, at: str, *tokens: str, fmt: str = "table") -> Result:
    args = ["cost", model, "--at", at, "--db", url, "--format", fmt, *(tokens or TOKENS)]
    return CliRunner().invoke(app, args)


def answer(url: str, model: str, at: str, *tokens: str) -> dict[str, Any]:
    result = run_cost(url, model, at, *tokens, fmt="json")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def refused(url: str, model: str, at: str, *tokens: str) -> str:
    result = run_cost(url, model, at, *tokens)
    assert result.exit_code == 2, result.output
    return result.stderr


def test_a_past_request_is_priced_at_the_rates_then_not_today(history: str) -> None:  # noqa: F811
    before = answer(history, f"anthropic/{HAIKU}", "2025-11-05T12:00:00Z")
    after = answer(history, f"anthropic/{HAIKU}", "2025-11-12T08:00:00Z")
    # 1000 × $1 + 2000 × $0.10 + 500 × $5 per MTok, then the input rate raised to $1.25
    assert (before["total_usd"], after["total_usd"]) == ("0.0037", "0.00395")
    assert [(r["field"], r["usd_per_mtok"], r["since"]) for r in before["rates_used"]] == [
        ("input", "1", "2025-10-25"),
        ("cache_read", "0.1", "2025-10-25"),
        ("output", "5", "2025-10-25"),
    ]
    raised = after["rates_used"][0]
    assert (raised["usd_per_mtok"], raised["since"], raised["status"]) == ("1.25", "2025-11-10", "verified")
    assert raised["source_url"].endswith("/edited/pricing.md")
    assert (after["vendor"], after["model"], after["snapshot_date"]) == ("anthropic", HAIKU, "2025-11-12")


def test_the_request_day_is_its_utc_day(history: str) -> None:  # noqa: F811
    late_evening_in_new_york = answer(history, f"anthropic/{HAIKU}", "2025-11-09T23:30:00-05:00")
    naive_is_utc = answer(history, f"anthropic/{HAIKU}", "2025-11-09T23:30:00")
    assert late_evening_in_new_york["snapshot_date"] == CHANGE.isoformat()
    assert (late_evening_in_new_york["total_usd"], naive_is_utc["total_usd"]) == ("0.00395", "0.0037")


def test_lines_and_total_are_exact_decimals(history: str) -> None:  # noqa: F811
    doc = answer(
        history, "anthropic/claude-opus-4-1", "2025-11-12", "--input-tokens", "123457", "--output-tokens", "7"
    )
    lines = doc["lines"]
    assert [(x["field"], x["tokens"]) for x in lines] == [("input", 123457), ("output", 7)]
    for line in lines:
        assert Decimal(line["usd"]) == Decimal(line["tokens"]) * Decimal(line["usd_per_mtok"]) / 1_000_000
    assert Decimal(doc["total_usd"]) == Decimal("1.851855") + Decimal("0.000525")
    assert isinstance(doc["total_usd"], str) and doc["notes"] == []


def test_a_bare_id_priced_by_two_vendors_is_refused_with_the_candidates(history: str) -> None:  # noqa: F811
    err = refused(history, HAIKU, "2025-11-12")
    assert "several vendors" in err and f"anthropic/{HAIKU}" in err and f"mirror/{HAIKU}" in err


def test_vendor_prefix_and_ids_that_contain_a_slash(history: str) -> None:  # noqa: F811
    full = answer(history, "openrouter/anthropic/claude-3.5-haiku", "2026-01-01")
    bare = answer(history, "anthropic/claude-3.5-haiku", "2026-01-01")  # no such Anthropic model
    assert (full["vendor"], full["model"]) == (bare["vendor"], bare["model"])
    assert (bare["vendor"], bare["model"]) == ("openrouter", "anthropic/claude-3.5-haiku")


def test_cached_tokens_need_a_cache_read_rate(history: str) -> None:  # noqa: F811
    with session(open_db(history)) as s:
        rows = price_rows(s, date(2026, 1, 1), {}, vendor="openrouter", model="anthropic/claude-3.5-sonnet")
    assert {r["field"] for r in rows} >= {"input", "output"} and "cache_read" not in {
        r["field"] for r in rows
    }
    model = "openrouter/anthropic/claude-3.5-sonnet"
    err = refused(
        history,
        model,
        "2026-01-01",
        "--input-tokens",
        "5",
        "--output-tokens",
        "5",
        "--cached-input-tokens",
        "1",
    )
    assert "no standard-tier cache_read rate" in err
    assert answer(history, model, "2026-01-01", "--input-tokens", "5", "--output-tokens", "5")["total_usd"]


def test_unknown_model_or_date_before_any_data_is_refused(history: str) -> None:  # noqa: F811
    err = refused(history, "haiku-4-5", "2025-11-12")
    assert "no standard-tier token rates for 'haiku-4-5' on 2025-11-12" in err
    assert f"similar: anthropic/{HAIKU}, mirror/{HAIKU}" in err
    assert "on 2025-10-01" in refused(history, f"anthropic/{HAIKU}", "2025-10-01")
    assert refused(
        history, f"anthropic/{HAIKU}", "2025-11-12", "--input-tokens", "-1", "--output-tokens", "1"
    )


def test_stale_rates_and_long_context_are_noted(history: str) -> None:  # noqa: F811
    doc = answer(
        history,
        "anthropic/claude-sonnet-4-5",
        "2026-01-01",
        "--input-tokens",
        "250000",
        "--output-tokens",
        "0",
    )
    assert doc["total_usd"] == "0.75"  # standard tier, as asked
    assert doc["rates_used"][0]["status"] == "stale"
    assert any("stale" in n for n in doc["notes"]) and any("context>200k" in n for n in doc["notes"])


def test_table_output_names_the_total_and_the_sources(history: str) -> None:  # noqa: F811
    result = run_cost(history, f"anthropic/{HAIKU}", "2025-11-05")
    assert result.exit_code == 0, result.output
    assert "total_usd 0.0037 at the rates of 2025-11-05" in result.stdout
    assert "input: stale since 2025-10-25" in result.stdout  # last verified 10-29


def test_an_explicit_vendor_wins_over_a_bare_id_with_a_slash() -> None:
    priced = {("openai", "gpt-4o"), ("openrouter", "openai/gpt-4o"), ("azure", "gpt-4o")}
    day = date(2026, 1, 1)
    assert resolve("openai/gpt-4o", priced, day) == ("openai", "gpt-4o")
    assert resolve("openrouter/openai/gpt-4o", priced, day) == ("openrouter", "openai/gpt-4o")
    with pytest.raises(CostError, match="azure/gpt-4o, openai/gpt-4o"):
        resolve("gpt-4o", priced, day)
