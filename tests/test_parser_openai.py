"""The OpenAI parser on every bundled capture: hand-checked values, goldens, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest

from ratecard import tiers
from ratecard.parsers import openai
from ratecard.parsers.base import Parsed, ParsedRate, ParseError

CAPTURES = files("ratecard") / "captures" / "openai"
DEC_20 = "2025-12-20__platform-docs-pricing.md"
OCT_15 = "2025-10-15__platform-docs-pricing.jina.md"
NOV_21 = "2025-11-21__platform-docs-pricing.copy.md"
DEV = "2026-06-26__developers-openai-api-docs-pricing.md"
HTML = "undated__developers-openai-pricing.excerpt.html"
URL = "https://platform.openai.com/docs/pricing"
FLEX = tiers.make(service="flex")
PRIORITY = tiers.make(service="priority")
FINE_TUNED = tiers.make(variant="fine-tuned")
FINE_TUNED_SHARING = tiers.make(variant="fine-tuned", data_sharing="yes")
#: Capture dates from the file names; the undated excerpt's content is ~Aug-Sep 2026 (SOURCES.tsv).
FETCHED = {
    DEC_20: datetime(2025, 12, 20, tzinfo=UTC),
    OCT_15: datetime(2025, 10, 15, tzinfo=UTC),
    NOV_21: datetime(2025, 11, 21, tzinfo=UTC),
    DEV: datetime(2026, 6, 26, tzinfo=UTC),
    HTML: datetime(2026, 9, 1, tzinfo=UTC),
}
LONG = tiers.make(context="long")
REGIONAL = tiers.make(processing="regional")


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
    assert sorted(p.name for p in CAPTURES.iterdir() if p.name != "SOURCES.tsv") == sorted(FETCHED)


SHARED_HEADER = (
    "saved_path",
    "origin_repo",
    "path_in_repo",
    "commit_sha",
    "commit_date",
    "original_url",
    "size_bytes",
    "note",
)


@pytest.mark.parametrize("vendor", ["openai", "google", "xai"])
def test_capture_manifest_lists_every_capture(vendor: str) -> None:
    """``SOURCES.tsv`` has the shared manifest's columns and one row per capture of the folder."""
    folder = files("ratecard") / "captures" / vendor
    rows = [line.split("\t") for line in (folder / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()]
    assert tuple(rows[0]) == SHARED_HEADER
    assert all(len(r) == len(SHARED_HEADER) for r in rows)
    names = sorted(p.name for p in folder.iterdir() if p.name != "SOURCES.tsv")
    assert sorted(r[0] for r in rows[1:]) == [f"{vendor}/{n}" for n in names]
    for r in rows[1:]:
        assert int(r[6]) == len((folder / r[0].split("/", 1)[1]).read_bytes())  # size_bytes


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
    training = rate(r, "o4-mini-2025-04-16", "training_hours", FINE_TUNED)
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


def test_developers_page_values_checked_by_hand() -> None:
    r = run(DEV)
    # Line 16, under the "Standard" label (line 11): "| gpt-5.5 | $5.00 | $0.50 | $30.00 |
    # $10.00 | $1.00 | $45.00 |" -- short context is the plain rate, long context its own tier.
    assert value(r, "gpt-5.5", "input") == Decimal("5.00")
    assert value(r, "gpt-5.5", "cache_read", LONG) == Decimal("1.00")
    assert value(r, "gpt-5.5", "output", LONG) == Decimal("45.00")
    # Line 17: gpt-5.5-pro's cached input is "-" in both groups.
    assert rate(r, "gpt-5.5-pro", "cache_read", LONG).status == "not_offered"
    # Line 34, "Batch" (line 27): "| gpt-5.4 | $1.25 | $0.13 | $7.50 | $2.50 | $0.25 | $11.25 |".
    assert value(r, "gpt-5.4", "batch_cache_read") == Decimal("0.13")
    assert value(r, "gpt-5.4", "batch_output", LONG) == Decimal("11.25")
    # Line 51, "Flex" (line 43): "| gpt-5.4-mini | $0.375 | $0.0375 | $2.25 | - | - | - |".
    assert value(r, "gpt-5.4-mini", "cache_read", FLEX) == Decimal("0.0375")
    # Line 64, "Priority" (line 59): "| gpt-5.5 | $12.50 | $1.25 | $75.00 | - | - | - |".
    assert value(r, "gpt-5.5", "output", PRIORITY) == Decimal("75.00")
    # Line 23: "... charged a 10% uplift ..." under the Standard table: 1.1 x $5.00, inferred.
    regional = rate(r, "gpt-5.5", "input", REGIONAL)
    assert (regional.value, regional.status) == (Decimal("5.5"), "inferred")
    assert regional.reason is not None and regional.reason.startswith("Regional processing (data residency)")
    # Lines 80-81: gpt-realtime-2 Audio row, then the "| Text | $4.00 | $0.40 | $24.00 |" row.
    assert value(r, "gpt-realtime-2", "audio_output") == Decimal("64.00")
    assert value(r, "gpt-realtime-2", "output") == Decimal("24.00")
    # Line 83: "| gpt-realtime-translate | Audio | - | - | $0.034 / minute |".
    translate = rate(r, "gpt-realtime-translate", "audio_duration")
    assert (translate.value, translate.unit) == (Decimal("0.034"), "usd_per_minute")
    # Line 118 (Batch image generation): "| Text | $2.50 | $0.63 | $5.00 |" under gpt-image-1.5.
    assert value(r, "gpt-image-1.5", "batch_cache_read") == Decimal("0.63")
    # Line 137: "| 1080p | 1080x1920 | 1920x1080 | $0.70 |" under sora-2-pro, per second.
    sora = rate(r, "sora-2-pro", "video_generation", tiers.make(resolution="1080x1920"))
    assert (sora.value, sora.unit) == (Decimal("0.70"), "usd_per_second")
    # Line 167: "1 GB $0.03, 4 GB $0.12, 16 GB $0.48, 64 GB $1.92 per 20-minute session per container."
    box = rate(r, "containers", "code_container", tiers.make(memory="16gb"))
    assert (box.value, box.unit) == (Decimal("0.48"), "usd_per_container")
    # Line 169: "| Tool call | $2.50 / 1k calls |" (File search row above it).
    call = rate(r, "file-search", "file_search")
    assert (call.value, call.unit) == (Decimal("2.50"), "usd_per_1k_requests")
    # Line 195: "| o4-mini-deep-research | $1.00 | - | $4.00 |" under "Deep research", Batch tab.
    assert value(r, "o4-mini-deep-research", "batch_output") == Decimal("4.00")
    # Line 226: fine-tuning training per hour, in every tab.
    training = rate(r, "o4-mini-2025-04-16", "training_hours", FINE_TUNED)
    assert (training.value, training.unit) == (Decimal("100.00"), "usd_per_hour")


def test_developers_page_lists_only_flagship_models() -> None:
    """The page shows the Flagship table (6 models) and an "All models" toggle it did not
    expand: 29 priced ids in all, against 76 on the October page (see the report)."""
    assert len(run(DEV).models) == 29
    assert len(run(OCT_15).models) == 76


def test_docs_md_export_values_checked_by_hand() -> None:
    r = run(NOV_21)
    # Line 4 "### " titled by line 6 "Text tokens"; line 14 under "Batch" (line 10).
    assert value(r, "gpt-5.1", "batch_input") == Decimal("0.625")
    # Line 45 (Flex, line 36): "|o4-mini|$0.55|$0.138|$2.20|".
    assert value(r, "o4-mini", "cache_read", FLEX) == Decimal("0.138")
    # Line 51 (Standard, line 47): "|gpt-5.1|$1.25|$0.125|$10.00|".
    assert value(r, "gpt-5.1", "output") == Decimal("10.00")
    # Line 104 (Priority, line 92): "|gpt-4o|$4.25|$2.125|$17.00|".
    assert value(r, "gpt-4o", "cache_read", PRIORITY) == Decimal("2.125")
    # Line 126, "Image tokens" (line 120): "|gpt-image-1|$10.00|$2.50|$40.00|".
    assert value(r, "gpt-image-1", "image_output") == Decimal("40.00")
    # Line 147, "Audio tokens": "|gpt-4o-audio-preview|$40.00|-|$80.00|".
    assert value(r, "gpt-4o-audio-preview", "audio_input") == Decimal("40.00")
    # Line 162, "Video": "|sora-2-pro|Portrait: 1024x1792 Landscape: 1792x1024|$0.50|".
    assert value(r, "sora-2-pro", "video_generation", tiers.make(resolution="1024x1792")) == Decimal("0.50")
    # Line 177: "|o4-mini-2025-04-16with data sharing|..." -- the note glued to the id.
    assert value(r, "o4-mini-2025-04-16", "batch_output", FINE_TUNED_SHARING) == Decimal("4.00")
    # Line 212: "1 GB (default): $0.03 / container4 GB: $0.12 / container16 GB: ...".
    assert value(r, "containers", "code_container", tiers.make(memory="4gb")) == Decimal("0.12")
    # Line 214: "|File search tool callResponses API only|$2.50 / 1k calls|".
    assert value(r, "file-search", "file_search") == Decimal("2.50")
    # Line 272: "|TTS|Speech generation|$15.00 / 1M characters|".
    tts = rate(r, "tts", "speech_generation")
    assert (tts.value, tts.unit) == (Decimal("15.00"), "usd_per_mchars")
    # Line 289: "|Medium|$0.011|$0.015|$0.015|" under GPT Image 1 Mini, sizes of line 283.
    small = tiers.make(quality="medium", size="1024x1536")
    assert value(r, "gpt-image-1-mini", "image_generation", small) == Decimal("0.015")
    # Lines 291-297: the DALL·E rows follow "||" rows that lost their size header: not stored.
    assert not {"dall-e-2", "dall-e-3"} & r.models
    assert any("DALL·E 3" in n and "no size header" in n for n in r.notes)
    # Line 364: legacy "|gpt-3.5-turbo-16k-0613|$3.00|$4.00|" under Standard (line 346).
    assert value(r, "gpt-3.5-turbo-16k-0613", "output") == Decimal("4.00")


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
    swapped = text.replace("\nBatch\n\n| Model | Input | Cached", "\nSWAP\n\n| Model | Input | Cached", 1)
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
        (DEC_20, "### Text tokens", "### Tokens", "no text token price table"),
        (HTML, ">Cached input</th>", ">Cached</th>", "unknown price column"),
        (HTML, '<table style="width:100%;min-width:720px', '<div x="', "no text token price table"),
    ],
)
def test_mangled_page_is_refused(name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=rf"^openai: .*{message}"):
        run(name, mangled(name, old, new))


def test_tabs_that_disagree_on_training_are_refused() -> None:
    data = mangled(OCT_15, "| gpt-4.1-2025-04-14 | $25.00 | $1.50", "| gpt-4.1-2025-04-14 | $24.00 | $1.50")
    with pytest.raises(ParseError, match="tabs disagree"):
        run(OCT_15, data)


# --- Later versions of the pages -------------------------------------------------------------
# developers.openai.com renders each tab's table inside a content-switcher pane that names the
# tab three times (data-value, a hidden label, the component's ``tier`` prop). The builders
# below reproduce that markup; the prices are those of a later full capture (~Sep 2026).

_TH = 'style="border-bottom:1px solid var(--color-border-default);font-weight:600;text-align:left"'
_TIP = 'style="cursor:help;text-decoration:underline dotted" data-state="closed" tabindex="0"'


def _th(text: str, tip: bool = False, span: int = 1) -> str:
    inner = f'<span aria-label="{text} pricing details" {_TIP}><span>{text}</span></span>'
    colspan = f' colSpan="{span}"' if span > 1 else ""
    return f"<th{colspan} {_TH}>{inner if tip else text}</th>"


def _td(text: str) -> str:
    return (
        f'<td style="padding-top:0.5rem;white-space:pre-line"><span style="display:flex">{text}</span></td>'
    )


def flagship_table(*rows: tuple[str, ...]) -> str:
    """TextTokenPricingTables' rendered table: Short/Long context groups over four columns."""
    group = f"<tr><th {_TH}></th>{_th('Short context', True, 4)}{_th('Long context', True, 4)}</tr>"
    four = _th("Input") + _th("Cached input") + _th("Cache writes", True) + _th("Output", True)
    body = "".join(f"<tr>{''.join(_td(c) for c in row)}</tr>" for row in rows)
    return (
        '<table style="width:100%;table-layout:fixed"><colgroup><col style="width:20%"/></colgroup>'
        f"<thead>{group}<tr>{_th('Model')}{four}{four}</tr></thead><tbody>{body}</tbody></table>"
    )


def simple_table(header: tuple[str, ...], *rows: tuple[str, ...]) -> str:
    """GroupedPricingTable / PricingTable: one header row."""
    head = "".join(_th(h) for h in header)
    body = "".join(f"<tr>{''.join(_td(c) for c in row)}</tr>" for row in rows)
    return (
        f'<table style="width:100%;min-width:720px"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def pane(value: str, label: str, table: str, tier_prop: str | None = None) -> str:
    """A switcher pane: data-value, hidden label, and the island's tier prop all name the tab."""
    props = f"{{&quot;tier&quot;:[0,&quot;{tier_prop or value}&quot;]}}"
    island = (
        f'<astro-island uid="u" component-export="TextTokenPricingTables" props="{props}" ssr '
        f'client="load" await-children><div style="padding-top:0">{table}</div><!--astro:end-->'
        "</astro-island>"
    )
    hidden = "" if value == "standard" else " hidden"
    return (
        f'<div data-content-switcher-pane="true" data-value="{value}"{hidden}>'
        f'<div class="hidden">{label}</div>{island}</div>'
    )


def switcher(name: str, *panes: str) -> str:
    buttons = "".join(
        f'<button type="button" data-content-switcher-option="true" data-value="{v}">{v}</button>'
        for v in ("standard", "batch", "flex", "fast")
    )
    return (
        f'<div id="content-switcher-{name}" class="content-switcher-root" data-content-switcher-root '
        f'data-content-switcher-id="{name}" data-content-switcher-initial="standard">'
        f'<div class="content-switcher-selector"><div role="group">{buttons}</div></div>'
        f'<div class="content-switcher-panes">{"".join(panes)}</div></div>'
    )


def heading(level: int, anchor: str, text: str) -> str:
    return (
        f'<div class="anchor-heading-wrapper"><h{level} id="{anchor}" class="anchor-heading" '
        f'data-anchor-id="{anchor}"><p>{text}</p><svg width="15"></svg></h{level}></div>'
    )


SOL = "gpt-5.6-sol"
TERRA = "gpt-5.6-terra"
LUNA = "gpt-5.6-luna"
FLAGSHIP = switcher(
    "latest-pricing",
    pane(
        "standard",
        "Standard",
        flagship_table(
            (SOL, "$4.00", "$0.40", "$5.00", "$20.00", "$8.00", "$0.80", "$10.00", "$30.00"),
            (TERRA, "$2.00", "$0.20", "$2.50", "$12.00", "$4.00", "$0.40", "$5.00", "$18.00"),
            (LUNA, "$0.20", "$0.02", "$0.25", "$1.20", "$0.40", "$0.04", "$0.50", "$1.80"),
        ),
    ),
    pane(
        "batch",
        "Batch",
        flagship_table(
            (SOL, "$2.00", "$0.20", "$2.50", "$10.00", "$4.00", "$0.40", "$5.00", "$15.00"),
            (LUNA, "$0.10", "$0.01", "$0.125", "$0.60", "$0.20", "$0.02", "$0.25", "$0.90"),
        ),
    ),
    pane(
        "flex",
        "Flex",
        flagship_table(
            (TERRA, "$1.00", "$0.10", "$1.25", "$6.00", "$2.00", "$0.20", "$2.50", "$9.00"),
        ),
    ),
    pane(
        "fast",
        "Fast mode",
        flagship_table(
            (TERRA, "$4.00", "$0.40", "$5.00", "$24.00", "$8.00", "$0.80", "$10.00", "$36.00"),
            (LUNA, "$0.40", "$0.04", "$0.50", "$2.40", "$0.80", "$0.08", "$1.00", "$3.60"),
        ),
    ),
)
SKIPPED_SECTIONS = (
    heading(2, "cyber-models", "Cyber models")
    + flagship_table(
        (SOL, "$4.00", "$0.40", "$5.00", "$20.00", "$8.00", "$0.80", "$10.00", "$30.00"),
        ("gpt-5.6-cyber", "$12.50", "$1.25", "$15.625", "$75.00", "-", "-", "-", "-"),
    )
    + heading(2, "image-tokens", "Multimodal models")
    + heading(3, "audio-tokens", "Realtime and audio generation models")
    + simple_table(
        ("Model", "Modality", "Input", "Cached input", "Output / cost"),
        ("gpt-realtime-2.1", "Audio", "$32.00", "$0.40", "$64.00"),
    )
    + heading(2, "built-in-tools", "Tools")
    + simple_table(
        ("Tool", "Details", "Pricing"), ("Web search", "Web search (all models)", "$10.00 / 1k calls")
    )
)
SPECIALIZED = heading(2, "specialized-models", "Specialized models") + switcher(
    "specialized-pricing",
    pane(
        "standard",
        "Standard",
        simple_table(
            ("Category", "Model", "Input", "Cached input", "Output"),
            ("ChatGPT", "chat-latest", "$5.00", "$0.50", "$30.00"),
            ("Codex", "gpt-5.3-codex", "$1.75", "$0.175", "$14.00"),
        ),
    ),
)
FINE_TUNING = heading(2, "fine-tuning", "Finetuning") + switcher(
    "ft-pricing",
    *(
        pane(
            value,
            value.title(),
            simple_table(
                ("Model", "Training", "Input", "Cached input", "Output"),
                ("o4-mini-2025-04-16", "$100.00 / hour", *prices),
                ("o4-mini-2025-04-16<br /><small>with data sharing</small>", "$100.00 / hour", *shared),
            ),
        )
        for value, prices, shared in (
            ("standard", ("$4.00", "$1.00", "$16.00"), ("$2.00", "$0.50", "$8.00")),
            ("batch", ("$2.00", "$0.50", "$8.00"), ("$1.00", "$0.25", "$4.00")),
        )
    ),
)


def full_page(*parts: str) -> bytes:
    head = '<!DOCTYPE html><html lang="en"><head><title>Pricing | OpenAI API</title></head><body>'
    nav = '<nav><h3 class="text-xs">Cost and throughput</h3><ul><li>Batch</li></ul></nav>'
    article = f'<article id="mainContent">{"".join(parts)}</article>'
    main = f'<main><h1 class="heading-2xl">Pricing</h1>{article}</main>'
    return f"{head}{nav}{main}</body></html>".encode()


FLAGSHIP_PAGE = (heading(2, "text-tokens", "Flagship models"), FLAGSHIP)


def run_html(data: bytes) -> Parsed:
    return openai.parse(data, "https://developers.openai.com/api/docs/pricing", FETCHED[HTML])


def test_full_html_page_reads_every_rendered_tab() -> None:
    r = run_html(full_page(*FLAGSHIP_PAGE, SKIPPED_SECTIONS, SPECIALIZED, FINE_TUNING))
    assert r.models == {SOL, TERRA, LUNA, "chat-latest", "gpt-5.3-codex", "o4-mini-2025-04-16"}
    # Standard pane: short context is the plain rate, long context its own tier.
    assert value(r, SOL, "input") == Decimal("4.00")
    assert value(r, SOL, "cache_write") == Decimal("5.00")
    assert value(r, SOL, "input", LONG) == Decimal("8.00")
    assert value(r, LUNA, "output", LONG) == Decimal("1.80")
    # The Batch, Flex and Fast mode panes, each by its own label.
    assert value(r, SOL, "batch_input") == Decimal("2.00")
    assert value(r, LUNA, "batch_cache_write") == Decimal("0.125")
    assert value(r, SOL, "batch_output", LONG) == Decimal("15.00")
    assert value(r, TERRA, "input", FLEX) == Decimal("1.00")
    # Fast mode is Priority renamed: it keeps the priority tier key.
    assert value(r, TERRA, "input", PRIORITY) == Decimal("4.00")
    assert value(r, LUNA, "output", tiers.make(context="long", service="priority")) == Decimal("3.60")
    # Sections kept from before, found by their (reworded) headings or anchors.
    assert value(r, "chat-latest", "output") == Decimal("30.00")
    training = rate(r, "o4-mini-2025-04-16", "training_hours", FINE_TUNED)
    assert (training.value, training.unit) == (Decimal("100.00"), "usd_per_hour")
    assert value(r, "o4-mini-2025-04-16", "batch_input", FINE_TUNED_SHARING) == Decimal("1.00")


def test_full_html_page_and_excerpt_agree() -> None:
    """The excerpt's rendered table is the Specialized models table of the full page."""
    full = run_html(full_page(*FLAGSHIP_PAGE, SPECIALIZED))
    excerpt = run(HTML)
    for r in excerpt.rates:
        assert rate(full, r.model, r.field, r.tier) == r


def test_full_html_page_unknown_tab_is_skipped() -> None:
    ultra = pane(
        "ultrafast",
        "Ultrafast",
        flagship_table(
            (SOL, "$9.00", "$0.90", "$9.50", "$90.00", "-", "-", "-", "-"),
        ),
    )
    page = full_page(
        heading(2, "text-tokens", "Flagship models"),
        FLAGSHIP.replace(
            '<div class="content-switcher-panes">', f'<div class="content-switcher-panes">{ultra}'
        ),
    )
    assert golden_rows(run_html(page)) == golden_rows(run_html(full_page(*FLAGSHIP_PAGE)))


def golden_rows(result: Parsed) -> list[tuple[str, str, str, Decimal | None]]:
    return sorted((r.model, r.field, r.tier, r.value) for r in result.rates)


FLEX_PANE = '<div data-content-switcher-pane="true" data-value="flex" hidden><div class="hidden">Flex</div>'


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        # The hidden label says Flex where data-value and the tier prop say Batch.
        ([('<div class="hidden">Batch</div>', '<div class="hidden">Flex</div>')], "conflicting labels"),
        # The Flex pane renamed Standard throughout: two tables claim one tier, other prices.
        (
            [
                (FLEX_PANE, FLEX_PANE.replace("flex", "standard").replace("Flex", "Standard")),
                ("&quot;flex&quot;", "&quot;standard&quot;"),
            ],
            "tabs disagree",
        ),
        # The pane markup is gone but the table still sits in the tab switcher.
        ([('<div data-content-switcher-pane="true" data-value="batch" hidden>', "<div>")], "no tab"),
    ],
)
def test_full_html_page_ambiguous_tabs_are_refused(edits: list[tuple[str, str]], message: str) -> None:
    page = full_page(*FLAGSHIP_PAGE).decode()
    for old, new in edits:
        assert page.count(old) == 1
        page = page.replace(old, new)
    with pytest.raises(ParseError, match=rf"^openai: .*{message}"):
        run_html(page.encode())


EXCERPT_TABLE_START = '<table style="width:100%;min-width:720px'


def excerpt_with_second_table(wrap: bool) -> bytes:
    """The excerpt plus a copy of its rendered table at half price, in a Batch pane or bare."""
    text = body(HTML).decode()
    start = text.index(EXCERPT_TABLE_START)
    end = text.index("</table>", start) + len("</table>")
    half = text[start:end]
    for old, new in (
        ("$5.00", "$2.50"),
        ("$0.50", "$0.25"),
        ("$30.00", "$15.00"),
        ("$1.75", "$0.875"),
        ("$0.175", "$0.0875"),
        ("$14.00", "$7.00"),
    ):
        half = half.replace(f">{old}<", f">{new}<")
    second = pane("batch", "Batch", half) if wrap else half
    return (text[:end] + second + text[end:]).encode()


def test_excerpt_with_a_second_table_labelled_batch() -> None:
    r = run_html(excerpt_with_second_table(wrap=True))
    assert value(r, "chat-latest", "batch_input") == Decimal("2.50")
    assert value(r, "gpt-5.3-codex", "batch_cache_read") == Decimal("0.0875")
    assert value(r, "gpt-5.3-codex", "batch_output") == Decimal("7.00")
    # The first table's prices are untouched.
    assert [x for x in r.rates if not x.field.startswith("batch_")] == list(run(HTML).rates)


def test_excerpt_with_a_second_unlabelled_table_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^openai: tabs disagree on \('chat-latest', 'input'"):
        run_html(excerpt_with_second_table(wrap=False))


NEW_MD_SECTION = """
### Cyber models

Our latest Daybreak models.

| Model | Input | Cached input | Cache writes | Output |
| --- | --- | --- | --- | --- |
| gpt-5.6-cyber | $12.50 | $1.25 | $15.625 | $75.00 |

"""


@pytest.mark.parametrize("name", [DEC_20, OCT_15])
def test_markdown_with_a_new_unknown_section_is_unchanged(name: str) -> None:
    text = body(name).decode()
    anchor = "### Image tokens"
    assert anchor in text
    r = run(name, text.replace(anchor, NEW_MD_SECTION + anchor, 1).encode())
    assert "gpt-5.6-cyber" not in r.models
    assert golden_rows(r) == golden_rows(run(name))


def _md_table(header: str, *rows: str) -> str:
    cols = header.count("|") - 1
    return "\n".join([header, "|" + " --- |" * cols, *rows]) + "\n"


SHORT_LONG = (
    "| Model | Short context input | Short context cached input | Short context cache writes | "
    "Short context output | Long context input | Long context cached input | "
    "Long context cache writes | Long context output |"
)
#: The shape of the later markdown export: a ``<Tab> pricing data`` heading per tab.
LATER_MD = f"""# Pricing

Our latest models

Prices per 1M tokens.

Standard

### Standard pricing data

{
    _md_table(
        SHORT_LONG,
        "| gpt-5.6-sol | $4.00 | $0.40 | $5.00 | $20.00 | $8.00 | $0.80 | $10.00 | $30.00 |",
        "| gpt-5.5 (<272K context length) | $5.00 | $0.50 | - | $30.00 | $10.00 | $1.00 | - | $45.00 |",
        "| gpt-5.4-mini | $0.75 | $0.075 | - | $4.50 | - | - | - | - |",
    )
}
Batch

### Batch pricing data

{
    _md_table(
        SHORT_LONG,
        "| gpt-5.5 (<272K context length) | $2.50 | $0.25 | - | $15.00 | $5.00 | $0.50 | - | $22.50 |",
    )
}
Fast mode

### Fast pricing data

{
    _md_table(
        SHORT_LONG, "| gpt-5.6-sol | $8.00 | $0.80 | $10.00 | $40.00 | $16.00 | $1.60 | $20.00 | $60.00 |"
    )
}
Ultrafast

### Ultrafast pricing data

{_md_table(SHORT_LONG, "| gpt-5.6-sol | $20.00 | $2.00 | $25.00 | $100.00 | - | - | - | - |")}
Prices per 1M tokens unless noted.

### Grouped Pricing Table data

{
    _md_table(
        "| Model | Modality | Input | Cached input | Output / cost |",
        "| gpt-realtime-2.1 | Audio | $32.00 | $0.40 | $64.00 |",
    )
}"""


def test_later_markdown_with_tab_headings() -> None:
    r = run(DEC_20, LATER_MD.encode())
    assert r.models == {SOL, "gpt-5.5", "gpt-5.4-mini"}
    assert value(r, SOL, "cache_write") == Decimal("5.00")
    assert value(r, SOL, "output", LONG) == Decimal("30.00")
    # "(<272K context length)" states where the short columns end: it is not part of the id,
    # and that row's long-context prices are the context>272k tier (the page states the bound).
    assert value(r, "gpt-5.5", "input") == Decimal("5.00")
    assert rate(r, "gpt-5.5", "cache_write").status == "not_offered"
    assert value(r, "gpt-5.5", "batch_output", tiers.context(272_000)) == Decimal("22.50")
    assert not [x for x in r.rates if x.model == "gpt-5.5" and x.tier == LONG]
    assert value(r, SOL, "input", PRIORITY) == Decimal("8.00")
    assert rate(r, "gpt-5.4-mini", "input", LONG).status == "not_offered"
    # The unknown "Ultrafast" tab is skipped: nothing under a guessed tier.
    assert {x.tier for x in r.rates} <= {
        "standard",
        LONG,
        "context>272k",
        PRIORITY,
        tiers.make(context="long", service="priority"),
    }


FOUR = "Input | Cached input | Cache writes | Output"


def test_later_markdown_with_a_split_group_header() -> None:
    """Converters that keep the group row as the header and push the column names into the
    first row: the columns repeat identically under each group, so each keeps its group."""
    page = (
        "# Pricing\n\n## Flagship models\n\nStandardBatchFlexFast mode\n\nStandard\n\n"
        "|  | Short context | Long context |\n| --- | --- | --- |\n"
        f"| Model | {FOUR} | {FOUR} |\n"
        "| gpt-6-astra | $10.00 | $1.00 | $12.50 | $50.00 | $20.00 | $2.00 | $25.00 | $75.00 |\n\n"
        "Fast mode\n\n"
        "|  | Short context | Long context |\n| --- | --- | --- |\n"
        f"| Model | {FOUR} | {FOUR} |\n"
        "| gpt-6-astra | $20.00 | $2.00 | $25.00 | $100.00 | $40.00 | $4.00 | $50.00 | $150.00 |\n"
    )
    r = run(DEC_20, page.encode())
    assert value(r, "gpt-6-astra", "input") == Decimal("10.00")
    assert value(r, "gpt-6-astra", "output", LONG) == Decimal("75.00")
    assert value(r, "gpt-6-astra", "cache_write", PRIORITY) == Decimal("25.00")
    assert value(r, "gpt-6-astra", "input", tiers.make(context="long", service="priority")) == Decimal(
        "40.00"
    )


def test_model_cell_notes_are_not_part_of_the_id() -> None:
    assert openai._model("gpt-5.5 (<272K context length)") == ("gpt-5.5", {}, {"context": ">272k"})
    assert openai._model("gpt-3.5-turbo Legacy") == ("gpt-3.5-turbo", {}, None)
    assert openai._model("o4-mini-2025-04-16 with data sharing") == (
        "o4-mini-2025-04-16",
        {"data_sharing": "yes"},
        None,
    )
    # The docs .md export glues the note to the name (a <br> lost in conversion).
    assert openai._model("o4-mini-2025-04-16with data sharing")[:2] == (
        "o4-mini-2025-04-16",
        {"data_sharing": "yes"},
    )
    with pytest.raises(ParseError, match="openai"):
        openai._model("gpt-5.5 (priority)")


def test_fast_mode_label_in_markdown_prose() -> None:
    """ "Fast mode" above a table is the renamed Priority tab; a sentence ending in "fast" is not
    a label, so that table stays refused."""
    text = body(DEC_20).decode()
    old = "\nPriority\n\n| Model | Input | Cached input"
    assert old in text
    r = run(DEC_20, text.replace(old, "\nFast mode\n\n| Model | Input | Cached input", 1).encode())
    assert value(r, "gpt-5-mini", "input", PRIORITY) == Decimal("0.45")
    with pytest.raises(ParseError, match="which tab"):
        run(DEC_20, text.replace(old, "\nIt is fast\n\n| Model | Input | Cached input", 1).encode())


# --- The developers page (2026-06-26) ------------------------------------------------------------

DEV_STANDARD = "\nStandard\n\n|  | Short context"
DEV_PRIORITY = "\nPriority\n\n|  | Short context"


def test_developers_page_tier_follows_the_label_not_the_position() -> None:
    text = body(DEV).decode()
    swapped = text.replace(DEV_STANDARD, "\nSWAP\n\n|  | Short context", 1)
    swapped = swapped.replace(DEV_PRIORITY, DEV_STANDARD, 1).replace("\nSWAP\n", "\nPriority\n", 1)
    r = run(DEV, swapped.encode())
    assert value(r, "gpt-5.5", "input") == Decimal("12.50")
    assert value(r, "gpt-5.5", "input", PRIORITY) == Decimal("5.00")
    assert value(r, "gpt-5.5-pro", "output", tiers.make(context="long", service="priority")) == Decimal(
        "270.00"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # The Batch label under "All models" removed: the table has no tab of its own.
        ("All models\n\nBatch\n\n|  | Short", "All models\n\n|  | Short", "which tab"),
        # The group row loses "Long context": long prices would land on the short columns' keys.
        ("|  | Short context | | | Long context | | |", "|  | Short context | | | | | |", "disagree"),
        (
            "| Model | Input | Cached input | Output | Input |",
            "| Model | Input | Cached | Output | Input |",
            "unknown price column",
        ),
        ("| Text | $4.00 | $0.40 | $24.00 |", "| Video | $4.00 | $0.40 | $24.00 |", "unknown modality"),
        (
            "| sora-2 | 720p | 720x1280 | 1280x720 | $0.10 |",
            "| sora-2 | 720p | 720p | 1280x720 | $0.10 |",
            "resolution",
        ),
    ],
)
def test_developers_page_mangled_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=rf"^openai: .*{message}"):
        run(DEV, mangled(DEV, old, new))


UPLIFT = "charged a 10% uplift"


def test_regional_uplift_is_read_from_the_sentence() -> None:
    """The factor is the sentence's percentage; without the sentence there is no regional tier."""
    text = body(DEV).decode()
    r = run(DEV, text.replace(UPLIFT, "charged a 15% uplift").encode())
    assert value(r, "gpt-5.4", "output", REGIONAL) == Decimal("17.25")  # 1.15 x $15.00
    plain = run(DEV, text.replace(UPLIFT, "charged the same").encode())
    assert not [x for x in plain.rates if x.status == "inferred"]
    assert golden_rows(plain) == [g for g in golden_rows(run(DEV)) if "processing=regional" not in g[2]]


def test_display_id_rule() -> None:
    assert openai.display_id("GPT Image 1 Mini") == "gpt-image-1-mini"
    assert openai.display_id("DALL·E 3") == "dall-e-3"
    assert openai.display_id("TTS HD") == "tts-hd"
    with pytest.raises(ParseError, match=r"^openai: "):
        openai.display_id("GPT Image (new)")
