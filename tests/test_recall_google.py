"""Recall (issue 12) on the Gemini API markdown source of 2025-11-21: every paid-tier price is
stored with its unit and tier, or is on the reviewed list of what is not modelled (and noted).

Written from reading the page: each ``## model`` section's ``*`id`*`` line, its ``### Standard``
and ``### Batch`` tables (Paid Tier column only: the free tier is a quota), the ``<= 200k`` /
``> 200k`` lines, ``(text / image / video)`` and ``(audio)`` lines, storage per hour, grounding
"$35 / 1,000 grounded prompts" (stored per 1,000 requests, as billed), Imagen per image, Veo per second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.resources import files

from recall import Page, Price
from test_recall_openai import assert_recalled

from ratecard import tiers
from ratecard.parsers import google
from ratecard.parsers.tabs import placed

PAGE = "2025-11-21__gemini-api-pricing.md-source.md"
LONG = tiers.make(context=">200k")
#: Field -> unit of the rows that are not per 1M tokens.
UNITS = {
    "cache_storage": "usd_per_mtok_hour",
    "web_search": "usd_per_1k_requests",
    "maps_grounding": "usd_per_1k_requests",
    "image_generation": "usd_per_image",
}


Cells = Mapping[str, str | tuple[str, str] | None]


def section(model: str, tab: str, cells: Cells) -> list[Price]:
    """One model's table under a tab: field -> amount, (<= 200k, > 200k) amounts, or None for
    "Not available"."""
    out = []
    for fld, amount in cells.items():
        unit = UNITS.get(fld.split(":")[0], "usd_per_mtok")
        name, key = placed(fld.split(":")[0], tab, {"resolution": fld.split(":")[1]} if ":" in fld else {})
        if isinstance(amount, tuple):
            out += [Price(model, name, amount[0], unit, key), Price(model, name, amount[1], unit, LONG)]
        else:
            out.append(Price(model, name, amount, unit, key))
    return out


def both_tabs(model: str, standard: Cells, batch: Cells) -> list[Price]:
    return section(model, "standard", standard) + section(model, "batch", batch)


FLASH: dict[
    str, dict[str, str | tuple[str, str] | None]
] = {  # "Gemini 2.5 Flash" and its Preview, lines 145-149 / 175-178
    "standard": {
        "input": "0.30",
        "audio_input": "1.00",
        "output": "2.50",
        "cache_read": "0.03",
        "audio_cache_read": "0.1",
        "cache_storage": "1.00",
        "web_search": "35",
    },
    "batch": {
        "input": "0.15",
        "audio_input": "0.50",
        "output": "1.25",
        "cache_read": "0.03",
        "audio_cache_read": "0.1",
        "cache_storage": "1.00",
        "web_search": "35",
    },
}
LITE: dict[
    str, dict[str, str | tuple[str, str] | None]
] = {  # "Gemini 2.5 Flash-Lite" and its Preview, lines 203-207 / 233-236
    "standard": {
        "input": "0.10",
        "audio_input": "0.30",
        "output": "0.40",
        "cache_read": "0.01",
        "audio_cache_read": "0.03",
        "cache_storage": "1.00",
        "web_search": "35",
    },
    "batch": {
        "input": "0.05",
        "audio_input": "0.15",
        "output": "0.20",
        "cache_read": "0.01",
        "audio_cache_read": "0.03",
        "cache_storage": "1.00",
        "web_search": "35",
    },
}
PUBLISHED = [
    # Gemini 3 Pro Preview (lines 55-70); grounding with Google Search is "(Coming soon)".
    *both_tabs(
        "gemini-3-pro-preview",
        {
            "input": ("2.00", "4.00"),
            "output": ("12.00", "18.00"),
            "cache_read": ("0.20", "0.40"),
            "cache_storage": "4.50",
            "maps_grounding": None,
        },
        {
            "input": ("1.00", "2.00"),
            "output": ("6.00", "9.00"),
            "cache_read": ("0.20", "0.40"),
            "cache_storage": "4.50",
            "maps_grounding": None,
        },
    ),
    # Gemini 3 Pro Image Preview (lines 87-96): text tokens, and images per image by resolution.
    *both_tabs(
        "gemini-3-pro-image-preview",
        {
            "input": "2.00",
            "output": "12.00",
            "image_generation:1k/2k": "0.134",
            "image_generation:4k": "0.24",
        },
        {"input": "1.00", "output": "6.00", "image_generation:1k/2k": "0.067", "image_generation:4k": "0.12"},
    ),
    # Gemini 2.5 Pro (lines 115-130).
    *both_tabs(
        "gemini-2.5-pro",
        {
            "input": ("1.25", "2.50"),
            "output": ("10.00", "15.00"),
            "cache_read": ("0.125", "0.25"),
            "cache_storage": "4.50",
            "web_search": "35",
            "maps_grounding": "25",
        },
        {
            "input": ("0.625", "1.25"),
            "output": ("5.00", "7.50"),
            "cache_read": ("0.125", "0.25"),
            "cache_storage": "4.50",
            "web_search": "35",
            "maps_grounding": None,
        },
    ),
    *both_tabs(
        "gemini-2.5-flash",
        {**FLASH["standard"], "maps_grounding": "25"},
        {**FLASH["batch"], "maps_grounding": None},
    ),
    *both_tabs("gemini-2.5-flash-preview-09-2025", FLASH["standard"], FLASH["batch"]),
    *both_tabs(
        "gemini-2.5-flash-lite",
        {**LITE["standard"], "maps_grounding": "25"},
        {**LITE["batch"], "maps_grounding": None},
    ),
    *both_tabs("gemini-2.5-flash-lite-preview-09-2025", LITE["standard"], LITE["batch"]),
    # Native Audio (lines 261-262), one untabbed table: "$0.50 (text) $3.00 (audio / video)".
    *section(
        "gemini-2.5-flash-native-audio-preview-09-2025",
        "standard",
        {
            "input": "0.50",
            "audio_input": "3.00",
            "video_input": "3.00",
            "output": "2.00",
            "audio_output": "12.00",
        },
    ),
    # Gemini 2.5 Flash Image (lines 286-295): "$0.039 per image*".
    *both_tabs(
        "gemini-2.5-flash-image",
        {"input": "0.30", "image_generation": "0.039"},
        {"input": "0.15", "image_generation": "0.0195"},
    ),
    # TTS models (lines 314-349): text in, audio out.
    *both_tabs(
        "gemini-2.5-flash-preview-tts",
        {"input": "0.50", "audio_output": "10.00"},
        {"input": "0.25", "audio_output": "5.00"},
    ),
    *both_tabs(
        "gemini-2.5-pro-preview-tts",
        {"input": "1.00", "audio_output": "20.00"},
        {"input": "0.50", "audio_output": "10.00"},
    ),
    # Gemini 2.0 Flash (lines 364-385); "Tuning price | Not available" is not a price row.
    *both_tabs(
        "gemini-2.0-flash",
        {
            "input": "0.10",
            "audio_input": "0.70",
            "output": "0.40",
            "cache_read": "0.025",
            "audio_cache_read": "0.175",
            "cache_storage": "1.00",
            "image_generation": "0.039",
            "web_search": "35",
            "maps_grounding": "25",
        },
        {
            "input": "0.05",
            "audio_input": "0.35",
            "output": "0.20",
            "cache_read": "0.025",
            "audio_cache_read": "0.175",
            "cache_storage": "1.00",
            "image_generation": "0.0195",
            "web_search": "35",
            "maps_grounding": None,
        },
    ),
    # Gemini 2.0 Flash-Lite (lines 402-419).
    *both_tabs(
        "gemini-2.0-flash-lite",
        {"input": "0.075", "output": "0.30", "cache_read": None, "cache_storage": None, "web_search": None},
        {"input": "0.0375", "output": "0.15", "cache_read": None, "cache_storage": None, "web_search": None},
    ),
    # Imagen (lines 434-449), "Paid Tier, per Image in USD": each row names its variant.
    Price("imagen-4.0-fast-generate-001", "image_generation", "0.02", "usd_per_image"),
    Price("imagen-4.0-generate-001", "image_generation", "0.04", "usd_per_image"),
    Price("imagen-4.0-ultra-generate-001", "image_generation", "0.06", "usd_per_image"),
    Price("imagen-3.0-generate-002", "image_generation", "0.03", "usd_per_image"),
    # Veo (lines 464-496), "Paid Tier, per second in USD"; "with audio price (default)".
    Price("veo-3.1-generate-preview", "video_generation", "0.40", "usd_per_second"),
    Price("veo-3.1-fast-generate-preview", "video_generation", "0.15", "usd_per_second"),
    Price("veo-3.0-generate-001", "video_generation", "0.40", "usd_per_second"),
    Price("veo-3.0-fast-generate-001", "video_generation", "0.15", "usd_per_second"),
    Price("veo-2.0-generate-001", "video_generation", "0.35", "usd_per_second"),
    # Gemini Embedding (lines 511-518).
    *both_tabs("gemini-embedding-001", {"input": "0.15"}, {"input": "0.075"}),
    # Robotics-ER (lines 533-544): its Batch tab is "Not available" throughout.
    *both_tabs(
        "gemini-robotics-er-1.5-preview",
        {"input": "0.30", "audio_input": "1.00", "output": "2.50", "web_search": "35"},
        {"input": None, "output": None, "web_search": None},
    ),
    # Computer Use (lines 555-556), untabbed; "prompts > 200k token".
    *section(
        "gemini-2.5-computer-use-preview-10-2025",
        "standard",
        {"input": ("1.25", "2.50"), "output": ("10.00", "15.00")},
    ),
]
NOT_MODELLED = {
    # Line 58/69: "1,500 RPD (free), then (Coming soon) $14 / 1,000 search queries".
    "(Coming soon) $14 / 1,000 search queries' not stored": "announced, not charged yet",
    # Lines 87/95: "$0.0011 (image)" under "per 1M tokens", footnoted "$0.067 per image".
    "'$0.0011 (image)' not stored": "the page contradicts itself on the unit of this amount",
    "'$0.0006 (image)' not stored": "the page contradicts itself on the unit of this amount",
    # Grounding rows' free requests per day: quotas, not prices.
    "free allowance '1,500 RPD (free)'": "a free quota",
    "free allowance '10,000 RPD (free)'": "a free quota",
    "free allowance '1,500 RPD (free, limit shared with Flash-Lite RPD)'": "a free quota",
    "free allowance '1,500 RPD (free, limit shared with Flash RPD)'": "a free quota",
    # Sections whose tables name no model id: Gemma is free-tier only; tools restate the rows.
    "section 'Gemma 3'": "no paid price and no model id",
    "section 'Gemma 3n'": "no paid price and no model id",
    "section 'Pricing for Tools'": "per-model grounding prices already stored from each model's table",
    # Footnotes and the Live API list: prices in prose, never attributed to models.
    "Image input is set at 560 tokens or $0.067 per image": "prose footnote",
    "Image output is priced at $120 per 1,000,000 tokens": "prose footnote",
    "Image output is priced at $30 per 1,000,000 tokens": "prose footnote",
    "gemini-2.0-flash-live-001: Input $0.35 (text), $2.10 (audio / image / video), Output: $1.50 (text), "
    "$8.50 (audio)": "prose list of half-cascade Live models",
}


RECALL: list[tuple[str, Page]] = [("google", Page(PAGE, PUBLISHED, NOT_MODELLED))]


def test_markdown_source_publishes_every_price_stored() -> None:
    body = (files("ratecard") / "captures" / "google" / PAGE).read_bytes()
    result = google.parse(
        body, "https://ai.google.dev/gemini-api/docs/pricing", datetime(2025, 11, 21, tzinfo=UTC)
    )
    assert_recalled(result, PUBLISHED, NOT_MODELLED)
