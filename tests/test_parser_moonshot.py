"""Moonshot parser: CNY prices found by Chinese or English labels, context tiers, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from golden import GOLDEN_DIR, check_golden, mangle, rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.markdown import clean_cell
from ratecard.parsers.moonshot import VENDOR, context_tier, model_id, parse, price_field

URL = "https://platform.moonshot.ai/docs/pricing/chat"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2025-12-20__platform-pricing-chat.md"
CAPTURE_NAMES = sorted(
    p.name for p in CAPTURES.iterdir() if p.is_file() and p.name != "SOURCES.tsv"
)  # not the manifest
WHEN = datetime(2025, 12, 20, tzinfo=UTC)


def _page() -> str:
    return (CAPTURES / PAGE).read_text(encoding="utf-8")


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


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
    rate = rate_of(_parse_text(_page()), model, fld, tier)
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
    text = mangle(_page(), "| kimi-k2-0711-preview |", "| kimi-k2-0711-preview（已弃用） |")
    result = _parse_text(text)
    flag = rate_of(result, "kimi-k2-0711-preview", "deprecated")
    assert (flag.unit, flag.value) == ("flag", None)
    assert rate_of(result, "kimi-k2-0711-preview", "input").value == Decimal(4)


def test_english_labels_and_dollar_prices() -> None:
    page = (
        "| Model | Unit | Input Price (Cache Hit) | Input Price (Cache Miss) | Output Price "
        "| Context Length |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| kimi-k2-0905-preview | 1M tokens | $0.15 | $0.60 | $2.50 | 262,144 tokens |\n"
        "| kimi-k2-thinking | 1M tokens | - | $0.60 | $2.50 | 262,144 tokens |\n"
    )
    result = _parse_text(page)
    assert rate_of(result, "kimi-k2-0905-preview", "cache_read").value == Decimal("0.15")
    miss = rate_of(result, "kimi-k2-0905-preview", "input")
    assert (miss.value, miss.currency) == (Decimal("0.60"), "USD")
    dash = rate_of(result, "kimi-k2-thinking", "cache_read")
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
        _parse_text(mangle(_page(), old, new))
    assert message in str(err.value)


def test_page_without_price_tables_is_refused() -> None:
    text = "\n".join(line for line in _page().splitlines() if not line.startswith("|"))
    with pytest.raises(ParseError, match=f"moonshot: no price table found in {URL}"):
        _parse_text(text)


# --- Later layouts found in public mirrors (short copies): English headers, context windows,
# --- kimi-k2.5/k2.6, Batch API tables.

#: platform.moonshot.ai/docs/guide/kimi-k2-5-quickstart, "Model Pricing" (2026): ``<br>`` in headers.
ENGLISH_K25 = (
    "## Model Pricing\n\n"
    "| Model | Unit | Input Price<br>（Cache Hit） | Input Price<br>（Cache Miss） | Output Price | Context Window |\n"
    "| --- | --- | --- | --- | --- | --- |\n"
    "| kimi-k2.5 | 1M tokens | $0.10 | $0.60 | $3.00 | 262,144 tokens |\n"
)

#: The Chinese page in 2026: "上下文窗口" column, kimi-k2.6, and a Batch API section.
CHINESE_2026 = """### 9.2 Kimi K2.6 定价

| 模型 | 计费单位 | 输入价格（缓存命中） | 输入价格（缓存未命中） | 输出价格 | 上下文窗口 |
|------|---------|-------------------|---------------------|---------|----------|
| kimi-k2.6 | 1M tokens | ¥1.10 | ¥6.50 | ¥27.00 | 262,144 tokens |
| kimi-k2.5 | 1M tokens | ¥0.70 | ¥4.00 | ¥21.00 | 262,144 tokens |

此处 1M = 1,000,000，表格中的价格代表每消耗 1M tokens 的价格。

### 9.3 批量推理定价

Batch API 即批量推理 API，批量推理 API 费用为标准模型价格的 **60%**，适合大规模、低实时性要求的任务场景。

| 模型 | 计费单位 | 输入价格（缓存命中） | 输入价格（缓存未命中） | 输出价格 | 上下文窗口 |
|------|---------|-------------------|---------------------|---------|----------|
| kimi-k2.6（Batch） | 1M tokens | ¥0.66 | ¥3.90 | ¥16.20 | 262,144 tokens |
| kimi-k2.5（Batch） | 1M tokens | ¥0.42 | ¥2.40 | ¥12.60 | 262,144 tokens |

### 9.4 联网搜索定价

| 工具名称 | 计费单位 | 价格 | 说明 |
|---------|---------|------|------|
| 联网搜索 | 1 次 | ￥0.03 | 触发 `$web_search` 工具调用，计费一次 |
"""


def test_english_page_with_br_headers_and_context_window() -> None:
    result = _parse_text(ENGLISH_K25)
    # "| kimi-k2.5 | 1M tokens | $0.10 | $0.60 | $3.00 | 262,144 tokens |"
    assert {r.field: (r.value, r.currency) for r in result.rates} == {
        "cache_read": (Decimal("0.10"), "USD"),
        "input": (Decimal("0.60"), "USD"),
        "output": (Decimal("3.00"), "USD"),
    }


@pytest.mark.parametrize(
    ("model", "fld", "amount"),
    [
        # "| kimi-k2.6 | 1M tokens | ¥1.10 | ¥6.50 | ¥27.00 | 262,144 tokens |"
        ("kimi-k2.6", "cache_read", "1.10"),
        ("kimi-k2.6", "input", "6.50"),
        ("kimi-k2.6", "output", "27.00"),
        # "| kimi-k2.6（Batch） | 1M tokens | ¥0.66 | ¥3.90 | ¥16.20 | 262,144 tokens |"
        ("kimi-k2.6", "batch_cache_read", "0.66"),
        ("kimi-k2.6", "batch_input", "3.90"),
        ("kimi-k2.6", "batch_output", "16.20"),
        # "| kimi-k2.5（Batch） | 1M tokens | ¥0.42 | ¥2.40 | ¥12.60 | 262,144 tokens |"
        ("kimi-k2.5", "batch_output", "12.60"),
        ("kimi-k2.5", "input", "4.00"),
    ],
)
def test_batch_section_prices_batch_fields(model: str, fld: str, amount: str) -> None:
    rate = rate_of(_parse_text(CHINESE_2026), model, fld)
    assert (rate.value, rate.currency) == (Decimal(amount), "CNY")


def test_batch_badge_alone_or_heading_alone_marks_batch() -> None:
    no_heading = CHINESE_2026.replace("### 9.3 批量推理定价", "### 9.3").replace(
        "Batch API 即批量推理 API，批量推理 API 费用为标准模型价格的 **60%**，适合大规模、低实时性要求的任务场景。\n",
        "",
    )
    assert rate_of(_parse_text(no_heading), "kimi-k2.6", "batch_input").value == Decimal("3.90")
    no_badge = CHINESE_2026.replace("（Batch）", "")
    assert rate_of(_parse_text(no_badge), "kimi-k2.6", "batch_input").value == Decimal("3.90")


def test_units_stated_in_the_headers_replace_the_unit_column() -> None:
    page = (
        "| Model | Input ($/1M tokens) | Output ($/1M tokens) |\n| --- | --- | --- |\n"
        "| kimi-k2.6 | $0.95 | $4.00 |\n"
    )
    assert rate_of(_parse_text(page), "kimi-k2.6", "output").value == Decimal("4.00")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("输入价格 （缓存命中）", "cache_read"),
        ("Input Price<br>（Cache Miss）", "input"),
        ("Output Price ($/1M tokens)", "output"),
        ("Batch Input Price", "batch_input"),
        ("模型上下文长度", None),
    ],
)
def test_price_field_reads_header_words(header: str, expected: str | None) -> None:
    assert price_field(clean_cell(header)) == expected


LATER_REFUSED = [
    pytest.param(
        [("| 输入价格（缓存未命中） | 输出价格 |", "| 输入价格（缓存写入） | 输出价格 |")],
        "unknown column '输入价格（缓存写入）'",
        id="cache-write-column",
    ),
    pytest.param(
        [("| 输出价格 | 上下文窗口 |", "| 输出价格（1K tokens） | 上下文窗口 |")],
        "unknown column",
        id="per-1k",
    ),
    pytest.param(
        [("### 9.3 批量推理定价", "### 9.3"), ("| kimi-k2.5（Batch） |", "| kimi-k2.5 |")],
        "mixes batch and standard rows",
        id="one-badge-missing",
    ),
    pytest.param(
        [("### 9.3 批量推理定价", "### 9.3"), ("（Batch）", "")],
        "mentions batch pricing",
        id="batch-only-in-the-text-above",
    ),
]


@pytest.mark.parametrize(("edits", "message"), LATER_REFUSED)
def test_later_layout_mangled_is_refused(edits: list[tuple[str, str]], message: str) -> None:
    text = CHINESE_2026
    for old, new in edits:
        text = mangle(text, old, new)
    with pytest.raises(ParseError, match=r"^moonshot: ") as err:
        _parse_text(text)
    assert message in str(err.value)


# --- The Kimi K3 page as the Mintlify .md export serves it: a JSX <DocTable>, not a pipe table. ---

K3 = (
    Path(__file__).parent / "fixtures" / "captures" / VENDOR / "undated__platform-kimi-pricing-chat-k3.mdx.md"
)
K3_URL = "https://platform.kimi.com/docs/pricing/chat-k3.md"


def _k3(text: str | None = None) -> Parsed:
    body = (text if text is not None else K3.read_text(encoding="utf-8")).encode("utf-8")
    return parse(body, K3_URL, WHEN)


def test_k3_golden() -> None:
    check_golden(_k3(), GOLDEN_DIR / VENDOR / f"{K3.name}.json")


def test_k3_values_checked_by_hand() -> None:
    result = _k3()
    # The page prices one model, three ways. rows={[["kimi-k3", "1M tokens", "¥2.00", "¥20.00", "¥100.00",
    # "1,048,576 tokens"]]} under columns 模型 | 计费单位 | 输入价格（缓存命中） | 输入价格（缓存未命中） | 输出价格 | 上下文窗口
    hit = rate_of(result, "kimi-k3", "cache_read")
    assert (hit.value, hit.currency, hit.unit) == (Decimal("2.00"), "CNY", "usd_per_mtok")
    miss = rate_of(result, "kimi-k3", "input")
    assert (miss.value, miss.currency, miss.unit) == (Decimal("20.00"), "CNY", "usd_per_mtok")
    out = rate_of(result, "kimi-k3", "output")
    assert (out.value, out.currency, out.unit) == (Decimal("100.00"), "CNY", "usd_per_mtok")
    assert {r.status for r in result.rates} == {"verified"}
    # "1,048,576 tokens" is the context window (上下文窗口), an attribute, not a price.
    assert len(result.rates) == 3 and result.models == {"kimi-k3"}
    assert result.display_names == {"kimi-k3": "kimi-k3"}
    assert result.notes == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"¥100.00", "1,048,576 tokens"]', '"¥100.00"]', "does not have the 6 columns"),
        ('"¥20.00"', "PRICE_MISS", "not a literal"),
        (
            '{ title: "输出价格", width: "14%" }',
            '{ title: "输出价格（1K tokens）", width: "14%" }',
            "unknown column",
        ),
        ('"1M tokens", "¥2.00"', '"1K tokens", "¥2.00"', "expected prices per '1M tokens'"),
        ('"¥2.00"', '"2.00"', "expected a price such as"),
    ],
    ids=["ragged-row", "variable", "header-renamed", "unit-changed", "currency-missing"],
)
def test_k3_mangled_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^moonshot: ") as err:
        _k3(mangle(K3.read_text(encoding="utf-8"), old, new))
    assert message in str(err.value)


def test_a_published_usd_price_is_preferred_over_the_cny_one() -> None:
    # The international platform's price beside the Chinese one, for one model.
    usd = '[["kimi-k3", "1M tokens", "$0.30", "$3.00", "$15.00", "1,048,576 tokens"]]'
    text = K3.read_text(encoding="utf-8").replace(
        "/>\n\n此处",
        '/>\n\n<DocTable\n  columns={[{title: "Model"}, {title: "Unit"}, {title: "Input Price (Cache Hit)"}, '
        '{title: "Input Price (Cache Miss)"}, {title: "Output Price"}, {title: "Context Window"}]}\n'
        f"  rows={{{usd}}}\n/>\n\n此处",
    )
    result = _k3(text)
    out = rate_of(result, "kimi-k3", "output")
    assert (out.value, out.currency) == (Decimal("15.00"), "USD")
    assert {r.currency for r in result.rates} == {"USD"}
    assert (
        "not stored: kimi-k3 output (standard) also published as CNY 100; the published USD price is stored"
        in (result.notes)
    )


def test_two_prices_in_one_currency_are_still_refused() -> None:
    page = (
        _page()
        + "\n\n| 模型 | 计费单位 | 输入价格 | 输出价格 |\n| --- | --- | --- | --- |\n| moonshot-v1-8k | 1M tokens | ￥3.00 | ￥10.00 |\n"
    )
    with pytest.raises(ParseError, match="moonshot: duplicate rate"):
        _parse_text(page)
