"""DeepSeek parser: both page layouts, hand-checked values, and parse-or-refuse on mangled pages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.deepseek import VENDOR, model_id, parse

URL = "https://api-docs.deepseek.com/quick_start/pricing"
CAPTURES = files("ratecard") / "captures" / VENDOR
OLD = "2025-12-20__api-docs-pricing.md"
NEW = "2026-06-02__api-docs-pricing.jina.md"
CAPTURE_NAMES = sorted(
    p.name for p in CAPTURES.iterdir() if p.is_file() and p.name != "SOURCES.tsv"
)  # not the manifest


def _page(name: str) -> str:
    return (CAPTURES / name).read_text(encoding="utf-8")


def _parse_text(text: str, when: datetime = datetime(2026, 6, 2, tzinfo=UTC)) -> Parsed:
    return parse(text.encode("utf-8"), URL, when)


def _fetched(name: str) -> datetime:
    return datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)


def _value(result: Parsed, model: str, fld: str) -> Decimal | None:
    (rate,) = [r for r in result.rates if r.model == model and r.field == fld]
    return rate.value


def _mangle(text: str, old: str, new: str) -> str:
    """Replace text that must exist, so a mangling test cannot pass on an unchanged page."""
    assert old in text, f"fixture text {old!r} not in the page"
    return text.replace(old, new)


def test_both_captures_are_bundled() -> None:
    assert {OLD, NEW} <= set(CAPTURE_NAMES)


def test_2025_page_prices_both_models_from_merged_cells() -> None:
    result = _parse_text(_page(OLD))
    # Capture lines 25-27: "PRICING| 1M INPUT TOKENS (CACHE HIT)| $0.028",
    # "1M INPUT TOKENS (CACHE MISS)| $0.28", "1M OUTPUT TOKENS| $0.42" - one cell for both models.
    for model in ("deepseek-chat", "deepseek-reasoner"):
        assert _value(result, model, "cache_read") == Decimal("0.028")
        assert _value(result, model, "input") == Decimal("0.28")
        assert _value(result, model, "output") == Decimal("0.42")
    assert result.models == {"deepseek-chat", "deepseek-reasoner"}
    assert all(r.currency == "USD" and r.unit == "usd_per_mtok" for r in result.rates)


def test_2026_page_has_a_column_per_model() -> None:
    result = _parse_text(_page(NEW))
    # Capture line 27: "PRICING 1M INPUT TOKENS (CACHE HIT)$0.0028$0.003625"
    assert _value(result, "deepseek-v4-flash", "cache_read") == Decimal("0.0028")
    assert _value(result, "deepseek-v4-pro", "cache_read") == Decimal("0.003625")
    # Line 28: "1M INPUT TOKENS (CACHE MISS)$0.14$0.435"
    assert _value(result, "deepseek-v4-flash", "input") == Decimal("0.14")
    assert _value(result, "deepseek-v4-pro", "input") == Decimal("0.435")
    # Line 29: "1M OUTPUT TOKENS$0.28$0.87"
    assert _value(result, "deepseek-v4-flash", "output") == Decimal("0.28")
    assert _value(result, "deepseek-v4-pro", "output") == Decimal("0.87")


def test_2026_deprecated_names_are_flagged_and_priced_as_their_model() -> None:
    result = _parse_text(_page(NEW))
    # Footnote (1), line 32: deepseek-chat / deepseek-reasoner "will be deprecated on 2026/07/24
    # 15:59 UTC" and "correspond to the non-thinking mode and thinking mode of deepseek-v4-flash".
    for name in ("deepseek-chat", "deepseek-reasoner"):
        (flag,) = [r for r in result.rates if r.model == name and r.field == "deprecated"]
        assert flag.unit == "flag" and flag.value is None
        assert flag.reason is not None and "2026/07/24 15:59 UTC" in flag.reason
        prices = {r.field: r for r in result.rates if r.model == name and r.unit != "flag"}
        assert {f: r.value for f, r in prices.items()} == {
            "cache_read": Decimal("0.0028"),
            "input": Decimal("0.14"),
            "output": Decimal("0.28"),
        }
        assert all(r.status == "inferred" and "deepseek-v4-flash" in str(r.reason) for r in prices.values())
    assert not [r for r in result.rates if r.model.startswith("deepseek-v4") and r.unit == "flag"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("deepseek-chat", "deepseek-chat"), ("DeepSeek-V4-Pro", "deepseek-v4-pro")],
)
def test_model_id_is_the_lowercased_api_id(cell: str, expected: str) -> None:
    assert model_id(cell) == expected


def test_model_id_refuses_a_display_name() -> None:
    with pytest.raises(ParseError, match="deepseek"):
        model_id("DeepSeek V4 Flash")


# --- Mangled pages: each must either parse to the right numbers or refuse. ---

REFUSED = [
    pytest.param(
        OLD,
        "1M OUTPUT TOKENS| $0.42",
        "1M OUTPUT TOKENS| $0.42\nOFF-PEAK 1M OUTPUT TOKENS| $0.21",
        "off-peak",
        id="off-peak-row-added",
    ),
    pytest.param(
        NEW,
        "1M OUTPUT TOKENS$0.28$0.87",
        "1M OUTPUT TOKENS$0.28$0.87\n1M OUTPUT TOKENS (UTC 16:30-00:30)$0.14$0.43",
        "unknown price row",
        id="time-period-row-without-the-word-peak",
    ),
    pytest.param(
        NEW,
        "MODEL deepseek-v4-flash(1)deepseek-v4-pro",
        "MODEL deepseek-v4-flash(1)deepseek-v4-pro UTC 16:30-00:30",
        "unreadable MODEL row",
        id="discount-period-column-in-header",
    ),
    pytest.param(
        NEW,
        "1M INPUT TOKENS (CACHE MISS)$0.14$0.435",
        "1M INPUT TOKENS (CACHE MISS)$0.14$0.435$0.07",
        "3 amounts for 2 models",
        id="extra-price-column",
    ),
    pytest.param(
        OLD,
        "PRICING| 1M INPUT TOKENS (CACHE HIT)| $0.028",
        "PRICING| STANDARD PRICE (UTC 00:30-16:30)| 1M INPUT TOKENS (CACHE HIT)| $0.028",
        "one STANDARD and one DISCOUNT price block",
        id="standard-hours-without-a-discount-block",
    ),
    pytest.param(
        OLD,
        "1M INPUT TOKENS (CACHE MISS)",
        "1M INPUT TOKENS (STANDARD)",
        "unknown price row",
        id="renamed-row-label",
    ),
    pytest.param(
        NEW,
        "1M OUTPUT TOKENS$0.28$0.87",
        "1M OUTPUT TOKENS$0.28$0.87\n1M OUTPUT TOKENS$0.14$0.43",
        "more than one price row",
        id="second-row-for-one-field",
    ),
    pytest.param(
        OLD,
        "1M INPUT TOKENS (CACHE MISS)| $0.28",
        "1M INPUT TOKENS (CACHE MISS)| $0.28 (50% OFF)",
        "50% off",
        id="discount-note-in-cell",
    ),
    pytest.param(
        OLD,
        "1M INPUT TOKENS (CACHE MISS)| $0.28",
        "1M INPUT TOKENS (CACHE MISS)| $0.28 (UTC 00:30-16:30)",
        "unreadable price row",
        id="time-window-in-cell",
    ),
    pytest.param(
        OLD,
        "1M INPUT TOKENS (CACHE HIT)| $0.028",
        "1M INPUT TOKENS (CACHE HIT)| ¥0.2",
        "unreadable price row",
        id="currency-changed",
    ),
    pytest.param(
        NEW,
        "thinking mode of `deepseek-v4-flash`, respectively",
        "thinking mode of `deepseek-v4-flash` and `deepseek-v4-pro`, respectively",
        "cannot tell which priced model",
        id="deprecated-names-mapped-to-two-models",
    ),
    pytest.param(
        OLD,
        "**MODEL|  deepseek-chat| deepseek-reasoner",
        "**Model Name|  DeepSeek Chat| DeepSeek Reasoner",
        "no price table found in https://api-docs.deepseek.com",
        id="model-row-renamed",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), REFUSED)
def test_mangled_page_is_refused(name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match="deepseek") as err:
        _parse_text(_mangle(_page(name), old, new))
    assert message.lower() in str(err.value).lower()


def test_page_without_the_table_is_refused() -> None:
    text = _page(NEW)
    start, end = text.index("**MODEL"), text.index("500**") + len("500**")
    with pytest.raises(ParseError, match="deepseek: no price table found in"):
        _parse_text(text[:start] + text[end:])


def test_older_label_order_and_shuffled_rows_parse_the_same() -> None:
    text = _mangle(_page(OLD), "1M INPUT TOKENS (CACHE MISS)| $0.28  \n", "")
    text = _mangle(
        text,
        "1M OUTPUT TOKENS| $0.42",
        "1M TOKENS OUTPUT| $0.42\n1M TOKENS INPUT (CACHE MISS)| $0.28",
    )
    assert sorted(_parse_text(text).rates, key=repr) == sorted(_parse_text(_page(OLD)).rates, key=repr)


def test_footnote_marks_on_labels_are_ignored() -> None:
    text = _mangle(_page(OLD), "1M OUTPUT TOKENS| $0.42", "1M OUTPUT TOKENS(5)| $0.42")
    assert _value(_parse_text(text), "deepseek-reasoner", "output") == Decimal("0.42")


def test_a_third_model_column_is_read_with_its_own_prices() -> None:
    text = _page(NEW)
    for old, new in [
        ("deepseek-v4-flash(1)deepseek-v4-pro", "deepseek-v4-flash(1)deepseek-v4-pro deepseek-v5"),
        ("$0.0028$0.003625", "$0.0028$0.003625$0.01"),
        ("$0.14$0.435", "$0.14$0.435$0.5"),
        ("$0.28$0.87", "$0.28$0.87$2"),
    ]:
        text = _mangle(text, old, new)
    result = _parse_text(text)
    assert _value(result, "deepseek-v5", "cache_read") == Decimal("0.01")
    assert _value(result, "deepseek-v5", "input") == Decimal("0.5")
    assert _value(result, "deepseek-v5", "output") == Decimal("2")
    assert _value(result, "deepseek-v4-pro", "output") == Decimal("0.87")


def test_no_cache_split_gives_plain_input() -> None:
    text = _mangle(
        _page(OLD),
        "1M INPUT TOKENS (CACHE HIT)| $0.028  \n1M INPUT TOKENS (CACHE MISS)",
        "1M INPUT TOKENS",
    )
    result = _parse_text(text)
    assert _value(result, "deepseek-chat", "input") == Decimal("0.28")
    assert not [r for r in result.rates if r.field == "cache_read"]


def test_deprecation_without_mapping_only_flags() -> None:
    text = _mangle(
        _page(NEW),
        "For compatibility, they correspond to the non-thinking mode and thinking mode of "
        "`deepseek-v4-flash`, respectively.",
        "Please use `deepseek-v4-flash` instead.",
    )
    result = _parse_text(text)
    assert {r.model for r in result.rates if r.field == "deprecated"} == {
        "deepseek-chat",
        "deepseek-reasoner",
    }
    assert not [r for r in result.rates if r.model == "deepseek-chat" and r.unit != "flag"]


# --- Later and earlier layouts found in public mirrors of the page (short copies). ---

#: The page as r.jina.ai rendered it on 2026-09-24 ("Published Time: Thu, 24 Sep 2026"), trimmed
#: to the table and its footnotes: OFF-PEAK / PEAK rows, labels broken over two lines.
SEP_2026 = "\n".join(
    [
        "Title: Models & Pricing | DeepSeek API Docs",
        "",
        "The prices listed below are in units of per 1M tokens.",
        "",
        "## Model Details",
        "",
        "**MODEL deepseek-flash(1)deepseek-v4-pro",
        "MODEL VERSION DeepSeek-V4.1-Flash DeepSeek-V4-Pro-0813",
        "CONTEXT LENGTH 1M",
        "PRICING(2)1M INPUT TOKENS  ",
        "(CACHE HIT)OFF-PEAK$0.003$0.022",
        "PEAK$0.006$0.044",
        "1M INPUT TOKENS  ",
        "(CACHE MISS)OFF-PEAK$0.15$0.66",
        "PEAK$0.3$1.32",
        "1M OUTPUT TOKENS OFF-PEAK$0.6$1.98",
        "PEAK$1.2$3.96",
        "Concurrency Limit(3)2500 500**",
        "",
        "(1) Use `deepseek-flash` as the model name. The legacy names `deepseek-v4-flash` and "
        "`deepseek-v4-flash-vision-exp` are still accepted, but the corresponding models have been "
        "retired, their requests are served by the DeepSeek-V4.1-Flash model and billed at the Flash price.",
        "",
        "(2) Off-peak rates are half of the peak rates. Peak hours are 01:00 - 04:00 and 06:00 - 10:00 "
        "UTC, Monday through Friday, excluding Chinese public holidays. All other hours are off-peak, "
        "including weekends and Chinese public holidays in full.",
    ]
)
PEAK_HOURS = "01:00-04:00+06:00-10:00utc/mon-fri/excl-cn-holidays"
PEAK = "standard"  # the peak price is the list price
OFF_PEAK = f"peak_hours={PEAK_HOURS};period=off-peak"

#: The 2025 page as copied text (tab-separated cells, full-width brackets, "(50% OFF)" notes).
EARLY_2025 = "\n".join(
    [
        "Pricing Details",
        "MODEL(1)\tdeepseek-chat\tdeepseek-reasoner",
        "CONTEXT LENGTH\t64K\t64K",
        "MAX COT TOKENS(2)\t-\t32K",
        "STANDARD PRICE",
        "（UTC 00:30-16:30）\t1M TOKENS INPUT (CACHE HIT)(4)\t$0.07\t$0.14",
        "1M TOKENS INPUT (CACHE MISS)\t$0.27\t$0.55",
        "1M TOKENS OUTPUT(5)\t$1.10\t$2.19",
        "DISCOUNT PRICE(6)",
        "（UTC 16:30-00:30）\t1M TOKENS INPUT (CACHE HIT)\t$0.035（50% OFF）\t$0.035（75% OFF）",
        "1M TOKENS INPUT (CACHE MISS)\t$0.135（50% OFF）\t$0.135（75% OFF）",
        "1M TOKENS OUTPUT\t$0.550（50% OFF）\t$0.550（75% OFF）",
        "(1) The deepseek-chat model points to DeepSeek-V3. The deepseek-reasoner model points to DeepSeek-R1.",
        "(6) DeepSeek API provides off-peak pricing discounts during 16:30-00:30 UTC each day. "
        "The completion timestamp of each request determines its pricing tier.",
    ]
)
DISCOUNT = "period=16:30-00:30utc"


@pytest.mark.parametrize(
    ("model", "fld", "tier", "amount"),
    [
        # "(CACHE HIT)OFF-PEAK$0.003$0.022" / "PEAK$0.006$0.044"
        ("deepseek-flash", "cache_read", OFF_PEAK, "0.003"),
        ("deepseek-v4-pro", "cache_read", PEAK, "0.044"),
        # "(CACHE MISS)OFF-PEAK$0.15$0.66" / "PEAK$0.3$1.32"
        ("deepseek-flash", "input", OFF_PEAK, "0.15"),
        ("deepseek-flash", "input", PEAK, "0.3"),
        ("deepseek-v4-pro", "input", OFF_PEAK, "0.66"),
        # "1M OUTPUT TOKENS OFF-PEAK$0.6$1.98" / "PEAK$1.2$3.96"
        ("deepseek-flash", "output", PEAK, "1.2"),
        ("deepseek-v4-pro", "output", OFF_PEAK, "1.98"),
        ("deepseek-v4-pro", "output", PEAK, "3.96"),
    ],
)
def test_2026_peak_and_off_peak_rows_are_tiers_keyed_by_the_stated_hours(
    model: str, fld: str, tier: str, amount: str
) -> None:
    rate = rate_of(_parse_text(SEP_2026), model, fld, tier)
    assert (rate.value, rate.status, rate.unit) == (Decimal(amount), "verified", "usd_per_mtok")


def test_2026_peak_page_prices_peak_as_standard_and_legacy_names_as_flash() -> None:
    result = _parse_text(SEP_2026)
    tiers = {r.tier for r in result.rates if r.unit != "flag"}
    assert tiers == {"standard", OFF_PEAK}
    # Footnote (1): legacy names "billed at the Flash price" -> flagged, priced as deepseek-flash.
    for name in ("deepseek-v4-flash", "deepseek-v4-flash-vision-exp"):
        (flag,) = [r for r in result.rates if r.model == name and r.unit == "flag"]
        assert flag.field == "legacy"
        legacy = rate_of(result, name, "input", PEAK)
        assert (legacy.value, legacy.status) == (Decimal("0.3"), "inferred")
        assert "deepseek-flash" in str(legacy.reason)
    assert result.models == {
        "deepseek-flash",
        "deepseek-v4-pro",
        "deepseek-v4-flash",
        "deepseek-v4-flash-vision-exp",
    }


def test_weekday_peak_hours_without_holidays_give_their_own_key() -> None:
    # The August 2026 wording of footnote (2), before holidays were excluded from peak hours.
    august = (
        "(2) Off-peak rates are half of the peak rates. Peak hours are 01:00 - 04:00 and 06:00 - 10:00 "
        "UTC, Monday through Friday (all other hours are off-peak)."
    )
    text = SEP_2026[: SEP_2026.index("(2) Off-peak")] + august
    key = "peak_hours=01:00-04:00+06:00-10:00utc/mon-fri;period=off-peak"
    assert rate_of(_parse_text(text), "deepseek-flash", "output", "standard").value == Decimal("1.2")
    assert rate_of(_parse_text(text), "deepseek-flash", "output", key).value == Decimal("0.6")


@pytest.mark.parametrize(
    ("model", "fld", "tier", "amount"),
    [
        # "（UTC 00:30-16:30）\t1M TOKENS INPUT (CACHE HIT)(4)\t$0.07\t$0.14"
        ("deepseek-chat", "cache_read", "standard", "0.07"),
        ("deepseek-reasoner", "cache_read", "standard", "0.14"),
        # "1M TOKENS OUTPUT(5)\t$1.10\t$2.19"
        ("deepseek-reasoner", "output", "standard", "2.19"),
        # "1M TOKENS INPUT (CACHE MISS)\t$0.135（50% OFF）\t$0.135（75% OFF）" under DISCOUNT PRICE
        ("deepseek-chat", "input", DISCOUNT, "0.135"),
        ("deepseek-reasoner", "input", DISCOUNT, "0.135"),
        # "1M TOKENS OUTPUT\t$0.550（50% OFF）\t$0.550（75% OFF）"
        ("deepseek-reasoner", "output", DISCOUNT, "0.55"),
    ],
)
def test_2025_standard_and_discount_blocks(model: str, fld: str, tier: str, amount: str) -> None:
    assert rate_of(_parse_text(EARLY_2025), model, fld, tier).value == Decimal(amount)


PERIOD_REFUSED = [
    pytest.param(
        SEP_2026, "PEAK$1.2$3.96\n", "", "expected one OFF-PEAK and one PEAK row", id="peak-row-missing"
    ),
    pytest.param(
        SEP_2026,
        "Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC",
        "Peak hours are 09:00 - 12:00 and 14:00 - 18:00 Beijing Time",
        "page mentions 'Peak'",
        id="peak-hours-not-in-utc",
    ),
    pytest.param(
        SEP_2026,
        "Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC, Monday through Friday, excluding Chinese "
        "public holidays. ",
        "",
        "states no peak hours",
        id="peak-hours-removed",
    ),
    pytest.param(SEP_2026, "PEAK$0.3$1.32", "PEAK$0.35$1.32", "not half of peak", id="off-peak-not-half"),
    pytest.param(
        SEP_2026,
        "1M OUTPUT TOKENS OFF-PEAK$0.6$1.98\nPEAK$1.2$3.96",
        "1M OUTPUT TOKENS$1.2$3.96",
        "mixes plain and time-of-day",
        id="plain-row-among-period-rows",
    ),
    pytest.param(
        SEP_2026,
        "billed at the Flash price.",
        "billed at the Flash price. deepseek-v4-pro is 75% off until 2026/10/31.",
        "75% off",
        id="promotion-sentence",
    ),
    pytest.param(
        SEP_2026,
        "billed at the Flash price",
        "billed at the DeepSeek price",
        "cannot tell which priced model",
        id="legacy-target-ambiguous",
    ),
    pytest.param(
        EARLY_2025,
        "（UTC 16:30-00:30）\t1M TOKENS INPUT (CACHE HIT)",
        "（UTC 16:30-01:30）\t1M TOKENS INPUT (CACHE HIT)",
        "do not cover the day",
        id="windows-overlap",
    ),
    pytest.param(
        EARLY_2025,
        "discounts during 16:30-00:30 UTC each day",
        "discounts during 17:30-00:30 UTC each day",
        "footnote discount hours 17:30-00:30 differ",
        id="footnote-window-differs",
    ),
    pytest.param(
        EARLY_2025,
        "1M TOKENS OUTPUT\t$0.550（50% OFF）\t$0.550（75% OFF）\n",
        "",
        "price different rows",
        id="discount-block-lacks-output",
    ),
    pytest.param(
        EARLY_2025,
        "DISCOUNT PRICE(6)\n（UTC 16:30-00:30）\t",
        "DISCOUNT PRICE(6)\t",
        "unknown price row",
        id="discount-block-without-hours",
    ),
]


@pytest.mark.parametrize(("page", "old", "new", "message"), PERIOD_REFUSED)
def test_unreadable_period_pricing_is_refused(page: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^deepseek: ") as err:
        _parse_text(_mangle(page, old, new))
    assert message in str(err.value)
