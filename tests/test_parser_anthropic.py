"""Anthropic parser: three captures of the docs pricing page, hand-checked values, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import rate_of

from ratecard.parsers.anthropic import LONG_CONTEXT_TIER, VENDOR, model_id, parse
from ratecard.parsers.base import Parsed, ParseError

URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
CAPTURES = files("ratecard") / "captures" / VENDOR
OCT25 = "2025-10-25__docs-claude-pricing.md"
OCT29 = "2025-10-29__docs-claude-pricing.md"
NOV19 = "2025-11-19__docs-claude-pricing.md"
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())


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


@pytest.mark.parametrize("name", CAPTURE_NAMES)
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
    assert _parse_text(_page(OCT25)).models == later | {"claude-3-5-sonnet"}
    assert _parse_text(_page(OCT29)).models == later
    assert _parse_text(_page(NOV19)).models == later


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


def _later(on: datetime) -> dict[tuple[str, str, str], Decimal | None]:
    result = parse(LATER.encode(), URL, on)
    return {(r.model, r.field, r.tier): r.value for r in result.rates}


def test_later_layout_new_families_periods_and_per_model_long_context() -> None:
    august = _later(datetime(2026, 8, 15, tzinfo=UTC))
    assert august[("claude-fable-5-1", "cache_read", "standard")] == Decimal("0.25")  # footnote mark ignored
    assert august[("claude-sonnet-5", "input", "standard")] == Decimal(2)  # "(through August 31, 2026)"
    assert ("claude-mythos-5-1", "limited_availability", "standard") in august
    assert ("claude-opus-4-1", "retired", "standard") in august
    assert august[("claude-opus-4-6", "output", "context>200k")] == Decimal("37.50")
    assert august[("claude-sonnet-4-5", "output", "context>200k")] == Decimal(
        "22.50"
    )  # the row's second line
    assert august[("claude-sonnet-4-6", "input", "context>200k")] == Decimal(6)
    assert august[("claude-opus-4-6", "batch_output", "standard")] == Decimal("12.50")
    assert not [k for k in august if k[2] not in {"standard", "context>200k"}]  # fast mode not mistaken
    september = _later(datetime(2026, 9, 2, tzinfo=UTC))
    assert september[("claude-sonnet-5", "input", "standard")] == Decimal(3)  # "(starting September 1, 2026)"


def test_later_layout_refuses_a_long_context_row_without_a_model() -> None:
    broken = LATER.replace("| Claude Opus 4.6 | Input: $5 / MTok<br>", "|  | Input: $5 / MTok<br>")
    with pytest.raises(ParseError, match=r"anthropic: long context row .* belongs to no model"):
        parse(broken.encode(), URL, datetime(2026, 8, 15, tzinfo=UTC))
