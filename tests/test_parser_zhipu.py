"""Z.AI (Zhipu) parser: text models with cached input, tools, images; per-video prices noted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import mangle, rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.zhipu import VENDOR, model_id, parse

URL = "https://docs.z.ai/guides/overview/pricing.md"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2025-11-26__docs-z-ai-pricing.firecrawl.md"
WHEN = datetime(2025, 11, 26, tzinfo=UTC)


def _text() -> str:
    return (CAPTURES / PAGE).read_text(encoding="utf-8")


def _parse(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


BY_HAND = [
    # Text Models ("Prices per 1M tokens."), header "| Model. | Input | Cached Input | Cached Input Storage
    # | Output |": "| GLM-4.6 | $0.6 | $0.11 | Limited-time Free | $2.2 |"
    ("glm-4.6", "input", "0.6", "usd_per_mtok"),
    ("glm-4.6", "cache_read", "0.11", "usd_per_mtok"),
    ("glm-4.6", "output", "2.2", "usd_per_mtok"),
    # "| GLM-4.5V | $0.6 | $0.11 | Limited-time Free | $1.8 |"
    ("glm-4.5v", "output", "1.8", "usd_per_mtok"),
    # "| GLM-4.5-X | $2.2 | $0.45 | Limited-time Free | $8.9 |"
    ("glm-4.5-x", "input", "2.2", "usd_per_mtok"),
    ("glm-4.5-x", "cache_read", "0.45", "usd_per_mtok"),
    ("glm-4.5-x", "output", "8.9", "usd_per_mtok"),
    # "| GLM-4.5-Air | $0.2 | $0.03 | Limited-time Free | $1.1 |"
    ("glm-4.5-air", "cache_read", "0.03", "usd_per_mtok"),
    # "| GLM-4.5-AirX | $1.1 | $0.22 | Limited-time Free | $4.5 |"
    ("glm-4.5-airx", "output", "4.5", "usd_per_mtok"),
    # "| GLM-4-32B-0414-128K | $0.1 | - | - | $0.1 |"
    ("glm-4-32b-0414-128k", "input", "0.1", "usd_per_mtok"),
    # "| GLM-4.5-Flash | Free | Free | Free | Free |"
    ("glm-4.5-flash", "output", "0", "usd_per_mtok"),
    # Built-in Tools: "| Web Search | $0.01 / use |"
    ("web-search", "web_search", "0.01", "usd_per_request"),
    # Image Generation Models ("Prices per image."): "| CogView-4 | $0.01 |"
    ("cogview-4", "image_generation", "0.01", "usd_per_image"),
]


@pytest.mark.parametrize(("model", "fld", "amount", "unit"), BY_HAND)
def test_hand_checked_prices(model: str, fld: str, amount: str, unit: str) -> None:
    rate = rate_of(_parse(_text()), model, fld)
    assert (rate.value, rate.unit, rate.currency, rate.status) == (Decimal(amount), unit, "USD", "verified")


def test_dash_is_not_offered_and_an_all_free_row_is_a_free_model() -> None:
    result = _parse(_text())
    dash = rate_of(result, "glm-4-32b-0414-128k", "cache_read")
    assert (dash.status, dash.value, dash.reason) == ("not_offered", None, "page shows '-'")
    assert rate_of(result, "glm-4.5-flash", "free").reason == "page shows 'Free'"
    assert rate_of(result, "glm-4.5-flash", "input").value == 0
    assert not [r for r in result.rates if r.field == "free" and r.model != "glm-4.5-flash"]


# --- Recall: every price the page prints, stored or on the reviewed list. ---

TEXT_MODELS = ("glm-4.6", "glm-4.5", "glm-4.5v", "glm-4.5-x", "glm-4.5-air", "glm-4.5-airx", "glm-4.5-flash")
STORED = {
    *((m, f) for m in TEXT_MODELS for f in ("input", "cache_read", "output")),
    ("glm-4-32b-0414-128k", "input"),
    ("glm-4-32b-0414-128k", "cache_read"),  # '-': not offered
    ("glm-4-32b-0414-128k", "output"),
    ("glm-4.5-flash", "free"),
    ("web-search", "web_search"),
    ("cogview-4", "image_generation"),
}
#: Printed but not stored, reviewed: (column whose note says so, what and why).
NOT_MODELLED = [
    (
        "Cached Input Storage",
        "8 cells (Limited-time Free x6, '-', 'Free'): a price over time whose "
        "period the page does not state; 'Limited-time Free' has no list price anyway",
    ),
    (
        "Price",
        "7 video models per video + 'Popular Special Effects Video Templates' $0.2 / video: no "
        "per-video unit in ratecard.units",
    ),
    (
        "Price",
        "GLM Slide/Poster Agent $0.7 / MTok, General-Purpose Translation $3 / MTok: per token, "
        "but not said to be input or output",
    ),
]


def test_recall_every_printed_price_is_stored_or_reviewed() -> None:
    result = _parse(_text())
    assert {(r.model, r.field) for r in result.rates} == STORED
    assert [n.split(" not stored")[0] for n in result.notes] == [col for col, _ in NOT_MODELLED]
    storage, video, agents = result.notes
    assert storage.count("Limited-time Free") == 6 and "GLM-4-32B-0414-128K '-'" in storage
    assert video.count("$0.") == 8 and "per video" in video
    assert "$0.7 / MTok" in agents and "$3 / MTok" in agents and "not said to be input or output" in agents


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GLM-4.5-AirX", "glm-4.5-airx"),
        ("GLM-4-32B-0414-128K", "glm-4-32b-0414-128k"),
        ("Web Search", "web-search"),
    ],
)
def test_model_id(name: str, expected: str) -> None:
    assert model_id(name) == expected


def test_model_id_refuses_what_is_not_a_name() -> None:
    with pytest.raises(ParseError, match="zhipu: unrecognised model name"):
        model_id("GLM Slide/Poster Agent(beta)")


def test_header_typo_and_its_correction_read_alike() -> None:
    fixed = mangle(_text(), "| Model. |", "| Model |")
    assert _parse(fixed).rates == _parse(_text()).rates


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Cached Input Storage |", "| Cached Input Storage | Batch |", "unknown column 'Batch'"),
        ("| $0.6 | $0.11 |", "| from $0.6 | $0.11 |", "unreadable price 'from $0.6'"),
        ("| $0.6 | $0.11 |", "| 0.6 | $0.11 |", "unreadable price '0.6'"),
        ("| $0.01 |", "| $0.01 / video |", "contradicts 'Prices per image'"),
        ("Prices per 1M tokens.", "Prices per image.", "a price per image in a input column"),
        ("| Model. |", "| Name |", "no text model price table found"),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^zhipu: ") as err:
        _parse(mangle(_text(), old, new))
    assert message in str(err.value)


def test_a_unit_missing_above_the_text_table_is_not_guessed() -> None:
    text = mangle(_text(), "Prices per 1M tokens.", "")
    with pytest.raises(ParseError, match="zhipu: no text model price table found"):
        _parse(text)


@pytest.mark.parametrize(
    ("old", "new", "note"),
    [
        (
            "| GLM-4.6 | $0.6 |",
            "| GLM-4.6 | Free |",
            "Input not stored, 'Free' in a row that is not free throughout: GLM-4.6",
        ),
        (
            "| GLM-4.6 | $0.6 |",
            "| GLM-4.6 | Limited-time Free |",
            "Input not stored, 'Limited-time Free' has no list",
        ),
        (
            "| Web Search | $0.01 / use |",
            "| Code Interpreter | $0.01 / use |",
            "of an item this parser does not know",
        ),
    ],
)
def test_cells_without_a_list_price_are_noted_not_stored(old: str, new: str, note: str) -> None:
    result = _parse(mangle(_text(), old, new))
    assert any(n.startswith(note) or note in n for n in result.notes), result.notes
    assert not [r for r in result.rates if r.value == 0 and r.model != "glm-4.5-flash"]
