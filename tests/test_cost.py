"""`ratecard cost`: one request priced at the rates in force when it was made, never today's."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import price_rows, rate_row
from hypothesis import given
from hypothesis import strategies as st
from test_export import CHANGE, HAIKU, LONG, checked, history  # noqa: F401  (replays, built per module)
from typer.testing import CliRunner

from ratecard import RateBook, ratebook, readmodel
from ratecard.cli import app
from ratecard.costing import MissingRate, ModelRates, price
from ratecard.db import open_db, session
from ratecard.dbapi import SessionReader
from ratecard.output import to_json
from ratecard.usage import Usage

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
    assert (
        "matches several models (exact id)" in err
        and f"anthropic/{HAIKU}" in err
        and f"mirror/{HAIKU}" in err
    )


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
    assert "has no cache_read rate on 2026-01-01, needed for cache_read_tokens" in err
    assert answer(history, model, "2026-01-01", "--input-tokens", "5", "--output-tokens", "5")["total_usd"]


def test_unknown_model_or_date_before_any_data_is_refused(history: str) -> None:  # noqa: F811
    err = refused(history, "haiku-4-5", "2025-11-12")
    assert f"'haiku-4-5' matches several models (unique suffix): anthropic/{HAIKU}, mirror/{HAIKU}" in err
    err = refused(history, "claude-haiku", "2025-11-12")
    assert (
        err.startswith("Error: no model matches 'claude-haiku'; did you mean: ")
        and f"anthropic/{HAIKU}" in err
    )
    assert err.count("\n") == 1 and "Traceback" not in err  # one line
    assert f"no rates for anthropic/{HAIKU} on 2025-10-01" in refused(
        history, f"anthropic/{HAIKU}", "2025-10-01"
    )
    assert refused(
        history, f"anthropic/{HAIKU}", "2025-11-12", "--input-tokens", "-1", "--output-tokens", "1"
    )


def test_stale_rates_and_a_forced_tier_are_noted(history: str) -> None:  # noqa: F811
    model, tokens = "anthropic/claude-sonnet-4-5", ("--input-tokens", "250000", "--output-tokens", "0")
    by_size = answer(history, model, "2026-01-01", *tokens)
    assert (by_size["tier"], by_size["total_usd"]) == ("context>200k", "1.5")
    used = by_size["rates_used"][0]
    assert (used["status"], used["stale"]) == ("verified", True)
    assert any("tier is stale: last verified" in n for n in by_size["notes"])
    forced = answer(history, model, "2026-01-01", *tokens, "--tier", "standard")
    assert (forced["tier"], forced["total_usd"]) == ("standard", "0.75")
    assert any("reach the context>200k tier; priced at standard as asked" in n for n in forced["notes"])


def test_table_output_names_the_total_and_the_sources(history: str) -> None:  # noqa: F811
    result = run_cost(history, f"anthropic/{HAIKU}", "2025-11-05")
    assert result.exit_code == 0, result.output
    assert "total_usd 0.0037 at the standard-tier rates of 2025-11-05" in result.stdout
    assert "input (standard): stale since 2025-10-25" in result.stdout  # last verified 10-29


SONNET = "anthropic/claude-sonnet-4-5"


@pytest.mark.parametrize(
    ("fresh", "tier", "total"),
    [
        (199_999, "standard", "0.629997"),  # 199,999 × $3 + 2,000 × $15 per MTok
        (200_000, "standard", "0.63"),  # the threshold itself is not exceeded
        (250_000, "context>200k", "1.545"),  # every token at $6 / $22.50
    ],
)
def test_a_request_over_200k_input_tokens_is_priced_at_the_long_context_rates_throughout(
    checked: str,  # noqa: F811
    fresh: int,
    tier: str,
    total: str,
) -> None:
    doc = answer(checked, SONNET, LONG.isoformat(), "--input-tokens", str(fresh), "--output-tokens", "2000")
    assert (doc["tier"], doc["total_usd"]) == (tier, total)
    assert {line["tier"] for line in doc["lines"]} == {tier}
    assert all(r["status"] == "verified" for r in doc["rates_used"])
    assert bool(doc["notes"]) is (tier != "standard")


def test_cached_input_tokens_count_toward_the_threshold(checked: str) -> None:  # noqa: F811
    def priced(cached: int) -> dict[str, Any]:
        tokens = ("--input-tokens", "150000", "--cached-input-tokens", str(cached), "--output-tokens", "2000")
        return answer(checked, SONNET, LONG.isoformat(), *tokens)

    assert (priced(50_000)["tier"], priced(50_000)["total_usd"]) == ("standard", "0.495")
    long = priced(60_000)  # 150,000 + 60,000 cached > 200,000
    assert long["tier"] == "context>200k"
    assert [(x["field"], x["usd_per_mtok"]) for x in long["lines"]] == [
        ("input", "6"),
        ("cache_read", "0.6"),
        ("output", "22.5"),
    ]
    assert long["total_usd"] == "0.981"  # 0.9 + 0.036 + 0.045
    assert long["rates_used"][1]["status"] == "inferred"  # derived as 0.1 × the long-context input
    assert any(n.startswith("210000 input tokens (input + cached) exceed 200000") for n in long["notes"])
    first = long["lines"][0]
    assert (first["quantity"], first["unit"], first["rate"]) == (150000, "usd_per_mtok", "6")
    assert any(n.startswith("cache_read rate of the context>200k tier is inferred") for n in long["notes"])


def test_a_forced_tier_prices_every_line_at_it_or_is_refused(checked: str) -> None:  # noqa: F811
    small = ("--input-tokens", "1000", "--output-tokens", "100")
    doc = answer(checked, SONNET, LONG.isoformat(), *small, "--tier", "context>200k")
    assert (doc["tier"], doc["total_usd"]) == ("context>200k", "0.00825")  # 1000 × $6 + 100 × $22.50
    assert any("do not exceed the context>200k tier's threshold" in n for n in doc["notes"])
    err = refused(checked, SONNET, LONG.isoformat(), *small, "--tier", "service=flex")
    assert "anthropic/claude-sonnet-4-5 has no 'service=flex' tier on 2025-11-19" in err


def test_a_field_the_tier_lacks_is_charged_at_the_standard_rate_and_noted(checked: str) -> None:  # noqa: F811
    with session(open_db(checked)) as s:
        rows = readmodel.prices(SessionReader(s), LONG, lambda _: 3, ["anthropic"], "claude-sonnet-4-5")
    rows = [r for r in rows if r.model == "claude-sonnet-4-5"]
    lacking = [r for r in rows if (r.field, r.tier) != ("cache_read", "context>200k")]
    usage = Usage(input_tokens=150_000, output_tokens=2000, cache_read_tokens=60_000)
    doc = price(ModelRates("anthropic", "claude-sonnet-4-5", LONG, lacking), usage)
    assert [(x.field, x.tier, x.rate) for x in doc.lines] == [
        ("input", "context>200k", Decimal(6)),
        ("cache_read", "standard", Decimal("0.3")),
        ("output", "context>200k", Decimal("22.5")),
    ]
    assert "the context>200k tier has no cache_read rate; the standard-tier rate was used" in doc.notes
    without = ModelRates(
        "anthropic", "claude-sonnet-4-5", LONG, [r for r in lacking if r.field != "cache_read"]
    )
    with pytest.raises(
        MissingRate, match="has no cache_read rate on 2025-11-19, needed for cache_read_tokens"
    ):
        price(without, usage)


def test_batch_and_unit_options_price_exactly(checked: str) -> None:  # noqa: F811
    doc = answer(
        checked,
        SONNET,
        LONG.isoformat(),
        "--input-tokens",
        "1000",
        "--output-tokens",
        "100",
        "--service-tier",
        "batch",
    )
    assert [(x["field"], x["rate"], x["tokens"]) for x in doc["lines"]] == [
        ("batch_input", "1.5", 1000),
        ("batch_output", "7.5", 100),
    ]
    assert doc["total_usd"] == "0.00225" and doc["usage"]["service_tier"] == "batch"
    err = refused(checked, SONNET, LONG.isoformat(), "--images", "1", "--image-size", "1024x1024")
    assert "has no image_generation rate on 2025-11-19, needed for images" in err
    bad = run_cost(checked, SONNET, LONG.isoformat(), "--search-context", "huge")
    assert bad.exit_code == 2
    nothing = CliRunner().invoke(app, ["cost", SONNET, "--at", LONG.isoformat(), "--db", checked])
    assert nothing.exit_code == 2 and "nothing to price" in nothing.stderr


def test_a_bad_config_exits_with_the_config_code(checked: str, tmp_path: Path) -> None:  # noqa: F811
    bad = tmp_path / "bad.toml"
    bad.write_text("[settings]\nnot_a_key = 1\n")
    result = CliRunner().invoke(
        app, ["cost", SONNET, "--input-tokens", "1", "--db", checked, "--config", str(bad)]
    )
    assert result.exit_code == 78 and "configuration error" in result.stderr


_AMOUNT = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
)


@given(
    inputs=st.decimals(min_value=0, max_value=1000, places=4),
    output=st.decimals(min_value=0, max_value=1000, places=7),
    fee=st.decimals(min_value=0, max_value=10, places=2),
    per_second=st.decimals(min_value=0, max_value=10, places=5),
    fresh=st.integers(min_value=1, max_value=10**12),
    made=st.integers(min_value=1, max_value=10**9),
    seconds=_AMOUNT.filter(bool),
)
def test_a_plan_s_compiled_sum_is_the_exact_sum_of_its_lines(
    inputs: Decimal, output: Decimal, fee: Decimal, per_second: Decimal, fresh: int, made: int, seconds: Any
) -> None:
    rows = [
        rate_row("m", "input", str(inputs), "usd_per_mtok"),
        rate_row("m", "output", str(output), "usd_per_mtok"),
        rate_row("m", "request", str(fee), "usd_per_request"),
        rate_row("m", "video_generation", str(per_second), "usd_per_second"),
    ]
    usage = Usage(input_tokens=fresh, output_tokens=made, seconds=seconds)
    quote = price(ModelRates("v", "m", date(2025, 11, 1), rows), usage)
    lines = quote.lines
    assert [line.field for line in lines] == ["input", "output", "video_generation", "request"]
    assert quote.total_usd == sum((line.usd for line in lines), Decimal(0))
    assert quote.total_usd == fresh * inputs / 10**6 + made * output / 10**6 + seconds * per_second + fee


def test_requests_made_now_are_priced_at_the_day_the_clock_says(
    history: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The book keeps today's rates until midnight UTC; the first request after it reads the new day's."""
    before = datetime(2025, 11, 9, 23, 59, 59, tzinfo=UTC).timestamp()
    now = [before]
    monkeypatch.setattr(ratebook, "_time", lambda: now[0])
    book = RateBook.open(history)
    usage = Usage(input_tokens=1_000_000)
    first, again = book.price(f"anthropic/{HAIKU}", usage), book.price(f"anthropic/{HAIKU}", usage)
    assert (first.day, first.total_usd, again.day, again.total_usd) == (
        date(2025, 11, 9),
        Decimal(1),
        date(2025, 11, 9),
        Decimal(1),
    )
    now[0] = before + 2  # 00:00:01 on the day the input rate rose to $1.25
    after = book.price(f"anthropic/{HAIKU}", usage)
    assert (after.day, after.total_usd) == (CHANGE, Decimal("1.25"))
    assert book.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal("1.25")
    assert book.price(f"anthropic/{HAIKU}", usage, date(2025, 11, 9)).total_usd == Decimal(1)
    kept = pickle.loads(pickle.dumps(after))  # a quote travels (its plan's code is compiled again)
    assert kept == after and kept.lines == after.lines and kept.plan.quote(usage).total_usd == Decimal("1.25")
    assert len(kept.plan.rates.rows) == 1 < len(after.plan.rates.rows)  # only the rate it used travels
    written = json.loads(to_json(after))  # a quote is written as `ratecard cost --format json` shows it
    assert (written["total_usd"], written["lines"][0]["rate"], written["notes"]) == ("1.25", "1.25", [])
    now[0] = before  # a clock set back: the day it says, not the one remembered
    assert book.price(f"anthropic/{HAIKU}", usage).day == date(2025, 11, 9)
    assert (
        repr(after)
        == f"Quote('anthropic/{HAIKU}', 2025-11-10, tier='standard', total_usd=Decimal('1.25000000'), notes=())"
    )
