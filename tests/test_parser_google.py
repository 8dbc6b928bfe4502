"""The Gemini API parser on every bundled capture: hand-checked values, golden, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import GOLDEN_DIR, check_golden
from ratecard.parsers import google
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, tier

CAPTURES = files("ratecard") / "captures" / "google"
HTML = "undated__gemini-api-pricing.excerpt.html"
MARKDOWN = "2025-10-15__gemini-api-pricing.jina.md"
URL = "https://ai.google.dev/gemini-api/docs/pricing"
SHORT = tier(context="<=200k")
LONG = tier(context=">200k")
#: The undated excerpt's content is ~mid/late 2026 (SOURCES.tsv); the parser ignores the date.
FETCHED = datetime(2026, 9, 1, tzinfo=UTC)


def body(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def run(data: bytes | None = None) -> Parsed:
    return google.parse(body(HTML) if data is None else data, URL, FETCHED)


def mangled(old: str, new: str, count: int = 1) -> bytes:
    text = body(HTML).decode()
    assert old in text
    return text.replace(old, new, count).encode()


def rate(result: Parsed, model: str, field: str, key: str = "standard") -> ParsedRate:
    found = [r for r in result.rates if (r.model, r.field, r.tier) == (model, field, key)]
    assert len(found) == 1, f"{(model, field, key)} parsed {len(found)} times"
    return found[0]


def value(result: Parsed, model: str, field: str, key: str = "standard") -> Decimal | None:
    return rate(result, model, field, key).value


def test_every_capture_is_bundled_and_tested() -> None:
    assert sorted(p.name for p in CAPTURES.iterdir()) == sorted([HTML, MARKDOWN])


def test_golden() -> None:
    check_golden(run(), GOLDEN_DIR / "google" / f"{HTML}.json")


def test_values_checked_by_hand() -> None:
    r = run()
    assert r.display_names["gemini-2.5-pro"] == "Gemini 2.5 Pro"  # line 118 data-text
    # Lines 31, 36, 41: gemini-3.5-flash (no context split: plain "standard" tier).
    assert value(r, "gemini-3.5-flash", "input") == Decimal("1.50")
    assert value(r, "gemini-3.5-flash", "output") == Decimal("9.00")
    assert value(r, "gemini-3.5-flash", "cache_read") == Decimal("0.15")
    storage = rate(r, "gemini-3.5-flash", "cache_storage")
    assert (storage.value, storage.unit) == (Decimal("1.00"), "usd_per_mtok_hour")
    # Line 46: "... then $14 per 1,000 requests." -> $0.014 per request.
    search = rate(r, "gemini-3.5-flash", "web_search")
    assert (search.value, search.unit) == (Decimal("0.014"), "usd_per_request")
    # Lines 89 and 99: per-modality prices of gemini-3.1-flash-lite.
    assert value(r, "gemini-3.1-flash-lite", "input") == Decimal("0.25")
    assert value(r, "gemini-3.1-flash-lite", "audio_input") == Decimal("0.50")
    assert value(r, "gemini-3.1-flash-lite", "audio_cache_read") == Decimal("0.05")
    # Lines 146, 151, 156: gemini-2.5-pro's <= 200k / > 200k prompt tiers.
    assert value(r, "gemini-2.5-pro", "input", SHORT) == Decimal("1.25")
    assert value(r, "gemini-2.5-pro", "input", LONG) == Decimal("2.50")
    assert value(r, "gemini-2.5-pro", "output", LONG) == Decimal("15.00")
    assert value(r, "gemini-2.5-pro", "cache_read", SHORT) == Decimal("0.125")
    assert value(r, "gemini-2.5-pro", "cache_storage") == Decimal("4.50")
    # Line 166: "10,000 RPD (free), then $25 / 1,000 grounded prompts".
    assert value(r, "gemini-2.5-pro", "maps_grounding") == Decimal("0.025")
    # No split prices under "standard" for a model whose page splits them.
    assert not [
        x
        for x in r.rates
        if x.model == "gemini-2.5-pro" and x.field == "input" and x.tier == "standard"
    ]


def test_free_tier_is_not_read() -> None:
    """Every free-tier cell says "Free of charge"; none of them may become a $0 price."""
    assert all(r.value != 0 for r in run().rates)


def test_context_tier_is_read_from_the_words_not_the_line_order() -> None:
    old = "$1.25, prompts <= 200k tokens<br>$2.50, prompts > 200k tokens"
    r = run(mangled(old, "$2.50, prompts > 200k tokens<br>$1.25, prompts <= 200k tokens"))
    assert value(r, "gemini-2.5-pro", "input", SHORT) == Decimal("1.25")
    assert value(r, "gemini-2.5-pro", "input", LONG) == Decimal("2.50")


def test_tab_label_places_the_prices() -> None:
    """Under a "Batch" tab heading the same rows are batch prices of the same tier."""
    r = run(mangled('data-text="Standard" tabindex="-1">Standard</h3>', 'tabindex="-1">Batch</h3>'))
    assert value(r, "gemini-3.5-flash", "batch_input") == Decimal("1.50")
    assert value(r, "gemini-3.5-flash", "batch_cache_read") == Decimal("0.15")
    assert not [x for x in r.rates if x.model == "gemini-3.5-flash" and x.field == "input"]


def test_markdown_capture_is_refused() -> None:
    """The jina markdown lost every model heading: its tables must not be attributed by guess."""
    with pytest.raises(ParseError, match=r"^google: cannot attribute prices to models") as err:
        google.parse(body(MARKDOWN), URL, datetime(2025, 10, 15, tzinfo=UTC))
    assert "have no model heading" in str(err.value)
    assert err.value.vendor == "google"


def test_model_id_rule() -> None:
    assert google.model_id(" Gemini-2.5-Pro ") == "gemini-2.5-pro"
    with pytest.raises(ParseError, match="google"):
        google.model_id("Gemini 2.5 Pro")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('<code translate="no" dir="ltr">gemini-3.5-flash</code>', "", "model ids"),
        ("Paid Tier, per 1M tokens in USD", "Paid Tier, per Image in USD", "not priced per 1M"),
        ("Paid Tier, per 1M tokens in USD", "Pay-as-you-go", "no 'Paid Tier' column"),
        ("<td>Input price</td>", "<td>Prompt price</td>", "unknown pricing row"),
        ('tabindex="-1">Standard</h3>', 'tabindex="-1">Pricing</h3>', "no tab heading"),
        ("<td>$9.00</td>", "<td>$9.00 per image</td>", "unread words"),
        ("$0.50 (audio)", "$0.50 (audio / video)", "cannot tell which field"),
        ("then $14 per 1,000 requests.", "then pay as you go.", "unreadable grounding price"),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=rf"^google: .*{message}"):
        run(mangled(old, new))


def test_page_without_pricing_tables_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^google: no pricing table"):
        run(mangled('class="pricing-table"', 'class="other"', count=3))
