"""The OpenAI parser on every bundled capture: hand-checked values, goldens, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import GOLDEN_DIR, check_golden
from ratecard.parsers import openai
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, tier

CAPTURES = files("ratecard") / "captures" / "openai"
DEC_20 = "2025-12-20__platform-docs-pricing.md"
OCT_15 = "2025-10-15__platform-docs-pricing.jina.md"
HTML = "undated__developers-openai-pricing.excerpt.html"
URL = "https://platform.openai.com/docs/pricing"
FLEX = tier(service="flex")
PRIORITY = tier(service="priority")
FINE_TUNED = tier(variant="fine-tuned")
FINE_TUNED_SHARING = tier(variant="fine-tuned", data_sharing="yes")
#: Capture dates from the file names; the undated excerpt's content is ~Aug-Sep 2026 (SOURCES.tsv).
FETCHED = {
    DEC_20: datetime(2025, 12, 20, tzinfo=UTC),
    OCT_15: datetime(2025, 10, 15, tzinfo=UTC),
    HTML: datetime(2026, 9, 1, tzinfo=UTC),
}


def body(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def run(name: str, data: bytes | None = None) -> Parsed:
    return openai.parse(body(name) if data is None else data, URL, FETCHED[name])


def rate(result: Parsed, model: str, field: str, key: str = "standard") -> ParsedRate:
    found = [r for r in result.rates if (r.model, r.field, r.tier) == (model, field, key)]
    assert len(found) == 1, f"{(model, field, key)} parsed {len(found)} times"
    return found[0]


def value(result: Parsed, model: str, field: str, key: str = "standard") -> Decimal | None:
    return rate(result, model, field, key).value


def test_every_capture_is_bundled_and_tested() -> None:
    assert sorted(p.name for p in CAPTURES.iterdir()) == sorted(FETCHED)


@pytest.mark.parametrize("name", sorted(FETCHED))
def test_golden(name: str) -> None:
    check_golden(run(name), GOLDEN_DIR / "openai" / f"{name}.json")


def test_dec20_values_checked_by_hand() -> None:
    r = run(DEC_20)
    # Line 18, first table under "Text tokens", labelled "Batch" on line 11.
    assert value(r, "gpt-5-mini", "batch_input") == Decimal("0.125")
    assert value(r, "gpt-5-mini", "batch_cache_read") == Decimal("0.0125")
    # Line 46 (Flex), line 58 (Standard), line 109 (Priority).
    assert value(r, "gpt-5-mini", "output", FLEX) == Decimal("1.00")
    assert value(r, "gpt-5-mini", "input") == Decimal("0.25")
    assert value(r, "gpt-5-mini", "cache_read") == Decimal("0.025")
    assert value(r, "gpt-5-mini", "output") == Decimal("2.00")
    assert value(r, "gpt-5-mini", "input", PRIORITY) == Decimal("0.45")
    # Line 72: "| gpt-4o-2024-05-13 | $5.00 | - | $15.00 |" -- the dash is a not-offered marker.
    dash = rate(r, "gpt-4o-2024-05-13", "cache_read")
    assert (dash.value, dash.status, dash.reason) == (None, "not_offered", "page shows '-'")
    # Lines 144 and 153: gpt-realtime image and audio tokens.
    assert value(r, "gpt-realtime", "image_input") == Decimal("5.00")
    assert rate(r, "gpt-realtime", "image_output").status == "not_offered"
    assert value(r, "gpt-realtime", "audio_output") == Decimal("64.00")
    # Line 197 (Standard fine-tuning): training per hour; line 182 (Batch) fine-tuned inference.
    training = rate(r, "o4-mini-2025-04-16", "training", FINE_TUNED)
    assert (training.value, training.unit) == (Decimal("100.00"), "usd_per_hour")
    assert value(r, "o4-mini-2025-04-16", "output", FINE_TUNED) == Decimal("16.00")
    assert value(r, "o4-mini-2025-04-16", "batch_input", FINE_TUNED) == Decimal("2.00")
    # Line 198: the data-sharing row is its own tier of the same model.
    assert value(r, "o4-mini-2025-04-16", "input", FINE_TUNED_SHARING) == Decimal("2.00")
    # Line 262: gpt-4o-mini-tts audio output; line 307: embeddings with batch cost.
    assert value(r, "gpt-4o-mini-tts", "audio_output") == Decimal("12.00")
    assert value(r, "text-embedding-3-small", "batch_input") == Decimal("0.01")


def test_oct15_values_checked_by_hand() -> None:
    r = run(OCT_15)
    # Lines 14, 39, 49, 89: gpt-5 under the Batch, Flex, Standard and Priority labels.
    assert value(r, "gpt-5", "batch_output") == Decimal("5.00")
    assert value(r, "gpt-5", "cache_read", FLEX) == Decimal("0.0625")
    assert value(r, "gpt-5", "input") == Decimal("1.25")
    assert value(r, "gpt-5", "output", PRIORITY) == Decimal("20.00")
    # Line 42 (Flex) vs line 27 (Batch, cached input '-').
    assert value(r, "o3", "cache_read", FLEX) == Decimal("0.25")
    assert rate(r, "o3", "batch_cache_read").status == "not_offered"
    # Line 165: training per MTok; line 150: batch fine-tuned output.
    training = rate(r, "gpt-4.1-2025-04-14", "training", FINE_TUNED)
    assert (training.value, training.unit) == (Decimal("25.00"), "usd_per_mtok")
    assert value(r, "gpt-4.1-2025-04-14", "batch_output", FINE_TUNED) == Decimal("6.00")
    # Lines 288 and 310: legacy babbage-002 (Batch then Standard).
    assert value(r, "babbage-002", "batch_input") == Decimal("0.20")
    assert value(r, "babbage-002", "input") == Decimal("0.40")
    # Not on this earlier page: the 2025-12-20 capture adds gpt-5.1 and gpt-5.2.
    assert "gpt-5.1" not in r.models


def test_html_rendered_table_values_checked_by_hand() -> None:
    r = run(HTML)
    # The rendered table's rows: "Codex | gpt-5.3-codex | $1.75 | $0.175 | $14.00" and
    # "ChatGPT | chat-latest | $5.00 | $0.50 | $30.00".
    assert value(r, "gpt-5.3-codex", "input") == Decimal("1.75")
    assert value(r, "gpt-5.3-codex", "cache_read") == Decimal("0.175")
    assert value(r, "gpt-5.3-codex", "output") == Decimal("14.00")
    assert value(r, "chat-latest", "output") == Decimal("30.00")
    # The props JSON's rows (gpt-5.6-sol ...) have no column names on the page: not read.
    assert r.models == {"chat-latest", "gpt-5.3-codex"}


def test_tier_follows_the_label_not_the_position() -> None:
    """Swap the Batch and Standard labels: the prices must follow the labels."""
    text = body(DEC_20).decode()
    swapped = text.replace(
        "\nBatch\n\n| Model | Input | Cached", "\nSWAP\n\n| Model | Input | Cached", 1
    )
    swapped = swapped.replace(
        "\nStandard\n\n| Model | Input | Cached input",
        "\nBatch\n\n| Model | Input | Cached input",
        1,
    )
    swapped = swapped.replace("\nSWAP\n", "\nStandard\n", 1)
    r = run(DEC_20, swapped.encode())
    assert value(r, "gpt-5-mini", "input") == Decimal("0.125")
    assert value(r, "gpt-5-mini", "batch_input") == Decimal("0.25")


def test_model_id_rule() -> None:
    assert openai.model_id(" GPT-4.1 ") == "gpt-4.1"
    assert openai.model_id("o4-mini-2025-04-16") == "o4-mini-2025-04-16"
    with pytest.raises(ParseError, match="openai"):
        openai.model_id("GPT Image 1")


def mangled(name: str, old: str, new: str) -> bytes:
    text = body(name).decode()
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        # The "Batch" label above the first text table removed: only the flattened tab bar is left.
        (
            DEC_20,
            "BatchFlexStandardPriority\n\nBatch\n",
            "BatchFlexStandardPriority\n",
            "which tab",
        ),
        (OCT_15, "Prices per 1M tokens.\n\nBatch\n", "Prices per 1M tokens.\n", "which tab"),
        (
            DEC_20,
            "| Model | Input | Cached input | Output |",
            "| Model | Input | Cached | Output |",
            "unknown price column",
        ),
        (DEC_20, "| gpt-5-mini | $0.25 |", "| gpt-5-mini | 25 cents |", "unreadable price"),
        (DEC_20, "### Text tokens", "### Tokens", "unknown price section"),
        (HTML, ">Cached input</th>", ">Cached</th>", "unknown price column"),
        (HTML, '<table style="width:100%;min-width:720px', '<div x="', "no text token price table"),
    ],
)
def test_mangled_page_is_refused(name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=rf"^openai: .*{message}"):
        run(name, mangled(name, old, new))


def test_tabs_that_disagree_on_training_are_refused() -> None:
    data = mangled(
        OCT_15, "| gpt-4.1-2025-04-14 | $25.00 | $1.50", "| gpt-4.1-2025-04-14 | $24.00 | $1.50"
    )
    with pytest.raises(ParseError, match="tabs disagree"):
        run(OCT_15, data)
