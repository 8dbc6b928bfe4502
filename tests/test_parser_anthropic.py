"""Anthropic parser: three captures of the docs pricing page, hand-checked values, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import rate_of

from ratecard.parsers.anthropic import LONG_CONTEXT_TIER, VENDOR, model_id, parse, validity
from ratecard.parsers.base import Parsed, ParseError

URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
CAPTURES = files("ratecard") / "captures" / VENDOR
OCT25 = "2025-10-25__docs-claude-pricing.md"
OCT29 = "2025-10-29__docs-claude-pricing.md"
NOV19 = "2025-11-19__docs-claude-pricing.md"
OVERVIEW = "2025-10-15__docs-models-overview.jina.md"
JAN15 = "2026-01-15__platform-claude-pricing.md"
FEB18 = "2026-02-18__platform-claude-pricing.md"
APR17 = "2026-04-17__platform-claude-pricing.md"
CAPTURE_NAMES = sorted(
    p.name for p in CAPTURES.iterdir() if p.is_file() and p.name != "SOURCES.tsv"
)  # not the manifest


def _page(name: str) -> str:
    return (CAPTURES / name).read_text(encoding="utf-8")


def _fetched(name: str) -> datetime:
    return datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)


def _parse_text(text: str, when: datetime = datetime(2025, 10, 25, tzinfo=UTC)) -> Parsed:
    return parse(text.encode("utf-8"), URL, when)


def _value(result: Parsed, model: str, fld: str, tier: str = "standard") -> Decimal | None:
    return rate_of(result, model, fld, tier).value


def _deprecated(result: Parsed) -> set[str]:
    return {r.model for r in result.rates if r.field == "deprecated"}


def _mangle(text: str, old: str, new: str) -> str:
    """Replace text that must exist, so a mangling test cannot pass on an unchanged page."""
    assert old in text, f"fixture text {old!r} not in the page"
    return text.replace(old, new)


def test_three_captures_are_bundled() -> None:
    assert {OCT25, OCT29, NOV19} <= set(CAPTURE_NAMES)


def test_model_table_values_checked_by_hand() -> None:
    result = _parse_text(_page(OCT25))
    # Line 20: "Claude Opus 4.1 | $15 / MTok | $18.75 / MTok | $30 / MTok | $1.50 / MTok | $75 / MTok"
    assert _value(result, "claude-opus-4-1", "input") == Decimal("15")
    assert _value(result, "claude-opus-4-1", "cache_write_5m") == Decimal("18.75")
    assert _value(result, "claude-opus-4-1", "cache_write_1h") == Decimal("30")
    assert _value(result, "claude-opus-4-1", "cache_read") == Decimal("1.5")
    assert _value(result, "claude-opus-4-1", "output") == Decimal("75")
    # Line 27: "Claude Haiku 3.5 | $0.80 / MTok | $1 / MTok | $1.6 / MTok | $0.08 / MTok | $4 / MTok"
    assert _value(result, "claude-3-5-haiku", "input") == Decimal("0.8")
    assert _value(result, "claude-3-5-haiku", "cache_write_1h") == Decimal("1.6")
    assert _value(result, "claude-3-5-haiku", "cache_read") == Decimal("0.08")
    # Line 29: "Claude Haiku 3 | $0.25 / MTok | $0.30 / MTok | $0.50 / MTok | $0.03 / MTok | $1.25 / MTok"
    assert _value(result, "claude-3-haiku", "cache_read") == Decimal("0.03")
    assert _value(result, "claude-3-haiku", "output") == Decimal("1.25")
    # Line 22: "Claude Sonnet 4.5 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok"
    assert _value(result, "claude-sonnet-4-5", "cache_write_5m") == Decimal("3.75")
    assert all(r.currency == "USD" and r.status == "verified" for r in result.rates)


def test_batch_table_values_checked_by_hand() -> None:
    result = _parse_text(_page(OCT25))
    # Line 74: "Claude Opus 4.1 | $7.50 / MTok | $37.50 / MTok"
    assert _value(result, "claude-opus-4-1", "batch_input") == Decimal("7.5")
    assert _value(result, "claude-opus-4-1", "batch_output") == Decimal("37.5")
    # Line 83: "Claude Haiku 3 | $0.125 / MTok | $0.625 / MTok"
    assert _value(result, "claude-3-haiku", "batch_input") == Decimal("0.125")
    assert _value(result, "claude-3-haiku", "batch_output") == Decimal("0.625")
    # Line 81: "Claude Haiku 3.5 | $0.40 / MTok | $2 / MTok"
    assert _value(result, "claude-3-5-haiku", "batch_output") == Decimal("2")
    batch = {r.model for r in result.rates if r.field == "batch_input"}
    assert batch == {r.model for r in result.rates if r.field == "input" and r.tier == "standard"}


@pytest.mark.parametrize("name", [OCT25, OCT29, NOV19, JAN15])
def test_long_context_rows_for_the_models_the_page_names(name: str) -> None:
    result = _parse_text(_page(name))
    # Lines 89-98 (Oct 25): "When using Claude Sonnet 4 or Sonnet 4.5 ..." then
    # "Input: $6 / MTok" and "Output: $22.50 / MTok" under "> 200K input tokens".
    long = {(r.model, r.field): r.value for r in result.rates if r.tier == LONG_CONTEXT_TIER}
    assert long == {
        ("claude-sonnet-4", "input"): Decimal("6"),
        ("claude-sonnet-4", "output"): Decimal("22.5"),
        ("claude-sonnet-4-5", "input"): Decimal("6"),
        ("claude-sonnet-4-5", "output"): Decimal("22.5"),
    }
    assert LONG_CONTEXT_TIER == "context>200k"
    assert _value(result, "claude-sonnet-4", "input") == Decimal("3")  # the standard row stays


def test_deprecated_flags_follow_the_page() -> None:
    # Oct 25, lines 25 and 28: Sonnet 3.5 and Opus 3 marked "(deprecated)"; Sonnet 3.7 (line 24) not.
    assert _deprecated(_parse_text(_page(OCT25))) == {"claude-3-5-sonnet", "claude-3-opus"}
    # Oct 29, line 24: "Claude Sonnet 3.7 ([deprecated](...))"; Sonnet 3.5 is gone from the table.
    for name in (OCT29, NOV19):
        result = _parse_text(_page(name))
        assert _deprecated(result) == {"claude-3-7-sonnet", "claude-3-opus"}
        assert "claude-3-5-sonnet" not in result.models


def test_deprecated_is_a_flag_row_not_part_of_the_id() -> None:
    result = _parse_text(_page(OCT29))
    flag = rate_of(result, "claude-3-7-sonnet", "deprecated")
    assert (flag.value, flag.unit, flag.status) == (None, "flag", "verified")
    assert _value(result, "claude-3-7-sonnet", "input") == Decimal("3")  # still priced (line 24)
    assert result.display_names["claude-3-7-sonnet"] == "Claude Sonnet 3.7"
    assert not [m for m in result.models if "deprecated" in m]


def test_models_of_each_capture() -> None:
    later = {
        "claude-opus-4-1", "claude-opus-4", "claude-sonnet-4-5", "claude-sonnet-4",
        "claude-3-7-sonnet", "claude-haiku-4-5", "claude-3-5-haiku", "claude-3-opus", "claude-3-haiku",
    }  # fmt: skip
    tools = {"code-execution", "web-search"}  # priced per use, under the tool's own id
    assert _parse_text(_page(OCT25)).models == later | tools | {"claude-3-5-sonnet"}
    assert _parse_text(_page(OCT29)).models == later | tools
    assert _parse_text(_page(NOV19)).models == later | tools


@pytest.mark.parametrize(
    ("family", "version", "expected"),
    [
        ("Sonnet", "4.5", "claude-sonnet-4-5"),
        ("Opus", "4.1", "claude-opus-4-1"),
        ("Opus", "4", "claude-opus-4"),
        ("Sonnet", "3.7", "claude-3-7-sonnet"),
        ("Haiku", "3.5", "claude-3-5-haiku"),
        ("Opus", "3", "claude-3-opus"),
        ("Haiku", "3", "claude-3-haiku"),
    ],
)
def test_model_id_rule(family: str, version: str, expected: str) -> None:
    assert model_id(family, version) == expected


def test_dash_cell_is_not_offered_not_zero() -> None:
    text = _mangle(
        _page(OCT25),
        "| Claude Haiku 3                                                             | \\$0.25 / MTok     "
        "| \\$0.30 / MTok   | \\$0.50 / MTok   |",
        "| Claude Haiku 3 | \\$0.25 / MTok | \\$0.30 / MTok | - |",
    )
    rate = rate_of(_parse_text(text), "claude-3-haiku", "cache_write_1h")
    assert (rate.value, rate.status, rate.reason) == (None, "not_offered", "page shows '-'")


# --- Mangled pages: refused with the vendor named, never read as wrong numbers. ---


def _without_main_table(text: str) -> str:
    start = text.index("| Base Input Tokens |")
    start = text.rindex("\n", 0, start) + 1
    end = text.index("<Note>", start)
    return text[:start] + text[end:]


REFUSED = [
    pytest.param(_without_main_table, "no model pricing table found in", id="main-table-removed"),
    pytest.param(
        lambda t: _mangle(t, "| Output Tokens |", "| Thinking Tokens |"),
        "unknown price column 'Thinking Tokens'",
        id="main-header-renamed",
    ),
    pytest.param(
        lambda t: _mangle(t, "| Batch output   |", "| Batch thinking |"),
        "unknown price column 'Batch thinking'",
        id="batch-header-renamed",
    ),
    pytest.param(
        lambda t: _mangle(t, "Base Input Tokens", "Prompt Tokens"),
        "no model pricing table found in",
        id="input-header-renamed",
    ),
    pytest.param(
        lambda t: _mangle(t, "| Claude Haiku 3    ", "| Anthropic Next 1  "),
        "unrecognised model name 'Anthropic Next 1",
        id="unknown-model-name",
    ),
    pytest.param(
        lambda t: _mangle(t, "| \\$0.25 / MTok     |", "| \\$0.25 per token |"),
        "expected a '$X / MTok' price",
        id="unit-changed",
    ),
    pytest.param(
        lambda t: _mangle(t, "| \\$0.25 / MTok     |", "| Contact sales / MTok |"),
        "no amount in",
        id="amount-missing",
    ),
    pytest.param(
        lambda t: _mangle(t, "Input: \\$6 / MTok ", "Input: TBD"),
        "unexpected long context cell 'Input: TBD'",
        id="long-context-amount-missing",
    ),
    pytest.param(
        lambda t: _mangle(
            t, "| Output: \\$15 / MTok | Output: \\$22.50 / MTok |", "| Cached: $1 | Cached: $2 |"
        ),
        "cannot tell which price is input or output",
        id="long-context-row-renamed",
    ),
    pytest.param(
        lambda t: _mangle(
            t, "| Output: \\$15 / MTok | Output: \\$22.50 / MTok |", "| Output: \\$15 / MTok |"
        ),
        "has no '> 200K' cell",
        id="long-context-cell-missing",
    ),
    pytest.param(
        lambda t: _mangle(t, "When using Claude Sonnet 4 or Sonnet 4.5", "When using the 1M window").replace(
            "only available for Claude Sonnet 4 and Sonnet 4.5", "only available for some models"
        ),
        "no priced model named in its introduction",
        id="long-context-models-unnamed",
    ),
]


@pytest.mark.parametrize(("mangle", "message"), REFUSED)
def test_mangled_page_is_refused(mangle: Callable[[str], str], message: str) -> None:
    with pytest.raises(ParseError, match=r"^anthropic: ") as err:
        _parse_text(mangle(_page(OCT25)))
    assert err.value.vendor == VENDOR
    assert message in str(err.value)


def test_page_without_tables_is_refused() -> None:
    with pytest.raises(ParseError, match=f"anthropic: no model pricing table found in {URL}"):
        _parse_text("# Pricing\n\nSee claude.com/pricing.\n")


# A later layout of the same page, as the 2026 docs print it: new families, retirement notes,
# footnote marks, prices announced for a period, a per-model long-context table (one cell with
# <br>, or one row a line), a combined "Sonnet 4.6 / 4.5 / 4" row and a fast-mode table.
LATER = """# Pricing

## Model pricing

| Model | Base input tokens | 5m cache writes | 1h cache writes | Cache hits and refreshes | Output tokens |
| :--- | :--- | :--- | :--- | :--- | :--- |
| Claude Fable 5.1 | $10 / MTok | $12.50 / MTok | $20 / MTok | $0.25 / MTok<sup>1</sup> | $50 / MTok |
| Claude Mythos 5.1 ([limited availability](https://anthropic.com/glasswing)) | $10 / MTok | $12.50 / MTok | $20 / MTok | $0.25 / MTok<sup>1</sup> | $50 / MTok |
| Claude Sonnet 5 (through August 31, 2026) | $2 / MTok | $2.50 / MTok | $4 / MTok | $0.20 / MTok | $10 / MTok |
| Claude Sonnet 5 (starting September 1, 2026) | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |
| Claude Opus 4.6 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |
| Claude Sonnet 4.6 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |
| Claude Sonnet 4.5 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |
| Claude Opus 4.1 ([retired, except on Bedrock and Google Cloud](https://platform.claude.com/x)) | $15 / MTok | $18.75 / MTok | $30 / MTok | $1.50 / MTok | $75 / MTok |

### Fast mode pricing

Fast mode for Claude Opus 4.6 (research preview) is priced at 6x standard rates:

| Context window | Input | Output |
|---|---|---|
| <= 200K input tokens | $30/MTok | $150/MTok |
| > 200K input tokens | $60/MTok | $225/MTok |

### Batch processing

| Model | Batch input | Batch output |
|---|---|---|
| Claude Opus 4.6 | $2.50/MTok | $12.50/MTok |
| Claude Sonnet 4.6 | $1.50/MTok | $7.50/MTok |

### Long context pricing

| Model | ≤ 200K input tokens | > 200K input tokens |
|-------|---------------------|----------------------|
| Claude Opus 4.6 | Input: $5 / MTok<br>Output: $25 / MTok | Input: $10 / MTok<br>Output: $37.50 / MTok |
| Claude Sonnet 4.6 / 4.5 | Input: $3 / MTok | Input: $6 / MTok |
|  | Output: $15 / MTok | Output: $22.50 / MTok |
"""


def _later() -> tuple[dict[tuple[str, str, str], Decimal | None], Parsed]:
    result = parse(LATER.encode(), URL, datetime(2026, 8, 15, tzinfo=UTC))
    undated = [r for r in result.rates if r.valid_from is None and r.valid_until is None]
    return {(r.model, r.field, r.tier): r.value for r in undated}, result


def test_later_layout_new_families_periods_and_per_model_long_context() -> None:
    rates, result = _later()
    assert rates[("claude-fable-5-1", "cache_read", "standard")] == Decimal("0.25")  # footnote mark ignored
    # "(through August 31, 2026)" and "(starting September 1, 2026)": both rows, each with its window.
    sonnet5 = {
        (r.field, r.valid_from, r.valid_until): r.value for r in result.rates if r.model == "claude-sonnet-5"
    }
    assert sonnet5[("input", None, date(2026, 9, 1))] == Decimal(2)
    assert sonnet5[("input", date(2026, 9, 1), None)] == Decimal(3)
    assert sonnet5[("output", date(2026, 9, 1), None)] == Decimal(15)
    assert len(sonnet5) == 10  # five prices, twice, none without a window
    assert ("claude-mythos-5-1", "limited_availability", "standard") in rates
    assert ("claude-opus-4-1", "retired", "standard") in rates
    assert rates[("claude-opus-4-6", "output", "context>200k")] == Decimal("37.50")
    assert rates[("claude-sonnet-4-5", "output", "context>200k")] == Decimal("22.50")  # the row's second line
    assert rates[("claude-sonnet-4-6", "input", "context>200k")] == Decimal(6)
    assert rates[("claude-opus-4-6", "batch_output", "standard")] == Decimal("12.50")
    # "### Fast mode pricing": no model column, for the models the text above names (Opus 4.6).
    assert rates[("claude-opus-4-6", "input", "service=fast")] == Decimal(30)
    assert rates[("claude-opus-4-6", "output", "context>200k;service=fast")] == Decimal(225)
    assert {k[2] for k in rates} == {"standard", "context>200k", "service=fast", "context>200k;service=fast"}


def test_later_layout_refuses_a_long_context_row_without_a_model() -> None:
    broken = LATER.replace("| Claude Opus 4.6 | Input: $5 / MTok<br>", "|  | Input: $5 / MTok<br>")
    with pytest.raises(ParseError, match=r"anthropic: long context row .* belongs to no model"):
        parse(broken.encode(), URL, datetime(2026, 8, 15, tzinfo=UTC))


# --- The 2026 pages at platform.claude.com (Mintlify .md source with YAML front matter). ---


def _capture(name: str) -> Parsed:
    return parse((CAPTURES / name).read_bytes(), URL, _fetched(name))


def _rate(result: Parsed, model: str, fld: str, tier: str = "standard") -> tuple[Decimal | None, str]:
    rate = rate_of(result, model, fld, tier)
    return rate.value, rate.unit


def test_four_new_captures_are_bundled() -> None:
    assert {OVERVIEW, JAN15, FEB18, APR17} <= set(CAPTURE_NAMES)


def test_models_overview_values_checked_by_hand() -> None:
    result = _capture(OVERVIEW)
    # Line 61: "| Claude Opus 4.1 | $15 / MTok | $18.75 / MTok | $30 / MTok | $1.50 / MTok | $75 / MTok |"
    assert _value(result, "claude-opus-4-1", "input") == Decimal(15)
    assert _value(result, "claude-opus-4-1", "cache_write_5m") == Decimal("18.75")
    assert _value(result, "claude-opus-4-1", "output") == Decimal(75)
    # Line 65: "| Claude Sonnet 3.7 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |"
    assert _value(result, "claude-3-7-sonnet", "cache_write_1h") == Decimal(6)
    assert _value(result, "claude-3-7-sonnet", "cache_read") == Decimal("0.3")
    # Line 66: "| Claude Sonnet 3.5 ([deprecated](...)) | $3 / MTok | ... | $15 / MTok |"
    assert _value(result, "claude-3-5-sonnet", "output") == Decimal(15)
    assert _deprecated(result) == {"claude-3-5-sonnet", "claude-3-opus"}
    # Line 67: "| Claude Haiku 3.5 | $0.80 / MTok | $1 / MTok | $1.6 / MTok | $0.08 / MTok | $4 / MTok |"
    assert _value(result, "claude-3-5-haiku", "input") == Decimal("0.8")
    assert _value(result, "claude-3-5-haiku", "cache_write_5m") == Decimal(1)
    # Line 69: "| Claude Haiku 3 | $0.25 / MTok | $0.30 / MTok | $0.50 / MTok | $0.03 / MTok | $1.25 / MTok |"
    assert _value(result, "claude-3-haiku", "cache_write_1h") == Decimal("0.5")
    assert _value(result, "claude-3-haiku", "output") == Decimal("1.25")
    # The comparison table ("| Feature | Claude Sonnet 4.5 | ...") prices nothing; no batch table.
    assert {r.field for r in result.rates if r.unit != "flag"} == {
        "input", "cache_write_5m", "cache_write_1h", "cache_read", "output",
    }  # fmt: skip
    assert "claude-haiku-4-5" not in result.models  # not in this page's table


def test_jan15_values_checked_by_hand() -> None:
    result = _capture(JAN15)
    # Line 24: "| Claude Opus 4.5 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |"
    assert _value(result, "claude-opus-4-5", "input") == Decimal(5)
    assert _value(result, "claude-opus-4-5", "cache_write_5m") == Decimal("6.25")
    assert _value(result, "claude-opus-4-5", "cache_write_1h") == Decimal(10)
    assert _value(result, "claude-opus-4-5", "cache_read") == Decimal("0.5")
    assert _value(result, "claude-opus-4-5", "output") == Decimal(25)
    # Line 75: "| Claude Opus 4.5 | $2.50 / MTok | $12.50 / MTok |"
    assert _value(result, "claude-opus-4-5", "batch_input") == Decimal("2.5")
    assert _value(result, "claude-opus-4-5", "batch_output") == Decimal("12.5")
    # Line 30: "| Claude Haiku 4.5 | $1 / MTok | $1.25 / MTok | $2 / MTok | $0.10 / MTok | $5 / MTok |"
    assert _value(result, "claude-haiku-4-5", "cache_read") == Decimal("0.1")
    # Lines 98-99: "| Input: $3 / MTok | Input: $6 / MTok |", "| Output: $15 / MTok | Output: $22.50 / MTok |"
    assert _value(result, "claude-sonnet-4-5", "output", LONG_CONTEXT_TIER) == Decimal("22.5")
    # Line 188: "... billed at $0.05 per hour, per container."
    assert _rate(result, "code-execution", "code_execution") == (Decimal("0.05"), "usd_per_container_hour")
    # Line 219: "Web search is available on the Claude API for **$10 per 1,000 searches**"
    assert _rate(result, "web-search", "web_search") == (Decimal(10), "usd_per_1k_requests")
    assert _deprecated(result) == {"claude-3-7-sonnet", "claude-3-opus"}


def test_feb18_values_checked_by_hand() -> None:
    result = _capture(FEB18)
    # Line 24: "| Claude Opus 4.6 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |"
    assert _value(result, "claude-opus-4-6", "cache_write_5m") == Decimal("6.25")
    assert _value(result, "claude-opus-4-6", "output") == Decimal(25)
    # Line 28: "| Claude Sonnet 4.6 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |"
    assert _value(result, "claude-sonnet-4-6", "cache_write_1h") == Decimal(6)
    # Line 106: "| Claude Sonnet 4.6 | $1.50 / MTok | $7.50 / MTok |"
    assert _value(result, "claude-sonnet-4-6", "batch_output") == Decimal("7.5")
    # Lines 85-86 (fast mode, "Currently supported on Opus 4.6"):
    # "| ≤ 200K input tokens | $30 / MTok | $150 / MTok |", "| > 200K input tokens | $60 / MTok | $225 / MTok |"
    assert _value(result, "claude-opus-4-6", "input", "service=fast") == Decimal(30)
    assert _value(result, "claude-opus-4-6", "output", "service=fast") == Decimal(150)
    assert _value(result, "claude-opus-4-6", "input", "context>200k;service=fast") == Decimal(60)
    assert _value(result, "claude-opus-4-6", "output", "context>200k;service=fast") == Decimal(225)
    # Lines 127-128: "| Claude Opus 4.6 | Input: $5 / MTok | Input: $10 / MTok |",
    # "|  | Output: $25 / MTok | Output: $37.50 / MTok |"
    assert _value(result, "claude-opus-4-6", "input", LONG_CONTEXT_TIER) == Decimal(10)
    assert _value(result, "claude-opus-4-6", "output", LONG_CONTEXT_TIER) == Decimal("37.5")
    # Lines 129-130: "| Claude Sonnet 4.6 / 4.5 / 4 | Input: $3 / MTok | Input: $6 / MTok |"
    for model in ("claude-sonnet-4-6", "claude-sonnet-4-5", "claude-sonnet-4"):
        assert _value(result, model, "input", LONG_CONTEXT_TIER) == Decimal(6)
    # Line 92: "Fast mode is not available with the [Batch API](#batch-processing).": no batch price
    # may be derived for either fast tier.
    for key in ("service=fast", "context>200k;service=fast"):
        for fld in ("batch_input", "batch_output"):
            rate = rate_of(result, "claude-opus-4-6", fld, key)
            assert (rate.value, rate.status) == (None, "not_offered")
            assert rate.reason == "page: fast mode is not available with the Batch API"
    # Line 225: "- Additional usage beyond 1,550 hours is billed at **$0.05 per hour, per container**"
    assert _rate(result, "code-execution", "code_execution") == (Decimal("0.05"), "usd_per_container_hour")


def test_apr17_values_checked_by_hand() -> None:
    result = _capture(APR17)
    # Line 24: "| Claude Opus 4.7 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |"
    assert _value(result, "claude-opus-4-7", "input") == Decimal(5)
    assert _value(result, "claude-opus-4-7", "cache_write_1h") == Decimal(10)
    assert _value(result, "claude-opus-4-7", "cache_read") == Decimal("0.5")
    # Line 124: "| Claude Opus 4.7 | $2.50 / MTok | $12.50 / MTok |"
    assert _value(result, "claude-opus-4-7", "batch_input") == Decimal("2.5")
    # Line 34: "| Claude Haiku 3.5 | $0.80 / MTok | $1 / MTok | $1.6 / MTok | $0.08 / MTok | $4 / MTok |"
    assert _value(result, "claude-3-5-haiku", "cache_write_1h") == Decimal("1.6")
    # Line 108: "| $30 / MTok | $150 / MTok |" under "Currently supported on Opus 4.6", full context window
    assert _value(result, "claude-opus-4-6", "input", "service=fast") == Decimal(30)
    assert _value(result, "claude-opus-4-6", "output", "service=fast") == Decimal(150)
    # Line 142: long context at standard pricing now: no context tier at all.
    assert not [r for r in result.rates if "context" in r.tier]
    # Line 320: "| Session runtime | $0.08 per session-hour | `running` status duration |"
    assert _rate(result, "claude-managed-agents", "session_runtime") == (Decimal("0.08"), "usd_per_hour")
    # Line 205: "billed at **$0.05 per hour, per container**"; line 249: "**$10 per 1,000 searches**"
    assert _rate(result, "code-execution", "code_execution") == (Decimal("0.05"), "usd_per_container_hour")
    assert _rate(result, "web-search", "web_search") == (Decimal(10), "usd_per_1k_requests")
    # Line 114: "Fast mode is not available with the [Batch API](#batch-processing)."
    no_batch = rate_of(result, "claude-opus-4-6", "batch_input", "service=fast")
    assert (no_batch.value, no_batch.status) == (None, "not_offered")
    assert all(r.currency == "USD" and r.status == "verified" for r in result.rates if r.value is not None)


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (OCT25, "**Pricing**: \\$0.05 per session-hour."),
        (OCT29, "Additional usage beyond the first 50 hours is billed at \\$0.05 per hour, per container."),
        (JAN15, "Additional usage beyond the first 1,550 hours is billed at $0.05 per hour, per container."),
    ],
)
def test_code_execution_price_in_each_wording(name: str, sentence: str) -> None:
    assert sentence in _page(name)
    assert _rate(_capture(name), "code-execution", "code_execution") == (
        Decimal("0.05"),
        "usd_per_container_hour",
    )


@pytest.mark.parametrize(
    ("name", "allowance"),
    [(OCT29, "50 free hours"), (JAN15, "1,550 free hours"), (APR17, "1,550 free hours")],
)
def test_the_free_code_execution_allowance_is_a_note_not_a_rate(name: str, allowance: str) -> None:
    result = _capture(name)
    (note,) = [n for n in result.notes if "Code execution tool" in n]
    assert allowance in note
    assert {r.field for r in result.rates if r.model == "code-execution"} == {"code_execution"}


def test_notes_name_what_is_not_stored() -> None:
    notes = _capture(APR17).notes
    # Line 96: "incurs a 1.1x multiplier on all token pricing categories" (US-only inference)
    assert "not stored (Pricing > Feature-specific pricing > Data residency pricing): 1.1x" in notes
    # Lines 334-337: the worked example's line items are examples, not prices.
    assert any(
        n.startswith("not stored (Pricing > Claude Managed Agents pricing > Worked example): ") for n in notes
    )


def test_web_search_priced_twice_differently_is_refused() -> None:
    text = _mangle(
        _page(JAN15), "**$10 per 1,000 searches**", "**$10 per 1,000 searches** ($12 per 1,000 searches"
    )
    with pytest.raises(ParseError, match=r"^anthropic: two web search prices"):
        _parse_text(text)


# --- Scheduled prices: a row "through" a day and its successor "starting" the next. ---

OPUS47 = "| Claude Opus 4.7     | $5 / MTok         | $6.25 / MTok    | $10 / MTok      | $0.50 / MTok | $25 / MTok    |"
OPUS47_BATCH = "| Claude Opus 4.7       | $2.50 / MTok     | $12.50 / MTok   |"


def _scheduled(current: str, scheduled: str | None, batch: bool = False) -> str:
    """The April page with Opus 4.7's row split in two: the current price and a scheduled one."""
    rows = (
        f"| Claude Opus 4.7 {current} | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |"
    )
    if scheduled is not None:
        rows += f"\n| Claude Opus 4.7 {scheduled} | $6 / MTok | $7.50 / MTok | $12 / MTok | $0.60 / MTok | $30 / MTok |"
    text = _mangle(_page(APR17), OPUS47, rows)
    if batch:
        batch_rows = f"| Claude Opus 4.7 {current} | $2.50 / MTok | $12.50 / MTok |"
        if scheduled is not None:
            batch_rows += f"\n| Claude Opus 4.7 {scheduled} | $3 / MTok | $15 / MTok |"
        text = _mangle(text, OPUS47_BATCH, batch_rows)
    return text


def _windows(text: str, fld: str = "input") -> set[tuple[Decimal | None, date | None, date | None]]:
    result = parse(text.encode(), URL, datetime(2026, 4, 17, tzinfo=UTC))
    return {
        (r.value, r.valid_from, r.valid_until)
        for r in result.rates
        if (r.model, r.field) == ("claude-opus-4-7", fld)
    }


SEPT1 = date(2026, 9, 1)


@pytest.mark.parametrize(
    ("current", "scheduled"),
    [
        ("(through August 31, 2026)", "(starting September 1, 2026)"),
        (
            "([through August 31, 2026](/docs/en/about-claude/pricing#changes))",
            "([starting September 1, 2026](/x))",
        ),
        ("(through [August 31, 2026](/x))", "(starting [September 1, 2026](/x))"),
        ("through August 31, 2026", "starting September 1, 2026"),
        ("(until Aug 31, 2026)", "(effective Sept. 1st, 2026)"),
        ("(before 2026-09-01)", "(from 2026-09-01)"),
    ],
    ids=["plain-text", "date-as-link", "date-linked-alone", "no-parentheses", "abbreviated", "iso"],
)
def test_a_scheduled_price_is_a_second_rate_with_its_window(current: str, scheduled: str) -> None:
    assert _windows(_scheduled(current, scheduled)) == {(Decimal(5), None, SEPT1), (Decimal(6), SEPT1, None)}
    text = _scheduled(current, scheduled, batch=True)
    assert _windows(text, "batch_output") == {(Decimal("12.5"), None, SEPT1), (Decimal(15), SEPT1, None)}
    assert _windows(text, "output") == {(Decimal(25), None, SEPT1), (Decimal(30), SEPT1, None)}


def test_the_read_date_filters_nothing() -> None:
    text = _scheduled("(through August 31, 2026)", "(starting September 1, 2026)")
    for day in (date(2026, 4, 17), date(2026, 9, 2), date(2027, 1, 1)):
        result = parse(text.encode(), URL, datetime(day.year, day.month, day.day, tzinfo=UTC))
        assert len([r for r in result.rates if (r.model, r.field) == ("claude-opus-4-7", "input")]) == 2


def test_a_withdrawn_scheduled_row_leaves_the_current_price_with_its_end() -> None:
    # The "starting" row withdrawn, the "through" row still dated: the price ends, nothing follows.
    assert _windows(_scheduled("(through August 31, 2026)", None)) == {(Decimal(5), None, SEPT1)}
    # Both dates withdrawn: the plain row again, no window.
    assert _windows(_scheduled("", None)) == {(Decimal(5), None, None)}


def test_a_price_announced_for_later_alone_starts_then() -> None:
    assert _windows(_scheduled("(starting September 1, 2026)", None)) == {(Decimal(5), SEPT1, None)}


@pytest.mark.parametrize(
    ("current", "scheduled", "message"),
    [
        ("(through Augst 31, 2026)", "(starting September 1, 2026)", "unreadable date 'Augst 31, 2026'"),
        ("(through the end of Q3)", "(starting September 1, 2026)", "unreadable date after 'through'"),
        ("(August 31, 2026)", "(starting September 1, 2026)", "a date without 'through' or 'starting'"),
        ("(through August 31, 2026)", "(starting August 31, 2026)", "duplicate rate"),
        ("(through September 1, 2026)", "(through September 30, 2026)", "duplicate rate"),
        ("(starting September 1, 2026; through August 31, 2026)", None, "no day"),
    ],
    ids=["misspelt-month", "no-date", "date-without-period-word", "overlap", "two-ends", "empty-window"],
)
def test_an_unreadable_or_overlapping_period_is_refused(
    current: str, scheduled: str | None, message: str
) -> None:
    with pytest.raises(ParseError, match=r"^anthropic: ") as err:
        _windows(_scheduled(current, scheduled))
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("(through August 31, 2026)", (None, SEPT1)),
        ("(until August 31, 2026)", (None, SEPT1)),
        ("(before September 1, 2026)", (None, SEPT1)),
        ("(starting September 1, 2026)", (SEPT1, None)),
        ("(as of 1 September 2026)", (SEPT1, None)),
        ("(retired, moved from the API)", (None, None)),
        ("(deprecated)", (None, None)),
    ],
)
def test_validity_rule(notes: str, expected: tuple[date | None, date | None]) -> None:
    assert validity(notes, "a test cell") == expected


def test_unreadable_mdx_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^anthropic: unreadable MDX in .*<Note> is never closed"):
        _parse_text(_page(APR17) + "\n<Note>\nunclosed\n")


#: The rendered page (the configured fallback URL), as a browser gets it: the same tables as HTML.
RENDERED = """<!DOCTYPE html><html><body><nav><h5>Build with Claude</h5></nav><main>
<h1>Pricing</h1><h2>Model pricing</h2>
<table><thead><tr><th>Model</th><th>Base Input Tokens</th><th>5m Cache Writes</th><th>1h Cache Writes</th>
<th>Cache Hits &amp; Refreshes</th><th>Output Tokens</th></tr></thead><tbody>
<tr><td>Claude Opus 4.7</td><td>$5 / MTok</td><td>$6.25 / MTok</td><td>$10 / MTok</td><td>$0.50 / MTok</td>
<td>$25 / MTok</td></tr>
<tr><td>Claude Sonnet 3.7 (<a href="/docs/en/about-claude/model-deprecations">deprecated</a>)</td><td>$3 / MTok</td>
<td>$3.75 / MTok</td><td>$6 / MTok</td><td>$0.30 / MTok</td><td>$15 / MTok</td></tr></tbody></table>
<h2>Feature-specific pricing</h2><h3>Batch processing</h3>
<p>The Batch API allows asynchronous processing with a 50% discount on both input and output tokens.</p>
<table><tr><th>Model</th><th>Batch input</th><th>Batch output</th></tr>
<tr><td>Claude Opus 4.7</td><td>$2.50 / MTok</td><td>$12.50 / MTok</td></tr></table>
<h4>Web search tool</h4><p>Web search is available on the Claude API for <strong>$10 per 1,000 searches</strong>.</p>
</main></body></html>"""


def test_the_rendered_page_of_the_fallback_url_reads_the_same() -> None:
    result = _parse_text(RENDERED)
    assert _value(result, "claude-opus-4-7", "cache_write_5m") == Decimal("6.25")
    assert _value(result, "claude-opus-4-7", "batch_output") == Decimal("12.5")
    assert _value(result, "claude-3-7-sonnet", "output") == Decimal(15)
    assert _deprecated(result) == {"claude-3-7-sonnet"}
    assert _rate(result, "web-search", "web_search") == (Decimal(10), "usd_per_1k_requests")
    assert result.notes == ("not stored (Pricing > Feature-specific pricing > Batch processing): 50%",)
