"""Recall (issue 12) on the xAI captures: every price the models page (2025-12-31) and the
pricing page (2026-05-27) publish is stored with its unit and tier, or is on the reviewed list
of what is not modelled (and noted).

Written from reading the pages: the Pricing cell of each language model is its input and output
price per million tokens (the group row says "Per million tokens"), image models price "Per image
output"; tool costs are per 1,000 calls; Imagine output by resolution; voice per minute, per
million characters and per hour; storage per GiB per day.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import pytest
from recall import Page, Price
from test_recall_openai import assert_recalled

from ratecard.parsers import xai

CAPTURES = files("ratecard") / "captures" / "xai"
K_CALLS = "usd_per_1k_requests"


def per_mtok(model: str, *pairs: tuple[str, str]) -> list[Price]:
    return [Price(model, field, value) for field, value in pairs]


MODELS_PAGE = "2025-12-31__docs-models.md"
MODELS_PUBLISHED = [
    # Lines 39-47: "| <model> | ... | $input$output |" under "Language models | | Per million tokens".
    *(
        p
        for model, i, o in (
            ("grok-4-1-fast-reasoning", "0.20", "0.50"),
            ("grok-4-1-fast-non-reasoning", "0.20", "0.50"),
            ("grok-code-fast-1", "0.20", "1.50"),
            ("grok-4-fast-reasoning", "0.20", "0.50"),
            ("grok-4-fast-non-reasoning", "0.20", "0.50"),
            ("grok-4-0709", "3.00", "15.00"),
            ("grok-3-mini", "0.30", "0.50"),
            ("grok-3", "3.00", "15.00"),
            ("grok-2-vision-1212", "2.00", "10.00"),
        )
        for p in per_mtok(model, ("input", i), ("output", o))
    ),
    # Line 49 under "Image generation models | | Per image output".
    Price("grok-2-image-1212", "image_generation", "0.07", "usd_per_image"),
    # Tool invocation costs, lines 76-82 ("Cost per 1,000 calls"), and line 107 "$2.50/1k requests".
    Price("web-search", "web_search", "5", K_CALLS),
    Price("x-search", "request", "5", K_CALLS),
    Price("code-execution", "request", "5", K_CALLS),
    Price("document-search", "request", "5", K_CALLS),
    Price("collections-search", "request", "2.50", K_CALLS),
    Price("documents-search", "request", "2.50", K_CALLS),
]
MODELS_NOT_MODELLED = {
    "'View Image': 'Token-based only'": "billed as image tokens of the model used",
    "'View X Video': 'Token-based only'": "billed as tokens of the model used",
    "'Remote MCP Tools': 'Token-based only'": "billed as tokens of the model used",
    # Line 95: "$25 per 1,000 sources requested" (Live Search, being deprecated) is prose.
    "Live Search costs $25 per 1,000 sources": "prose; a per-source unit ratecard has no field for",
    # Line 111: "$0.05 per request usage guidelines violation fee" is prose.
    "will charge a $0.05 per request": "prose; a penalty, not a price of a model",
}

PRICING_PAGE = "2026-05-27__docs-pricing.jina.md"
TEXT = ("input", "cache_read", "output")
PRICING_PUBLISHED = [
    # Chat API, lines 18-22 ("Prices per 1M tokens"; Context is the window, not a tier).
    *(
        p
        for model, amounts in (
            ("grok-build-0.1", ("1.00", "0.20", "2.00")),
            ("grok-4.3", ("1.25", "0.20", "2.50")),
            ("grok-4.20-multi-agent-0309", ("1.25", "0.20", "2.50")),
            ("grok-4.20-0309-reasoning", ("1.25", "0.20", "2.50")),
            ("grok-4.20-0309-non-reasoning", ("1.25", "0.20", "2.50")),
        )
        for p in per_mtok(model, *zip(TEXT, amounts, strict=True))
    ),
    # Imagine, lines 26-33: media input per input image / second, output by resolution.
    Price("grok-imagine-image", "image_analysis", "0.002", "usd_per_image"),
    Price("grok-imagine-image", "image_generation", "0.02", "usd_per_image", "resolution=1k"),
    Price("grok-imagine-image", "image_generation", "0.02", "usd_per_image", "resolution=2k"),
    Price("grok-imagine-image-quality", "image_analysis", "0.01", "usd_per_image"),
    Price("grok-imagine-image-quality", "image_generation", "0.05", "usd_per_image", "resolution=1k"),
    Price("grok-imagine-image-quality", "image_generation", "0.07", "usd_per_image", "resolution=2k"),
    Price("grok-imagine-video", "video_analysis", "0.01", "usd_per_second"),
    Price("grok-imagine-video", "image_analysis", "0.002", "usd_per_image"),
    Price("grok-imagine-video", "video_generation", "0.05", "usd_per_second", "resolution=480p"),
    Price("grok-imagine-video", "video_generation", "0.07", "usd_per_second", "resolution=720p"),
    Price("grok-imagine-video-1.5-preview", "image_analysis", "0.01", "usd_per_image"),
    Price("grok-imagine-video-1.5-preview", "video_generation", "0.08", "usd_per_second", "resolution=480p"),
    Price("grok-imagine-video-1.5-preview", "video_generation", "0.14", "usd_per_second", "resolution=720p"),
    # Voice, lines 37-40.
    Price("realtime", "audio_duration", "0.05", "usd_per_minute"),
    Price("text-to-speech", "speech_generation", "15.00", "usd_per_mchars"),
    Price("speech-to-text", "transcription_hours", "0.10", "usd_per_hour", "mode=rest"),
    Price("speech-to-text", "transcription_hours", "0.20", "usd_per_hour", "mode=streaming"),
    # Tool invocation costs, lines 60-64 ("$5 / 1k calls").
    Price("web-search", "web_search", "5", K_CALLS),
    Price("x-search", "request", "5", K_CALLS),
    Price("code-execution", "request", "5", K_CALLS),
    Price("file-attachments", "request", "10", K_CALLS),
    Price("collections-search", "request", "2.50", K_CALLS),
    # Files and collections storage, lines 105-106.
    Price("file-storage", "file_storage", "0.025", "usd_per_gb_day"),
    Price("collection-storage", "file_storage", "0.10", "usd_per_gb_day"),
]
PRICING_NOT_MODELLED = {
    "'($3.00 / hr)' restates the price": "the per-hour figure of the per-minute price",
    "'$0.004 / message'": "per message: no unit for it in ratecard.units",
    "'Image Understanding': 'Token-based'": "billed as tokens of the model used",
    "'X Video Understanding': 'Token-based'": "billed as tokens of the model used",
    "'Remote MCP Tools': 'Token-based'": "billed as tokens of the model used",
    # Line 89: a discount range cannot be turned into a price without guessing.
    "20%-50% off standard rates": "a range, per model only on each model's page",
    "File downloads: '$0.20 / GiB downloaded'": "per GiB transferred: no unit in ratecard.units",
    "Collection downloads: '$0.20 / GiB downloaded'": "per GiB transferred: no unit in ratecard.units",
    "$0.05 usage guideline violation fee": "prose; a penalty, not a price of a model",
}


RECALL: list[tuple[str, Page]] = [
    ("xai", Page(MODELS_PAGE, MODELS_PUBLISHED, MODELS_NOT_MODELLED)),
    ("xai", Page(PRICING_PAGE, PRICING_PUBLISHED, PRICING_NOT_MODELLED)),
]


@pytest.mark.parametrize("page", [page for _, page in RECALL], ids=lambda page: page.name)
def test_every_published_price_is_stored(page: Page) -> None:
    day = datetime.fromisoformat(page.name[:10]).replace(tzinfo=UTC)
    result = xai.parse((CAPTURES / page.name).read_bytes(), "https://docs.x.ai/docs/pricing", day)
    assert_recalled(result, page.published, page.not_modelled)
