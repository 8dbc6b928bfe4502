"""xAI parser: the models page without its table (JS-rendered) is refused; the models page with
its Pricing column and the pricing page are read by each table's header."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import mangle, rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.xai import VENDOR, model_id, parse, product_id

URL = "https://docs.x.ai/docs/models"
CAPTURES = files("ratecard") / "captures" / VENDOR
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.name != "SOURCES.tsv")
WHEN = datetime(2025, 12, 20, tzinfo=UTC)
NO_TABLE = "2025-12-20__docs-models-and-pricing.md"
MODELS_PAGE = "2025-12-31__docs-models.md"
PRICING_PAGE = "2026-05-27__docs-pricing.jina.md"

#: What the rendered page's table looks like, reduced to markdown (values as on docs.x.ai).
RENDERED = """
## Model Pricing

| Model | Context | Input | Cached input | Output |
| --- | --- | --- | --- | --- |
| grok-4-0709 | 256,000 | $3.00 / 1M tokens | $0.75 / 1M tokens | $15.00 / 1M tokens |
| grok-3-mini (deprecated) | 131,072 | $0.30 / 1M tokens | $0.075 / 1M tokens | $0.50 / 1M tokens |
| grok-2-image-1212 | - | $0.002 / 1K tokens | - | $0.01 / 1K tokens |
"""


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


def test_every_capture_is_bundled_and_tested() -> None:
    assert CAPTURE_NAMES == [NO_TABLE, MODELS_PAGE, PRICING_PAGE]


def test_capture_without_price_table_is_refused() -> None:
    # The capture keeps "## Model Pricing" but the table under it was rendered by JavaScript.
    with pytest.raises(ParseError, match=f"^xai: no price table found in {URL}"):
        parse((CAPTURES / NO_TABLE).read_bytes(), URL, WHEN)


def _capture(name: str) -> str:
    return (CAPTURES / name).read_text(encoding="utf-8")


def _parse_capture(name: str, text: str | None = None) -> Parsed:
    day = datetime.fromisoformat(name[:10]).replace(tzinfo=UTC)
    return parse((text if text is not None else _capture(name)).encode("utf-8"), URL, day)


def test_models_page_values_checked_by_hand() -> None:
    r = _parse_capture(MODELS_PAGE)
    # Line 38: "| Language models |  | Per million tokens |" says what the Pricing cells hold.
    # Line 39: "| grok-4-1-fast-reasoning | ... | $0.20$0.50 |" -> input $0.20, output $0.50.
    assert rate_of(r, "grok-4-1-fast-reasoning", "input").value == Decimal("0.20")
    assert rate_of(r, "grok-4-1-fast-reasoning", "output").value == Decimal("0.50")
    # Line 41: "| grok-code-fast-1 | ... | $0.20$1.50 |".
    assert rate_of(r, "grok-code-fast-1", "output").value == Decimal("1.50")
    # Line 44: "| grok-4-0709 | ... | $3.00$15.00 |".
    assert rate_of(r, "grok-4-0709", "input").value == Decimal("3.00")
    assert rate_of(r, "grok-4-0709", "output").value == Decimal("15.00")
    # Line 45: "| grok-3-mini | ... | $0.30$0.50 |".
    assert rate_of(r, "grok-3-mini", "input").value == Decimal("0.30")
    # Line 47: "| grok-2-vision-1212 | ... | $2.00$10.00 |".
    assert rate_of(r, "grok-2-vision-1212", "output").value == Decimal("10.00")
    # Lines 48-49: "Image generation models | | Per image output", "| grok-2-image-1212 | ... | $0.07 |".
    image = rate_of(r, "grok-2-image-1212", "image_generation")
    assert (image.value, image.unit) == (Decimal("0.07"), "usd_per_image")
    # Line 76: "| **Web Search** | $5 | ..." under "Cost per 1,000 calls".
    search = rate_of(r, "web-search", "web_search")
    assert (search.value, search.unit) == (Decimal("5"), "usd_per_1k_requests")
    # Line 82: "| **Collections Search** | $2.50 | ...".
    assert rate_of(r, "collections-search", "request").value == Decimal("2.50")
    # Line 107: "| Documents Search | $2.50/1k requests |".
    assert rate_of(r, "documents-search", "request").unit == "usd_per_1k_requests"
    # Context ("2,000,000") and rate limits ("4Mtpm480rpm") describe models: nothing stored.
    assert {x.field for x in r.rates} == {"input", "output", "image_generation", "web_search", "request"}


def test_pricing_page_values_checked_by_hand() -> None:
    r = _parse_capture(PRICING_PAGE)
    # Line 14 "Prices per 1M tokens"; line 18: "| grok-build-0.1 | 256k | $1.00 | $0.20 | $2.00 |".
    assert rate_of(r, "grok-build-0.1", "input").value == Decimal("1.00")
    assert rate_of(r, "grok-build-0.1", "cache_read").value == Decimal("0.20")
    # Line 19: "| grok-4.3 | 1M | $1.25 | $0.20 | $2.50 |".
    assert rate_of(r, "grok-4.3", "output").value == Decimal("2.50")
    # Line 26: "| grok-imagine-image Text, Image → Image | $0.002 / img | 1K | $0.02 / img |".
    analysis = rate_of(r, "grok-imagine-image", "image_analysis")
    assert (analysis.value, analysis.unit) == (Decimal("0.002"), "usd_per_image")
    # Line 29: "| 2K | $0.07 / img |" continues grok-imagine-image-quality.
    assert rate_of(r, "grok-imagine-image-quality", "image_generation", "resolution=2k").value == Decimal(
        "0.07"
    )
    # Line 30: media input "$0.01 / sec$0.002 / img" -- two prices in one cell.
    assert rate_of(r, "grok-imagine-video", "video_analysis").unit == "usd_per_second"
    assert rate_of(r, "grok-imagine-video", "image_analysis").value == Decimal("0.002")
    # Line 33: "| 720p | $0.14 / sec |" continues grok-imagine-video-1.5-preview.
    video = rate_of(r, "grok-imagine-video-1.5-preview", "video_generation", "resolution=720p")
    assert (video.value, video.unit) == (Decimal("0.14"), "usd_per_second")
    # Line 39: "| Text to Speech | $15.00 / 1M chars |".
    assert rate_of(r, "text-to-speech", "speech_generation").unit == "usd_per_mchars"
    # Line 40: "| Speech to Text | $0.10 / hr (REST),$0.20 / hr (Streaming) |".
    assert rate_of(r, "speech-to-text", "transcription_hours", "mode=streaming").value == Decimal("0.20")
    # Line 63: "| File Attachments | attachment_search | ... | $10 / 1k calls |".
    assert rate_of(r, "file-attachments", "request").value == Decimal("10")
    # Line 105: "| File storage | $0.025 / GiB / day |".
    storage = rate_of(r, "file-storage", "file_storage")
    assert (storage.value, storage.unit) == (Decimal("0.025"), "usd_per_gb_day")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # Three amounts where the group row names two prices (input and output): refused.
        ("| $3.00$15.00 |", "| $3.00$0.75$15.00 |", "not one price each for input and output"),
        # One amount where two are due: not split by guess.
        ("| $3.00$15.00 |", "| $3.00 |", "not one price each for input and output"),
        # Without the group row nothing says what the Pricing cells hold.
        ("| Language models |  | Per million tokens |\n", "", "no group row"),
    ],
)
def test_models_page_pricing_cell_is_split_by_its_group_not_guessed(old: str, new: str, message: str) -> None:
    page = mangle(_capture(MODELS_PAGE), old, new)
    with pytest.raises(ParseError, match=rf"^xai: .*{message}"):
        _parse_capture(MODELS_PAGE, page)


def test_pricing_page_continuation_row_without_a_model_above_is_refused() -> None:
    page = mangle(
        _capture(PRICING_PAGE), "| [grok-imagine-image](", "| 1K | $0.02 / img |\n| [grok-imagine-image]("
    )
    with pytest.raises(ParseError, match=r"^xai: "):
        _parse_capture(PRICING_PAGE, page)


def test_tool_invocation_table_is_not_a_model_table() -> None:
    page = (CAPTURES / NO_TABLE).read_text(encoding="utf-8")
    assert "| Tool | Cost per 1,000 calls | Description |" in page
    with pytest.raises(ParseError, match="xai: no price table found"):
        _parse_text(page)


def test_rendered_model_table_is_read() -> None:
    result = _parse_text(RENDERED)
    assert rate_of(result, "grok-4-0709", "input").value == Decimal(3)
    assert rate_of(result, "grok-4-0709", "cache_read").value == Decimal("0.75")
    assert rate_of(result, "grok-4-0709", "output").value == Decimal(15)
    assert rate_of(result, "grok-3-mini", "output").value == Decimal("0.5")
    assert rate_of(result, "grok-3-mini", "deprecated").unit == "flag"
    # Per-1K-token prices are stored per MTok, exactly x1000.
    assert rate_of(result, "grok-2-image-1212", "input").value == Decimal(2)
    assert rate_of(result, "grok-2-image-1212", "cache_read").status == "not_offered"
    assert {r.currency for r in result.rates} == {"USD"}
    assert not [r for r in result.rates if r.field == "context"]


def test_rendered_table_inside_the_real_capture_is_read() -> None:
    page = (CAPTURES / NO_TABLE).read_text(encoding="utf-8")
    page = page.replace("## Model Pricing\n", RENDERED, 1)
    assert rate_of(_parse_text(page), "grok-4-0709", "output").value == Decimal(15)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Cached input |", "| Live search |", "unknown column 'Live search'"),
        ("$15.00 / 1M tokens", "$15.00", "no unit stated for grok-4-0709"),
        (
            "$3.00 / 1M tokens",
            "$3.00 / 1k requests",
            "per-token column but the page says usd_per_1k_requests",
        ),
        ("$3.00 / 1M tokens", "$3.00 / 1M requests", "unreadable price"),
        ("$3.00 / 1M tokens", "€3.00 / 1M tokens", "unreadable price"),
    ],
)
def test_mangled_rendered_table_is_refused(old: str, new: str, message: str) -> None:
    assert old in RENDERED
    with pytest.raises(ParseError, match="xai") as err:
        _parse_text(RENDERED.replace(old, new))
    assert message in str(err.value)


def test_long_context_row_is_a_context_tier() -> None:
    """A model cell naming a prompt bound prices that tier of the model (never a new model)."""
    row = "| grok-4-0709 (>128K context) | 256,000 | $6.00 / 1M tokens | $1.50 / 1M tokens | $30.00 / 1M tokens |\n"
    result = _parse_text(RENDERED + row)
    assert rate_of(result, "grok-4-0709", "input", "context>128k").value == Decimal(6)
    assert rate_of(result, "grok-4-0709", "input").value == Decimal(3)


def test_product_id_rule() -> None:
    assert product_id("Text to Speech") == "text-to-speech"
    assert product_id("**Web Search**") == "web-search"


@pytest.mark.parametrize(("name", "expected"), [("grok-4-0709", "grok-4-0709"), ("Grok 4", "grok-4")])
def test_model_id(name: str, expected: str) -> None:
    assert model_id(name) == expected


def test_model_id_refuses_non_grok_names() -> None:
    with pytest.raises(ParseError, match="xai: unrecognised model name"):
        model_id("Web Search")
