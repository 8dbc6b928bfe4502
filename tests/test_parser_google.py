"""The Gemini API parser on every bundled capture: hand-checked values, golden, and refusals.

Later versions of the page add sections the parser must read, skip or refuse without touching
the rest. They are built here from the real devsite markup (``_section``) with cells copied from
a later full capture of ai.google.dev/gemini-api/docs/pricing (last updated 2026-08-13).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import dump

from ratecard import tiers
from ratecard.parsers import google
from ratecard.parsers.base import Parsed, ParsedRate, ParseError

CAPTURES = files("ratecard") / "captures" / "google"
HTML = "undated__gemini-api-pricing.excerpt.html"
MARKDOWN = "2025-10-15__gemini-api-pricing.jina.md"
URL = "https://ai.google.dev/gemini-api/docs/pricing"
SHORT = "standard"  # the price up to 200k prompt tokens is the standard rate
LONG = tiers.make(context=">200k")
FLEX = tiers.make(service="flex")
PRIORITY = tiers.make(service="priority")
#: The undated excerpt's content is ~mid/late 2026 (SOURCES.tsv); the parser ignores the date
#: except for prices the page schedules by date.
FETCHED = datetime(2026, 9, 1, tzinfo=UTC)
PER_1M = "Paid Tier, per 1M tokens in USD"
FREE, NA = "Free of charge", "Not available"


def body(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def run(data: bytes | None = None, fetched: datetime = FETCHED) -> Parsed:
    return google.parse(body(HTML) if data is None else data, URL, fetched)


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


def fields(result: Parsed, model: str) -> set[tuple[str, str]]:
    return {(r.field, r.tier) for r in result.rates if r.model == model}


Rows = list[tuple[str, str, str]]


def _table(rows: Rows, paid: str) -> str:
    cells = "".join(
        f"\n    <tr>\n      <td>{label}</td>\n      <td>{free}</td>\n      <td>{cell}</td>\n    </tr>"
        for label, free, cell in rows
    )
    return (
        '<table class="pricing-table">\n  <colgroup>\n    <col>\n    <col class="free-tier">\n'
        '    <col class="paid-tier">\n  </colgroup>\n  <thead>\n    <tr>\n      <th></th>\n'
        f'      <th scope="col">Free Tier</th>\n      <th scope="col">{paid}</th>\n    </tr>\n'
        f"  </thead>\n  <tbody>{cells}\n  </tbody>\n</table>"
    )


def _section(display: str, codes: list[str], tabs: dict[str, Rows], paid: str = PER_1M) -> str:
    """One model section as the devsite page renders it; tab "" is a table outside any selector."""
    ids = ", ".join(f'<code translate="no" dir="ltr">{c}</code>' for c in codes)
    head = (
        f'<div class="models-section">\n    <div class="heading-group">\n        <h2 id="x" '
        f'data-text="{display}" tabindex="-1">{display}</h2>\n        '
        f"{f'<em>{ids}</em>' if codes else ''}\n    </div>\n</div>\n<p>About the model.</p>\n"
    )
    if list(tabs) == [""]:
        return head + _table(tabs[""], paid) + "\n"
    panes = "".join(
        f'<section><h3 id="{name.lower()}_9" data-text="{name}" tabindex="-1">{name}</h3>'
        f"{_table(rows, paid)}</section>\n"
        for name, rows in tabs.items()
    )
    return f'{head}<div><devsite-selector data-ds-scope="code-sample">\n{panes}</devsite-selector></div>\n'


GROUNDING = (
    "5,000 free search requests per month (shared across all Gemini 3.x models), then $14 per 1,000 requests."
)
STORAGE_DATED = (
    "$0.50 / 1,000,000 tokens per hour (storage price) through December 31, 2026.<br>"
    "$1.00 / 1,000,000 tokens per hour (storage price) starting January 1, 2027."
)
#: Sections of the later full page, cells verbatim (tab contents trimmed to the rows tested).
LATER_SECTIONS = [
    _section(
        "Gemini 3.7 Flash",
        ["gemini-3.7-flash"],
        {
            "Standard": [
                ("Input price", FREE, "$0.75 through December 31, 2026.<br>$1.50 starting January 1, 2027."),
                (
                    "Output price (including thinking tokens)",
                    FREE,
                    "$3.75 through December 31, 2026.<br>$7.50 starting January 1, 2027.",
                ),
                (
                    "Context caching price",
                    FREE,
                    "$0.075 through December 31, 2026.<br>$0.15 starting January 1, 2027.<br>"
                    + STORAGE_DATED,
                ),
                ("Live API", FREE, "$3.00 / 1M audio seconds (preview)"),
                ("Grounding with Google Search<sup>*</sup>", "Not available", GROUNDING),
            ],
            "Batch": [
                ("Input price", NA, "$0.375 through December 31, 2026.<br>$0.75 starting January 1, 2027.")
            ],
            "Flex": [
                ("Input price", NA, "$0.375 through December 31, 2026.<br>$0.75 starting January 1, 2027.")
            ],
            "Priority": [
                ("Input price", FREE, "$1.35 through December 31, 2026.<br>$2.70 starting January 1, 2027.")
            ],
            "Scale": [("Input price", NA, "$9.99")],
        },
    ),
    _section(
        "Gemini 3.5 Live Translate",
        ["gemini-3.5-live-translate-preview"],
        {
            "Standard": [
                ("Input price", FREE, "$3.50 or $0.0053/min<sup>*</sup> (audio)"),
                (
                    "Output price (including thinking tokens)",
                    FREE,
                    "$21.00 or $0.0315/min<sup>*</sup> (audio)",
                ),
            ]
        },
    ),
    _section(
        "Gemini Omni Flash Preview",
        ["gemini-omni-flash-preview"],
        {
            "Standard": [
                ("Input price", NA, "$1.50 (text / image / video / audio)"),
                (
                    "Output price (including thinking tokens)",
                    NA,
                    "$9.00 (text)<br>$17.50 (video)<sup>*</sup>",
                ),
            ]
        },
    ),
    _section(
        "Gemini 3.1 Pro Preview",
        ["gemini-3.1-pro-preview", "gemini-3.1-pro-preview-customtools"],
        {
            "Standard": [
                ("Input price", NA, "$2.00, prompts <= 200k tokens<br>$4.00, prompts > 200k tokens")
            ],
            "Batch": [
                (
                    "Context caching price",
                    NA,
                    "<em>Same as Standard</em><br>\n        $0.20, prompts <= 200k tokens<br>"
                    "$0.40, prompts > 200k<br>"
                    "$4.50 / 1,000,000 tokens per hour (storage price)\n      ",
                )
            ],
        },
    ),
    _section(
        "Gemini 3.1 Flash Live Preview",
        ["gemini-3.1-flash-live-preview"],
        {
            "": [
                (
                    "Input price",
                    FREE,
                    "$0.75 (text)<br>$3.00 or $0.005/min (audio)<br>$1.00 or $0.002/min (image/video)",
                ),
                (
                    "Output price (including thinking tokens)",
                    FREE,
                    "$4.50 (text)<br>$12.00 or $0.018/min (audio)",
                ),
                ("Grounding with Google Search<sup>*</sup>", "Supported", GROUNDING),
            ]
        },
    ),
    _section(
        "Gemini 3 Pro Image (Nano Banana Pro) 🍌",
        ["gemini-3-pro-image"],
        {
            "Standard": [
                (
                    "Input price",
                    NA,
                    "$2.00 (text/image),<br>\n      equivalent to $0.0011 per image<sup>*</sup>",
                ),
                (
                    "Output price",
                    NA,
                    "$12.00 (text and thinking)<br>\n        $120.00 (images)<br>\n        "
                    "Equivalent to $0.134 per 1K/2K image<sup>**</sup><br>\n"
                    "        and $0.24 per 4K image<sup>**</sup>\n      ",
                ),
                (
                    "Grounding with Google Web and Image Search<sup>**</sup>",
                    NA,
                    "5,000 free search requests per month, then $14 per 1,000 requests for text "
                    "and image-based grounding.",
                ),
            ],
            "Batch": [
                ("Input price", NA, "$1.00 (text),<br>$0.0006 (image)<sup>*</sup>"),
                (
                    "Output price",
                    NA,
                    "$6.00 (text and thinking)<br>\n        $0.067 per 1K/2K image<sup>**</sup><br>\n"
                    "        $0.12 per 4K image<sup>**</sup>\n      ",
                ),
            ],
        },
    ),
    _section(
        "Gemini 3.1 Flash Image (Nano Banana 2) 🍌",
        ["gemini-3.1-flash-image"],
        {
            "Standard": [
                (
                    "Output price",
                    NA,
                    "$3 (text and thinking)<br>\n        $60.00 (images)<br>\n        "
                    "Equivalent to $0.045 per 0.5K image<sup>*</sup><br>\n"
                    "        $0.067 per 1K image<sup>*</sup>,\n"
                    "        $0.101 per 2K image<sup>*</sup>,\n"
                    "        and $0.151 per 4K image<sup>*</sup>.\n      ",
                )
            ]
        },
    ),
    _section(
        "Gemini 2.5 Flash Image (Nano Banana) 🍌",
        ["gemini-2.5-flash-image"],
        {
            "Standard": [
                ("Input price", NA, "$0.30 (text / image)"),
                ("Output price", NA, "$0.039 per image*"),
            ],
            "Batch": [("Output price", NA, "$0.0195 per image*")],
        },
    ),
    _section(
        "Gemini 2.0 Flash",
        ["gemini-2.0-flash"],
        {
            "Standard": [
                (
                    "Context caching price",
                    FREE,
                    "$0.025 / 1,000,000 tokens (text/image/video)<br>$0.175 / 1,000,000 tokens (audio)",
                ),
                ("Context caching (storage)", NA, "$1.00 / 1,000,000 tokens per hour"),
                (
                    "Image generation pricing",
                    'Not available (<a href="/d">shut down</a>)',
                    'Not available (<a href="/d">shut down</a>)',
                ),
                ("Tuning price", NA, NA),
            ]
        },
    ),
    _section(
        "Imagen 4",
        ["imagen-4.0-generate-001", "imagen-4.0-ultra-generate-001", "imagen-4.0-fast-generate-001"],
        {"": [("Imagen 4 Fast image price", NA, "$0.02"), ("Imagen 4 Ultra image price", NA, "$0.06")]},
        paid="Paid Tier, per Image in USD",
    ),
    _section(
        "Veo 2",
        ["veo-2.0-generate-001"],
        {"": [("Video price", NA, "$0.35")]},
        paid="Paid Tier, per second in USD",
    ),
    _section(
        "Gemini Embedding 2",
        ["gemini-embedding-2"],
        {
            "Standard": [
                ("Text input price", FREE, "$0.20"),
                ("Image input price", FREE, "$0.45 ($0.00012 per image)"),
                ("Audio input price", FREE, "$6.50 ($0.00016 per second)"),
                ("Video input price", FREE, "$12.00 ($0.00079 per frame)"),
            ],
            "Batch": [("Text input price", NA, "$0.10")],
        },
    ),
    _section("Gemma 4", [], {"": [("Input price", FREE, NA)]}),
]
TOOLS = (
    '<h2 id="pricing-for-tools" data-text="Pricing for tools" tabindex="-1">Pricing for tools</h2>\n'
    + _table(
        [
            (
                '<a href="/s">Google Search</a>',
                "500 RPD free",
                "Gemini 3 models:<br>then $14 per 1,000 requests.",
            )
        ],
        PER_1M,
    )
)


def later_page(*sections: str) -> bytes:
    """The real excerpt with later sections appended before its closing tags."""
    text = body(HTML).decode()
    return text.replace("</body></html>", "".join(sections) + "</body></html>").encode()


def test_every_capture_is_bundled_and_tested() -> None:
    names = sorted(p.name for p in CAPTURES.iterdir() if p.name != "SOURCES.tsv")
    assert names == sorted([HTML, MARKDOWN, MD_SOURCE])


# --- The markdown source of 2025-11-21 -------------------------------------------------------------

MD_SOURCE = "2025-11-21__gemini-api-pricing.md-source.md"
NOV_21 = datetime(2025, 11, 21, tzinfo=UTC)


def run_md(data: bytes | None = None) -> Parsed:
    return google.parse(body(MD_SOURCE) if data is None else data, URL, NOV_21)


def md_mangled(old: str, new: str) -> bytes:
    text = body(MD_SOURCE).decode()
    assert old in text
    return text.replace(old, new, 1).encode()


def test_markdown_source_values_checked_by_hand() -> None:
    r = run_md()
    # Line 55 under "## Gemini 3 Pro Preview" / "### Standard":
    # "$2.00, prompts \<= 200k tokens $4.00, prompts \> 200k tokens".
    assert value(r, "gemini-3-pro-preview", "input") == Decimal("2.00")
    assert value(r, "gemini-3-pro-preview", "input", LONG) == Decimal("4.00")
    # Line 57: "... $4.50 / 1,000,000 tokens per hour (storage price)".
    storage = rate(r, "gemini-3-pro-preview", "cache_storage")
    assert (storage.value, storage.unit) == (Decimal("4.50"), "usd_per_mtok_hour")
    # Line 67 ("### Batch"): "$6.00, prompts \<= 200k tokens $9.00, prompts \> 200k".
    assert value(r, "gemini-3-pro-preview", "batch_output", LONG) == Decimal("9.00")
    # Line 88, under the mojibake heading "Gemini 3 Pro Image Preview ðŸŒ": "$0.24 per 4K image".
    four_k = rate(r, "gemini-3-pro-image-preview", "image_generation", tiers.make(resolution="4k"))
    assert (four_k.value, four_k.unit) == (Decimal("0.24"), "usd_per_image")
    # Line 118: "1,500 RPD (free), then $35 / 1,000 grounded prompts": billed per 1,000.
    search = rate(r, "gemini-2.5-pro", "web_search")
    assert (search.value, search.unit) == (Decimal(35), "usd_per_1k_requests")
    # Line 156 (2.5 Flash, Batch): "$0.15 (text / image / video) $0.50 (audio)".
    assert value(r, "gemini-2.5-flash", "batch_input") == Decimal("0.15")
    assert value(r, "gemini-2.5-flash", "batch_audio_input") == Decimal("0.50")
    # Line 262 (Native Audio, no tab heading: standard): "$2.00 (text) $12.00 (audio)".
    assert value(r, "gemini-2.5-flash-native-audio-preview-09-2025", "audio_output") == Decimal("12.00")
    # Line 323 (Flash TTS, Batch): "$5.00 (audio)".
    assert value(r, "gemini-2.5-flash-preview-tts", "batch_audio_output") == Decimal("5.00")
    # Line 366: "$0.025 / 1,000,000 tokens (text/image/video) $0.175 / 1,000,000 tokens (audio)".
    assert value(r, "gemini-2.0-flash", "audio_cache_read") == Decimal("0.175")
    # Line 435: "| Imagen 4 Standard image price | Not available | $0.04 |" per Image.
    assert value(r, "imagen-4.0-generate-001", "image_generation") == Decimal("0.04")
    # Line 465: "| Veo 3.1 Fast video with audio price (default) | ... | $0.15 |" per second.
    veo = rate(r, "veo-3.1-fast-generate-preview", "video_generation")
    assert (veo.value, veo.unit) == (Decimal("0.15"), "usd_per_second")
    # Line 542: Robotics-ER's Batch input is "Not available".
    assert rate(r, "gemini-robotics-er-1.5-preview", "batch_input").status == "not_offered"
    # Line 73's heading keeps its words as the display name; the broken emoji is dropped.
    assert r.display_names["gemini-3-pro-image-preview"] == "Gemini 3 Pro Image Preview"


def test_markdown_source_free_tier_is_not_read() -> None:
    """ "Free of charge" in the Free Tier column never becomes a $0 price."""
    assert all(r.value != 0 for r in run_md().rates)


@pytest.mark.parametrize("junk", ["\u0085", "\u2028", "🍌", ""])
def test_heading_junk_does_not_change_attribution(junk: str) -> None:
    """Whatever follows a model heading (a broken emoji, a stray NEL or line separator) the id
    line below it attributes the tables: the parse is the same."""
    heading = "## Gemini 3 Pro Image Preview ðŸ\x8dŒ"
    assert heading in body(MD_SOURCE).decode()
    r = run_md(md_mangled(heading, f"## Gemini 3 Pro Image Preview {junk}"))
    assert dump(r) == dump(run_md())


def test_markdown_section_without_its_id_line_is_skipped_not_guessed() -> None:
    r = run_md(md_mangled("*`gemini-2.5-pro`*", "gemini-2.5-pro"))
    assert "gemini-2.5-pro" not in r.models
    assert dump(r) == [x for x in dump(run_md()) if x["model"] != "gemini-2.5-pro"]
    assert any("'Gemini 2.5 Pro'" in n for n in r.notes)


def test_markdown_tab_heading_places_the_prices() -> None:
    """Under "### Batch" the rows are batch prices; an unknown tab heading is skipped."""
    text = body(MD_SOURCE).decode()
    start = text.index("## Gemini 2.5 Pro\n")
    renamed = text[:start] + text[start:].replace("### Batch", "### Scale", 1)
    r = run_md(renamed.encode())
    assert not [x for x in r.rates if x.model == "gemini-2.5-pro" and x.field.startswith("batch_")]
    assert value(r, "gemini-2.5-pro", "input") == Decimal("1.25")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "$2.00, prompts \\<= 200k tokens $4.00",
            "$2.00, prompts \\<= 200k tokens or so $4.00",
            "unread words",
        ),
        (
            "$0.30 (text / image / video) $1.00 (audio)",
            "$0.30 (text / pdf) $1.00 (audio)",
            "cannot tell which field",
        ),
    ],
)
def test_markdown_source_mangled_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=rf"^google: .*{message}"):
        run_md(md_mangled(old, new))


def test_per_image_row_naming_no_variant_is_not_stored() -> None:
    """Under three Imagen 4 ids a row must name one of them; "Turbo" names none: noted, not stored."""
    r = run_md(md_mangled("Imagen 4 Fast image price", "Imagen 4 Turbo image price"))
    assert "imagen-4.0-fast-generate-001" not in r.models
    assert value(r, "imagen-4.0-ultra-generate-001", "image_generation") == Decimal("0.06")
    assert any("'Imagen 4 Turbo image price'" in n and "names none of" in n for n in r.notes)


def test_markdown_without_model_headings_is_refused() -> None:
    """Every id line gone: no table can be attributed, the page is refused as a whole."""
    text = re.sub(r"(?m)^\*`[^\n]*`\*$", "", body(MD_SOURCE).decode())
    with pytest.raises(ParseError, match=r"^google: cannot attribute prices to models"):
        run_md(text.encode())


def test_values_checked_by_hand() -> None:
    r = run()
    assert r.display_names["gemini-2.5-pro"] == "Gemini 2.5 Pro"  # line 118 data-text
    # Lines 31, 36, 41: gemini-3.5-flash (no context split: plain "standard" tier).
    assert value(r, "gemini-3.5-flash", "input") == Decimal("1.50")
    assert value(r, "gemini-3.5-flash", "output") == Decimal("9.00")
    assert value(r, "gemini-3.5-flash", "cache_read") == Decimal("0.15")
    storage = rate(r, "gemini-3.5-flash", "cache_storage")
    assert (storage.value, storage.unit) == (Decimal("1.00"), "usd_per_mtok_hour")
    # Line 46: "... then $14 per 1,000 requests.": billed per 1,000.
    search = rate(r, "gemini-3.5-flash", "web_search")
    assert (search.value, search.unit) == (Decimal(14), "usd_per_1k_requests")
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
    assert value(r, "gemini-2.5-pro", "maps_grounding") == Decimal(25)
    # A split price reads as the standard rate up to 200k plus one context>200k rate, once each.
    assert sorted(x.tier for x in r.rates if x.model == "gemini-2.5-pro" and x.field == "input") == [
        "context>200k",
        "standard",
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


def test_later_page_keeps_every_excerpt_rate() -> None:
    """New sections, rows, tabs and table kinds add rates; they never change the excerpt's."""
    later = run(later_page(*LATER_SECTIONS, TOOLS))
    excerpt_models = run().models
    assert [r for r in dump(later) if r["model"] in excerpt_models] == dump(run())


def test_later_page_reads_new_models_tabs_and_cells() -> None:
    r = run(later_page(*LATER_SECTIONS, TOOLS))
    # Dated prices: the one in effect on the capture date; the announced one is not a rate yet.
    assert value(r, "gemini-3.7-flash", "input") == Decimal("0.75")
    assert value(r, "gemini-3.7-flash", "cache_read") == Decimal("0.075")
    assert value(r, "gemini-3.7-flash", "cache_storage") == Decimal("0.50")
    assert value(r, "gemini-3.7-flash", "batch_input") == Decimal("0.375")
    assert value(r, "gemini-3.7-flash", "input", FLEX) == Decimal("0.375")
    assert value(r, "gemini-3.7-flash", "input", PRIORITY) == Decimal("1.35")
    # The unknown "Scale" tab and the unknown "Live API" row are skipped, nothing guessed.
    assert all("scale" not in t and "live" not in f for f, t in fields(r, "gemini-3.7-flash"))
    later = run(later_page(*LATER_SECTIONS), datetime(2027, 2, 1, tzinfo=UTC))
    assert value(later, "gemini-3.7-flash", "input") == Decimal("1.50")
    assert value(later, "gemini-3.7-flash", "cache_storage") == Decimal("1.00")
    # "$3.50 or $0.0053/min* (audio)": the per-minute figure restates the token price.
    assert value(r, "gemini-3.5-live-translate-preview", "audio_input") == Decimal("3.50")
    assert value(r, "gemini-3.5-live-translate-preview", "audio_output") == Decimal("21.00")
    assert value(r, "gemini-omni-flash-preview", "input") == Decimal("1.50")
    assert value(r, "gemini-omni-flash-preview", "video_output") == Decimal("17.50")
    # Two ids under one heading share its prices; "Same as Standard" is a note, not a price.
    for mid in ("gemini-3.1-pro-preview", "gemini-3.1-pro-preview-customtools"):
        assert value(r, mid, "input", SHORT) == Decimal("2.00")
        assert value(r, mid, "batch_cache_read", LONG) == Decimal("0.40")
        assert r.display_names[mid] == "Gemini 3.1 Pro Preview"
    # A table outside any tab selector is the model's standard price list.
    live = "gemini-3.1-flash-live-preview"
    assert value(r, live, "input") == Decimal("0.75")
    assert value(r, live, "audio_input") == Decimal("3.00")
    assert value(r, live, "audio_output") == Decimal("12.00")
    # "$1.00 or $0.002/min (image/video)": image lines of input rows are not read (see module).
    assert not {f for f, _ in fields(r, live)} & {"image_input", "video_input"}


def test_later_page_image_prices() -> None:
    r = run(later_page(*LATER_SECTIONS))
    pro = "gemini-3-pro-image"
    assert value(r, pro, "input") == Decimal("2.00")
    assert value(r, pro, "output") == Decimal("12.00")
    assert value(r, pro, "image_output") == Decimal("120.00")
    # Batch prints image output only per image, by resolution.
    per_image = rate(r, pro, "batch_image_generation", tiers.make(resolution="1k/2k"))
    assert (per_image.value, per_image.unit) == (Decimal("0.067"), "usd_per_image")
    assert value(r, pro, "batch_image_generation", tiers.make(resolution="4k")) == Decimal("0.12")
    # "$0.0006 (image)*" is footnoted per image under a per-1M header: never a token price.
    assert not {f for f, _ in fields(r, pro)} & {"image_input", "batch_image_input"}
    # "Equivalent to ..." lines restate the token price; they add no rate.
    assert [t for f, t in fields(r, pro) if f == "image_output"] == ["standard"]
    flash = "gemini-3.1-flash-image"
    assert fields(r, flash) == {("output", "standard"), ("image_output", "standard")}
    nano = rate(r, "gemini-2.5-flash-image", "image_generation")
    assert (nano.value, nano.unit) == (Decimal("0.039"), "usd_per_image")
    assert value(r, "gemini-2.5-flash-image", "batch_image_generation") == Decimal("0.0195")


def test_later_page_other_rows_and_skipped_tables() -> None:
    r = run(later_page(*LATER_SECTIONS, TOOLS))
    # "$0.025 / 1,000,000 tokens (text/image/video)" and the separate storage row.
    assert value(r, "gemini-2.0-flash", "cache_read") == Decimal("0.025")
    assert value(r, "gemini-2.0-flash", "audio_cache_read") == Decimal("0.175")
    assert value(r, "gemini-2.0-flash", "cache_storage") == Decimal("1.00")
    assert {f for f, _ in fields(r, "gemini-2.0-flash")} == {
        "cache_read",
        "audio_cache_read",
        "cache_storage",
        "image_generation",
    }
    # "Not available (shut down)": the image generation row is a not-offered per-image price.
    shut = rate(r, "gemini-2.0-flash", "image_generation")
    assert (shut.value, shut.unit, shut.status) == (None, "usd_per_image", "not_offered")
    # Embedding rows name their modality; "($0.00012 per image)" restates the token price.
    assert value(r, "gemini-embedding-2", "input") == Decimal("0.20")
    assert value(r, "gemini-embedding-2", "image_input") == Decimal("0.45")
    assert value(r, "gemini-embedding-2", "audio_input") == Decimal("6.50")
    assert value(r, "gemini-embedding-2", "video_input") == Decimal("12.00")
    assert value(r, "gemini-embedding-2", "batch_input") == Decimal("0.10")
    # Per-image (Imagen) and per-second (Veo) tables are priced by their header; each row of a
    # section with several ids names its variant ("Imagen 4 Fast image price").
    fast = rate(r, "imagen-4.0-fast-generate-001", "image_generation")
    assert (fast.value, fast.unit) == (Decimal("0.02"), "usd_per_image")
    assert value(r, "imagen-4.0-ultra-generate-001", "image_generation") == Decimal("0.06")
    assert "imagen-4.0-generate-001" not in r.models  # no "Standard" row in this section
    veo = rate(r, "veo-2.0-generate-001", "video_generation")
    assert (veo.value, veo.unit) == (Decimal("0.35"), "usd_per_second")
    # Id-less sections (Gemma, tools) are skipped, and said so in the notes.
    assert not [m for m in r.models if m.startswith("gemma")]
    assert all(x.model.startswith("gemini") for x in r.rates if x.unit == "usd_per_1k_requests")
    assert any("'Gemma 4'" in n for n in r.notes)


def test_date_scheduled_cell_with_no_price_in_effect_is_refused() -> None:
    only_until = _section(
        "Gemini X", ["gemini-x"], {"Standard": [("Input price", FREE, "$0.75 through December 31, 2026.")]}
    )
    with pytest.raises(ParseError, match=r"^google: no price in effect on 2027-01-05"):
        run(later_page(only_until), datetime(2027, 1, 5, tzinfo=UTC))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Paid Tier, per 1M tokens in USD", "Pay-as-you-go", "no 'Paid Tier' column"),
        ("<td>$9.00</td>", "<td>$9.00 per page</td>", "unread words"),
        ("<td>$1.50</td>", "<td>call us</td>", "unreadable price"),
        ("$0.50 (audio)", "$0.50 (audio / pdf)", "cannot tell which field"),
        ("then $14 per 1,000 requests.", "then pay as you go.", "unreadable grounding price"),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    """A known row with an unreadable paid cell, or a table without a Paid Tier column, raises."""
    with pytest.raises(ParseError, match=rf"^google: .*{message}"):
        run(mangled(old, new))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<code translate="no" dir="ltr">gemini-3.5-flash</code>', ""),
        ("Paid Tier, per 1M tokens in USD", "Paid Tier, per Image in USD"),
        ('tabindex="-1">Standard</h3>', 'tabindex="-1">Pricing</h3>'),
    ],
)
def test_what_cannot_be_attributed_is_skipped_not_guessed(old: str, new: str) -> None:
    """No model id, a table not priced per token, an unknown tab: that section adds nothing,
    and every other model keeps exactly its rates."""
    r = run(mangled(old, new))
    assert "gemini-3.5-flash" not in r.models
    full = [x for x in dump(run()) if x["model"] != "gemini-3.5-flash"]
    assert dump(r) == full


def test_unknown_row_is_skipped_and_the_rest_of_the_table_read() -> None:
    r = run(mangled("<td>Input price</td>", "<td>Prompt price</td>"))
    assert ("input", "standard") not in fields(r, "gemini-3.5-flash")
    assert value(r, "gemini-3.5-flash", "output") == Decimal("9.00")


def test_page_without_model_ids_is_refused() -> None:
    """Tables are there, but no section says which model they price (ids outside <em>)."""
    no_ids = body(HTML).replace(b"<em>", b"<span>").replace(b"</em>", b"</span>")
    with pytest.raises(ParseError, match=r"^google: no pricing table .* sits under a model id"):
        run(no_ids)


def test_page_without_pricing_tables_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^google: no pricing table"):
        run(mangled('class="pricing-table"', 'class="other"', count=3))
