"""Moonshot parser: CNY prices found by Chinese or English labels, context tiers, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import GOLDEN_DIR, check_golden

from ratecard.parsers.base import Parsed, ParsedRate, ParseError
from ratecard.parsers.moonshot import VENDOR, context_tier, model_id, parse

URL = "https://platform.moonshot.ai/docs/pricing/chat"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2025-12-20__platform-pricing-chat.md"
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())
WHEN = datetime(2025, 12, 20, tzinfo=UTC)


def _page() -> str:
    return (CAPTURES / PAGE).read_text(encoding="utf-8")


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


def _rate(result: Parsed, model: str, fld: str, tier: str = "standard") -> ParsedRate:
    (rate,) = [r for r in result.rates if (r.model, r.field, r.tier) == (model, fld, tier)]
    return rate


def _mangle(text: str, old: str, new: str) -> str:
    assert old in text, f"fixture text {old!r} not in the page"
    return text.replace(old, new)


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_capture_matches_golden(name: str) -> None:
    when = datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)
    result = parse((CAPTURES / name).read_bytes(), URL, when)
    check_golden(result, GOLDEN_DIR / VENDOR / f"{name}.json")


@pytest.mark.parametrize(
    ("model", "fld", "tier", "amount"),
    [
        # Line 29: "| kimi-k2-0905-preview | 1M tokens | ￥1.00 | ￥4.00 | ￥16.00 | 262,144 tokens |"
        ("kimi-k2-0905-preview", "cache_read", "standard", "1.00"),
        ("kimi-k2-0905-preview", "input", "standard", "4.00"),
        ("kimi-k2-0905-preview", "output", "standard", "16.00"),
        # Line 31: "| kimi-k2-turbo-preview推荐 | 1M tokens | ￥1.00 | ￥8.00 | ￥58.00 | ..."
        ("kimi-k2-turbo-preview", "input", "standard", "8.00"),
        ("kimi-k2-turbo-preview", "output", "standard", "58.00"),
        # Line 33: "| kimi-k2-thinking-turbo | 1M tokens | ￥1.00 | ￥8.00 | ￥58.00 | ..."
        ("kimi-k2-thinking-turbo", "output", "standard", "58.00"),
        # Lines 50-52: kimi-latest by request context range (model cell spans three rows).
        ("kimi-latest", "input", "context=0-8192", "2.00"),
        ("kimi-latest", "output", "context=0-8192", "10.00"),
        ("kimi-latest", "input", "context=8192-32768", "5.00"),
        ("kimi-latest", "output", "context=32768-131072", "30.00"),
        ("kimi-latest", "cache_read", "context=32768-131072", "1.00"),
        # Lines 64 and 69: "| moonshot-v1-8k | 1M tokens | ￥2.00 | ￥10.00 | 8,192 tokens |",
        # "| moonshot-v1-128k-vision-preview | 1M tokens | ￥10.00 | ￥30.00 | 131,072 tokens |"
        ("moonshot-v1-8k", "input", "standard", "2.00"),
        ("moonshot-v1-128k-vision-preview", "output", "standard", "30.00"),
    ],
)
def test_hand_checked_cny_prices(model: str, fld: str, tier: str, amount: str) -> None:
    rate = _rate(_parse_text(_page()), model, fld, tier)
    assert rate.value == Decimal(amount)
    assert (rate.currency, rate.unit, rate.status) == ("CNY", "usd_per_mtok", "verified")


def test_context_length_is_not_a_price_and_v1_has_no_cache_price() -> None:
    result = _parse_text(_page())
    assert {r.field for r in result.rates} == {"cache_read", "input", "output"}
    assert not [r for r in result.rates if r.model.startswith("moonshot-v1") and r.field == "cache_read"]
    assert len(result.models) == 12
    assert all(r.currency == "CNY" for r in result.rates)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("kimi-k2-0905-preview", ("kimi-k2-0905-preview", [])),
        ("kimi-k2-turbo-preview推荐", ("kimi-k2-turbo-preview", [])),
        ("Moonshot-V1-8K", ("moonshot-v1-8k", [])),
        ("kimi-k2-0711-preview（已弃用）", ("kimi-k2-0711-preview", ["deprecated"])),
    ],
)
def test_model_id_is_the_api_id_without_badges(cell: str, expected: tuple[str, list[str]]) -> None:
    assert model_id(cell) == expected


def test_model_id_refuses_unknown_trailing_text() -> None:
    with pytest.raises(ParseError, match="moonshot"):
        model_id("kimi-k2 限时五折")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("≤ 8,192 tokens", "context=0-8192"),
        ("8,192 < 长度 ≤ 32,768 tokens", "context=8192-32768"),
        ("32,768 < length <= 131,072 tokens", "context=32768-131072"),
    ],
)
def test_context_tier(cell: str, expected: str) -> None:
    assert context_tier(cell) == expected


def test_deprecated_marker_becomes_one_flag_row() -> None:
    text = _mangle(_page(), "| kimi-k2-0711-preview |", "| kimi-k2-0711-preview（已弃用） |")
    result = _parse_text(text)
    flag = _rate(result, "kimi-k2-0711-preview", "deprecated")
    assert (flag.unit, flag.value) == ("flag", None)
    assert _rate(result, "kimi-k2-0711-preview", "input").value == Decimal(4)


def test_english_labels_and_dollar_prices() -> None:
    page = (
        "| Model | Unit | Input Price (Cache Hit) | Input Price (Cache Miss) | Output Price "
        "| Context Length |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| kimi-k2-0905-preview | 1M tokens | $0.15 | $0.60 | $2.50 | 262,144 tokens |\n"
        "| kimi-k2-thinking | 1M tokens | - | $0.60 | $2.50 | 262,144 tokens |\n"
    )
    result = _parse_text(page)
    assert _rate(result, "kimi-k2-0905-preview", "cache_read").value == Decimal("0.15")
    miss = _rate(result, "kimi-k2-0905-preview", "input")
    assert (miss.value, miss.currency) == (Decimal("0.60"), "USD")
    dash = _rate(result, "kimi-k2-thinking", "cache_read")
    assert (dash.status, dash.value, dash.reason) == ("not_offered", None, "page shows '-'")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| 输出价格 | 模型上下文长度 |", "| 输出费用 | 模型上下文长度 |", "unknown column"),
        (
            "| kimi-k2-0905-preview | 1M tokens |",
            "| kimi-k2-0905-preview | 1K tokens |",
            "expected prices per '1M tokens'",
        ),
        ("| ￥1.00 | ￥4.00 | ￥16.00 | 262,144", "| ￥1.00 | 4.00 | ￥16.00 | 262,144", "expected a price"),
        ("| ≤ 8,192 tokens |", "| 8k 以内 |", "unreadable request context range"),
        (
            "| 8,192 < 长度 ≤ 32,768 tokens | 1M tokens |",
            "| 8,192 < 长度 ≤ 32,768 tokens | 1M tokens | ￥9.00 |",
            "unrecognised text",
        ),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match="moonshot") as err:
        _parse_text(_mangle(_page(), old, new))
    assert message in str(err.value)


def test_page_without_price_tables_is_refused() -> None:
    text = "\n".join(line for line in _page().splitlines() if not line.startswith("|"))
    with pytest.raises(ParseError, match=f"moonshot: no price table found in {URL}"):
        _parse_text(text)
