"""Recall (issue 12): every price an OpenAI capture publishes is stored with its unit and tier, or
is on a reviewed list of what ratecard does not model, and the parser says so in its notes.

The expectations were written from reading each page, not from the parser's output: each table's
rows as printed (amounts in column order, ``-`` where the page shows a dash), the tab each table
sits under, the unit each section states ("Prices per 1M tokens", "Prices per second", "Prices
per image", "$0.10 / GB per day"). ``NOT_MODELLED`` quotes the page and says why it is not
stored; every entry must appear in ``Parsed.notes`` and every note must be one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

from recall import Page, Price, as_stored

from ratecard import tiers
from ratecard.parsers import openai
from ratecard.parsers.base import Parsed
from ratecard.parsers.tabs import placed

CAPTURES = files("ratecard") / "captures" / "openai"
TOKENS = ("input", "cache_read", "output")
SHORT_LONG = (*TOKENS, *(f"long:{f}" for f in TOKENS))


def table(
    tab: str,
    columns: tuple[str, ...],
    rows: Mapping[str, tuple[str, ...]],
    unit: str = "usd_per_mtok",
    dims: Mapping[str, str] | None = None,
) -> list[Price]:
    """A table as printed under tab ``tab``: model -> amounts in column order. A column named
    ``long:<field>`` is a Long context column (tier ``context=long``)."""
    out = []
    for model, amounts in rows.items():
        for column, amount in zip(columns, amounts, strict=True):
            extra = dict(dims or {})
            if column.startswith("long:"):
                column, extra["context"] = column.removeprefix("long:"), "long"
            field, tier = placed(column, tab, extra)
            out.append(Price(model, field, None if amount == "-" else amount.lstrip("$"), unit, tier))
    return out


def assert_recalled(result: Parsed, published: list[Price], not_modelled: Mapping[str, str]) -> None:
    """Every published price stored as printed; nothing stored that the page does not publish
    (derived tiers aside); every not-modelled item in the notes and every note accounted for."""
    stored = {(r.model, r.field, r.tier): r for r in result.rates if r.status != "inferred"}
    missing, wrong = [], []
    for p in published:
        r = stored.get((p.model, p.field, p.tier))
        if r is None:
            missing.append(p)
        elif (r.value, r.unit, r.currency, r.status) != as_stored(p):
            wrong.append((p, r))
    assert missing == [] and wrong == []
    expected = {(p.model, p.field, p.tier) for p in published}
    assert sorted(k for k, r in stored.items() if r.unit != "flag" and k not in expected) == []
    unsaid = [quote for quote in not_modelled if not any(quote in n for n in result.notes)]
    assert unsaid == [], "not-modelled items the parser did not report"
    unlisted = [n for n in result.notes if not any(quote in n for quote in not_modelled)]
    assert unlisted == [], "notes not on the reviewed list"


def parse(name: str, day: datetime) -> Parsed:
    return openai.parse((CAPTURES / name).read_bytes(), "https://developers.openai.com/api/docs/pricing", day)


# --- developers.openai.com/api/docs/pricing, 2026-06-26 ------------------------------------------

DEV = "2026-06-26__developers-openai-api-docs-pricing.md"
DEV_FLAGSHIP = {
    "standard": {  # lines 16-21
        "gpt-5.5": ("$5.00", "$0.50", "$30.00", "$10.00", "$1.00", "$45.00"),
        "gpt-5.5-pro": ("$30.00", "-", "$180.00", "$60.00", "-", "$270.00"),
        "gpt-5.4": ("$2.50", "$0.25", "$15.00", "$5.00", "$0.50", "$22.50"),
        "gpt-5.4-mini": ("$0.75", "$0.075", "$4.50", "-", "-", "-"),
        "gpt-5.4-nano": ("$0.20", "$0.02", "$1.25", "-", "-", "-"),
        "gpt-5.4-pro": ("$30.00", "-", "$180.00", "$60.00", "-", "$270.00"),
    },
    "batch": {  # lines 32-37
        "gpt-5.5": ("$2.50", "$0.25", "$15.00", "$5.00", "$0.50", "$22.50"),
        "gpt-5.5-pro": ("$15.00", "-", "$90.00", "-", "-", "-"),
        "gpt-5.4": ("$1.25", "$0.13", "$7.50", "$2.50", "$0.25", "$11.25"),
        "gpt-5.4-mini": ("$0.375", "$0.0375", "$2.25", "-", "-", "-"),
        "gpt-5.4-nano": ("$0.10", "$0.01", "$0.625", "-", "-", "-"),
        "gpt-5.4-pro": ("$15.00", "-", "$90.00", "$30.00", "-", "$135.00"),
    },
    "flex": {  # lines 48-53: the same amounts as Batch on this page
        "gpt-5.5": ("$2.50", "$0.25", "$15.00", "$5.00", "$0.50", "$22.50"),
        "gpt-5.5-pro": ("$15.00", "-", "$90.00", "-", "-", "-"),
        "gpt-5.4": ("$1.25", "$0.13", "$7.50", "$2.50", "$0.25", "$11.25"),
        "gpt-5.4-mini": ("$0.375", "$0.0375", "$2.25", "-", "-", "-"),
        "gpt-5.4-nano": ("$0.10", "$0.01", "$0.625", "-", "-", "-"),
        "gpt-5.4-pro": ("$15.00", "-", "$90.00", "$30.00", "-", "$135.00"),
    },
    "priority": {  # lines 64-66
        "gpt-5.5": ("$12.50", "$1.25", "$75.00", "-", "-", "-"),
        "gpt-5.4": ("$5.00", "$0.50", "$30.00", "-", "-", "-"),
        "gpt-5.4-mini": ("$1.50", "$0.15", "$9.00", "-", "-", "-"),
    },
}
MODAL = ("input", "cache_read", "output")


def modal(tab: str, model: str, rows: Mapping[str, tuple[str, ...]]) -> list[Price]:
    """A model's rows of a Modality table: ``Text`` prices the plain fields, ``Image`` and
    ``Audio`` the ``image_`` / ``audio_`` ones."""
    prefix = {"Text": "", "Image": "image_", "Audio": "audio_"}
    out = []
    for modality, amounts in rows.items():
        cols = tuple(prefix[modality] + f for f in MODAL)
        out += table(tab, cols, {model: amounts})
    return out


DEV_PUBLISHED = [
    *(p for tab, rows in DEV_FLAGSHIP.items() for p in table(tab, SHORT_LONG, rows)),
    # Realtime and audio generation models, lines 80-84 ("Prices per 1M tokens unless noted").
    *modal(
        "standard",
        "gpt-realtime-2",
        {
            "Audio": ("$32.00", "$0.40", "$64.00"),
            "Text": ("$4.00", "$0.40", "$24.00"),
            "Image": ("$5.00", "$0.50", "-"),
        },
    ),
    *table("standard", ("audio_input", "audio_cache_read"), {"gpt-realtime-translate": ("-", "-")}),
    *table("standard", ("audio_input", "audio_cache_read"), {"gpt-realtime-whisper": ("-", "-")}),
    Price("gpt-realtime-translate", "audio_duration", "0.034", "usd_per_minute"),  # "$0.034 / minute"
    Price("gpt-realtime-whisper", "audio_duration", "0.017", "usd_per_minute"),  # "$0.017 / minute"
    # Image generation models, Standard (lines 100-105) and Batch (115-120), per 1M tokens.
    *modal(
        "standard", "gpt-image-2", {"Image": ("$8.00", "$2.00", "$30.00"), "Text": ("$5.00", "$1.25", "-")}
    ),
    *modal(
        "standard",
        "gpt-image-1.5",
        {"Image": ("$8.00", "$2.00", "$32.00"), "Text": ("$5.00", "$1.25", "$10.00")},
    ),
    *modal(
        "standard",
        "gpt-image-1-mini",
        {"Image": ("$2.50", "$0.25", "$8.00"), "Text": ("$2.00", "$0.20", "-")},
    ),
    *modal("batch", "gpt-image-2", {"Image": ("$4.00", "$1.00", "$15.00"), "Text": ("$2.50", "$0.625", "-")}),
    *modal(
        "batch", "gpt-image-1.5", {"Image": ("$4.00", "$1.00", "$16.00"), "Text": ("$2.50", "$0.63", "$5.00")}
    ),
    *modal(
        "batch", "gpt-image-1-mini", {"Image": ("$1.25", "$0.13", "$4.00"), "Text": ("$1.00", "$0.10", "-")}
    ),
    # Video generation models, "Prices per second", Standard (134-137) and Batch (143-146):
    # the tier is the Portrait size the row states.
    *(
        Price(m, f, v, "usd_per_second", tiers.make(resolution=res))
        for f, rows in (
            (
                "video_generation",
                (
                    ("sora-2", "720x1280", "0.10"),
                    ("sora-2-pro", "720x1280", "0.30"),
                    ("sora-2-pro", "1024x1792", "0.50"),
                    ("sora-2-pro", "1080x1920", "0.70"),
                ),
            ),
            (
                "batch_video_generation",
                (
                    ("sora-2", "720x1280", "0.05"),
                    ("sora-2-pro", "720x1280", "0.15"),
                    ("sora-2-pro", "1024x1792", "0.25"),
                    ("sora-2-pro", "1080x1920", "0.35"),
                ),
            ),
        )
        for m, res, v in rows
    ),
    # Transcription models, lines 154-155 (Input / Output per 1M tokens).
    *table("standard", ("input", "output"), {"gpt-4o-transcribe": ("$2.50", "$10.00")}),
    *table("standard", ("input", "output"), {"gpt-4o-mini-transcribe": ("$1.25", "$5.00")}),
    # Tools, lines 163-170.
    Price("web-search", "web_search", "10.00", "usd_per_1k_requests"),
    Price("image-web-search", "web_search", "10.00", "usd_per_1k_requests"),
    Price("web-search-preview", "web_search", "10.00", "usd_per_1k_requests", "models=reasoning"),
    Price("web-search-preview", "web_search", "25.00", "usd_per_1k_requests", "models=non-reasoning"),
    *(
        Price("containers", "code_container", v, "usd_per_container", f"memory={gb}gb")
        for gb, v in (("1", "0.03"), ("4", "0.12"), ("16", "0.48"), ("64", "1.92"))
    ),
    Price("file-search", "file_storage", "0.10", "usd_per_gb_day"),
    Price("file-search", "file_search", "2.50", "usd_per_1k_requests"),
    Price("chatkit", "file_storage", "0.10", "usd_per_gb_day"),
    # Specialized models: Standard (184-186), Batch (194-196), Priority (202).
    *table(
        "standard",
        TOKENS,
        {
            "chat-latest": ("$5.00", "$0.50", "$30.00"),
            "gpt-5.3-codex": ("$1.75", "$0.175", "$14.00"),
            "gpt-5.4-cyber": ("-", "-", "-"),
        },
    ),
    *table(
        "batch",
        TOKENS,
        {
            "o3-deep-research": ("$5.00", "-", "$20.00"),
            "o4-mini-deep-research": ("$1.00", "-", "$4.00"),
            "computer-use-preview": ("$1.50", "-", "$6.00"),
        },
    ),
    *table("priority", TOKENS, {"gpt-5.3-codex": ("$3.50", "$0.35", "$28.00")}),
    # Finetuning, Standard (226-227) and Batch (235-236); training per hour in every tab.
    *table(
        "standard",
        TOKENS,
        {"o4-mini-2025-04-16": ("$4.00", "$1.00", "$16.00")},
        dims={"variant": "fine-tuned"},
    ),
    *table(
        "batch", TOKENS, {"o4-mini-2025-04-16": ("$2.00", "$0.50", "$8.00")}, dims={"variant": "fine-tuned"}
    ),
    *table(
        "standard",
        TOKENS,
        {"o4-mini-2025-04-16": ("$2.00", "$0.50", "$8.00")},
        dims={"variant": "fine-tuned", "data_sharing": "yes"},
    ),
    *table(
        "batch",
        TOKENS,
        {"o4-mini-2025-04-16": ("$1.00", "$0.25", "$4.00")},
        dims={"variant": "fine-tuned", "data_sharing": "yes"},
    ),
    Price("o4-mini-2025-04-16", "training_hours", "100.00", "usd_per_hour", "variant=fine-tuned"),
    Price(
        "o4-mini-2025-04-16",
        "training_hours",
        "100.00",
        "usd_per_hour",
        "data_sharing=yes;variant=fine-tuned",
    ),
]
DEV_NOT_MODELLED = {
    # Transcription "Estimated cost" column: the page calls it an estimate.
    "Estimated cost '$0.006 / minute'": "an estimate of the token price per minute, not a price",
    "Estimated cost '$0.003 / minute'": "an estimate of the token price per minute, not a price",
    # Tool rows: what follows the price is billed elsewhere or free, not a price of its own.
    "'+ Search content tokens billed at model rates.'": "billed at the model's token rates",
    "'+ Search content tokens are free.'": "a statement, not a price",
    "'(1 GB free)'": "a free allowance, not a price",
    "'after 1 GB free per account per month'": "a free allowance, not a price",
    "per 20-minute session per container": "the session length is part of the per-container unit",
}


def test_developers_page_publishes_every_price_stored() -> None:
    result = parse(DEV, datetime(2026, 6, 26, tzinfo=UTC))
    assert_recalled(result, DEV_PUBLISHED, DEV_NOT_MODELLED)


def test_developers_page_regional_uplift_covers_exactly_the_flagship_prices() -> None:
    """Lines 23, 39, 55, 68: "Regional processing (data residency) endpoints are charged a 10%
    uplift ..." under each Flagship tab: every priced cell of those tables, x 1.1, inferred."""
    result = parse(DEV, datetime(2026, 6, 26, tzinfo=UTC))
    flagship = [p for tab, rows in DEV_FLAGSHIP.items() for p in table(tab, SHORT_LONG, rows) if p.value]
    expected = {
        (p.model, p.field, tiers.make(**tiers.parse(p.tier), processing="regional")): Decimal(p.value)
        * Decimal("1.1")
        for p in flagship
        if p.value is not None
    }
    derived = {(r.model, r.field, r.tier): r for r in result.rates if r.status == "inferred"}
    assert {k: r.value for k, r in derived.items()} == expected
    assert {r.reason for r in derived.values()} == {
        "Regional processing (data residency) endpoints are charged a 10% uplift for models released "
        "on or after March 5, 2026, that are eligible for data residency."
    }


# --- platform.openai.com/docs/pricing, 2025-12-20 -----------------------------------------------

DEC = "2025-12-20__platform-docs-pricing.md"
DEC_TEXT = {
    "batch": {  # lines 15-37
        "gpt-5.2": ("$0.875", "$0.0875", "$7.00"),
        "gpt-5.1": ("$0.625", "$0.0625", "$5.00"),
        "gpt-5": ("$0.625", "$0.0625", "$5.00"),
        "gpt-5-mini": ("$0.125", "$0.0125", "$1.00"),
        "gpt-5-nano": ("$0.025", "$0.0025", "$0.20"),
        "gpt-5.2-pro": ("$10.50", "-", "$84.00"),
        "gpt-5-pro": ("$7.50", "-", "$60.00"),
        "gpt-4.1": ("$1.00", "-", "$4.00"),
        "gpt-4.1-mini": ("$0.20", "-", "$0.80"),
        "gpt-4.1-nano": ("$0.05", "-", "$0.20"),
        "gpt-4o": ("$1.25", "-", "$5.00"),
        "gpt-4o-2024-05-13": ("$2.50", "-", "$7.50"),
        "gpt-4o-mini": ("$0.075", "-", "$0.30"),
        "o1": ("$7.50", "-", "$30.00"),
        "o1-pro": ("$75.00", "-", "$300.00"),
        "o3-pro": ("$10.00", "-", "$40.00"),
        "o3": ("$1.00", "-", "$4.00"),
        "o3-deep-research": ("$5.00", "-", "$20.00"),
        "o4-mini": ("$0.55", "-", "$2.20"),
        "o4-mini-deep-research": ("$1.00", "-", "$4.00"),
        "o3-mini": ("$0.55", "-", "$2.20"),
        "o1-mini": ("$0.55", "-", "$2.20"),
        "computer-use-preview": ("$1.50", "-", "$6.00"),
    },
    "flex": {  # lines 43-49
        "gpt-5.2": ("$0.875", "$0.0875", "$7.00"),
        "gpt-5.1": ("$0.625", "$0.0625", "$5.00"),
        "gpt-5": ("$0.625", "$0.0625", "$5.00"),
        "gpt-5-mini": ("$0.125", "$0.0125", "$1.00"),
        "gpt-5-nano": ("$0.025", "$0.0025", "$0.20"),
        "o3": ("$1.00", "$0.25", "$4.00"),
        "o4-mini": ("$0.55", "$0.138", "$2.20"),
    },
    "standard": {  # lines 55-100
        "gpt-5.2": ("$1.75", "$0.175", "$14.00"),
        "gpt-5.1": ("$1.25", "$0.125", "$10.00"),
        "gpt-5": ("$1.25", "$0.125", "$10.00"),
        "gpt-5-mini": ("$0.25", "$0.025", "$2.00"),
        "gpt-5-nano": ("$0.05", "$0.005", "$0.40"),
        "gpt-5.2-chat-latest": ("$1.75", "$0.175", "$14.00"),
        "gpt-5.1-chat-latest": ("$1.25", "$0.125", "$10.00"),
        "gpt-5-chat-latest": ("$1.25", "$0.125", "$10.00"),
        "gpt-5.1-codex-max": ("$1.25", "$0.125", "$10.00"),
        "gpt-5.1-codex": ("$1.25", "$0.125", "$10.00"),
        "gpt-5-codex": ("$1.25", "$0.125", "$10.00"),
        "gpt-5.2-pro": ("$21.00", "-", "$168.00"),
        "gpt-5-pro": ("$15.00", "-", "$120.00"),
        "gpt-4.1": ("$2.00", "$0.50", "$8.00"),
        "gpt-4.1-mini": ("$0.40", "$0.10", "$1.60"),
        "gpt-4.1-nano": ("$0.10", "$0.025", "$0.40"),
        "gpt-4o": ("$2.50", "$1.25", "$10.00"),
        "gpt-4o-2024-05-13": ("$5.00", "-", "$15.00"),
        "gpt-4o-mini": ("$0.15", "$0.075", "$0.60"),
        "gpt-realtime": ("$4.00", "$0.40", "$16.00"),
        "gpt-realtime-mini": ("$0.60", "$0.06", "$2.40"),
        "gpt-4o-realtime-preview": ("$5.00", "$2.50", "$20.00"),
        "gpt-4o-mini-realtime-preview": ("$0.60", "$0.30", "$2.40"),
        "gpt-audio": ("$2.50", "-", "$10.00"),
        "gpt-audio-mini": ("$0.60", "-", "$2.40"),
        "gpt-4o-audio-preview": ("$2.50", "-", "$10.00"),
        "gpt-4o-mini-audio-preview": ("$0.15", "-", "$0.60"),
        "o1": ("$15.00", "$7.50", "$60.00"),
        "o1-pro": ("$150.00", "-", "$600.00"),
        "o3-pro": ("$20.00", "-", "$80.00"),
        "o3": ("$2.00", "$0.50", "$8.00"),
        "o3-deep-research": ("$10.00", "$2.50", "$40.00"),
        "o4-mini": ("$1.10", "$0.275", "$4.40"),
        "o4-mini-deep-research": ("$2.00", "$0.50", "$8.00"),
        "o3-mini": ("$1.10", "$0.55", "$4.40"),
        "o1-mini": ("$1.10", "$0.55", "$4.40"),
        "gpt-5.1-codex-mini": ("$0.25", "$0.025", "$2.00"),
        "codex-mini-latest": ("$1.50", "$0.375", "$6.00"),
        "gpt-5-search-api": ("$1.25", "$0.125", "$10.00"),
        "gpt-4o-mini-search-preview": ("$0.15", "-", "$0.60"),
        "gpt-4o-search-preview": ("$2.50", "-", "$10.00"),
        "computer-use-preview": ("$3.00", "-", "$12.00"),
        "gpt-image-1.5": ("$5.00", "$1.25", "$10.00"),
        "chatgpt-image-latest": ("$5.00", "$1.25", "$10.00"),
        "gpt-image-1": ("$5.00", "$1.25", "-"),
        "gpt-image-1-mini": ("$2.00", "$0.20", "-"),
    },
    "priority": {  # lines 106-120
        "gpt-5.2": ("$3.50", "$0.35", "$28.00"),
        "gpt-5.1": ("$2.50", "$0.25", "$20.00"),
        "gpt-5": ("$2.50", "$0.25", "$20.00"),
        "gpt-5-mini": ("$0.45", "$0.045", "$3.60"),
        "gpt-5.1-codex-max": ("$2.50", "$0.25", "$20.00"),
        "gpt-5.1-codex": ("$2.50", "$0.25", "$20.00"),
        "gpt-5-codex": ("$2.50", "$0.25", "$20.00"),
        "gpt-4.1": ("$3.50", "$0.875", "$14.00"),
        "gpt-4.1-mini": ("$0.70", "$0.175", "$2.80"),
        "gpt-4.1-nano": ("$0.20", "$0.05", "$0.80"),
        "gpt-4o": ("$4.25", "$2.125", "$17.00"),
        "gpt-4o-2024-05-13": ("$8.75", "-", "$26.25"),
        "gpt-4o-mini": ("$0.25", "$0.125", "$1.00"),
        "o3": ("$3.50", "$0.875", "$14.00"),
        "o4-mini": ("$2.00", "$0.50", "$8.00"),
    },
}
DEC_IMAGE_TOKENS = {  # lines 140-145
    "gpt-image-1.5": ("$8.00", "$2.00", "$32.00"),
    "chatgpt-image-latest": ("$8.00", "$2.00", "$32.00"),
    "gpt-image-1": ("$10.00", "$2.50", "$40.00"),
    "gpt-image-1-mini": ("$2.50", "$0.25", "$8.00"),
    "gpt-realtime": ("$5.00", "$0.50", "-"),
    "gpt-realtime-mini": ("$0.80", "$0.08", "-"),
}
DEC_AUDIO_TOKENS = {  # lines 153-160
    "gpt-realtime": ("$32.00", "$0.40", "$64.00"),
    "gpt-realtime-mini": ("$10.00", "$0.30", "$20.00"),
    "gpt-4o-realtime-preview": ("$40.00", "$2.50", "$80.00"),
    "gpt-4o-mini-realtime-preview": ("$10.00", "$0.30", "$20.00"),
    "gpt-audio": ("$32.00", "-", "$64.00"),
    "gpt-audio-mini": ("$10.00", "-", "$20.00"),
    "gpt-4o-audio-preview": ("$40.00", "-", "$80.00"),
    "gpt-4o-mini-audio-preview": ("$10.00", "-", "$20.00"),
}
DEC_FINE_TUNING = {  # lines 182-206: (training, input, cached input, output) per tab
    "batch": {
        "gpt-4.1-2025-04-14": ("$25.00", "$1.50", "$0.50", "$6.00"),
        "gpt-4.1-mini-2025-04-14": ("$5.00", "$0.40", "$0.10", "$1.60"),
        "gpt-4.1-nano-2025-04-14": ("$1.50", "$0.10", "$0.025", "$0.40"),
        "gpt-4o-2024-08-06": ("$25.00", "$2.225", "$0.90", "$12.50"),
        "gpt-4o-mini-2024-07-18": ("$3.00", "$0.15", "$0.075", "$0.60"),
        "gpt-3.5-turbo": ("$8.00", "$1.50", "-", "$3.00"),
        "davinci-002": ("$6.00", "$6.00", "-", "$6.00"),
        "babbage-002": ("$0.40", "$0.80", "-", "$0.90"),
    },
    "standard": {
        "gpt-4.1-2025-04-14": ("$25.00", "$3.00", "$0.75", "$12.00"),
        "gpt-4.1-mini-2025-04-14": ("$5.00", "$0.80", "$0.20", "$3.20"),
        "gpt-4.1-nano-2025-04-14": ("$1.50", "$0.20", "$0.05", "$0.80"),
        "gpt-4o-2024-08-06": ("$25.00", "$3.75", "$1.875", "$15.00"),
        "gpt-4o-mini-2024-07-18": ("$3.00", "$0.30", "$0.15", "$1.20"),
        "gpt-3.5-turbo": ("$8.00", "$3.00", "-", "$6.00"),
        "davinci-002": ("$6.00", "$12.00", "-", "$12.00"),
        "babbage-002": ("$0.40", "$1.60", "-", "$1.60"),
    },
}
DEC_O4_FT = {  # lines 182-183 and 197-198: training "$100.00 / hour" in both tabs
    ("batch", ""): ("$2.00", "$0.50", "$8.00"),
    ("batch", "yes"): ("$1.00", "$0.25", "$4.00"),
    ("standard", ""): ("$4.00", "$1.00", "$16.00"),
    ("standard", "yes"): ("$2.00", "$0.50", "$8.00"),
}
DEC_LEGACY = {  # lines 325-360: (input, output)
    "batch": {
        "gpt-4-turbo-2024-04-09": ("$5.00", "$15.00"),
        "gpt-4-0125-preview": ("$5.00", "$15.00"),
        "gpt-4-1106-preview": ("$5.00", "$15.00"),
        "gpt-4-1106-vision-preview": ("$5.00", "$15.00"),
        "gpt-4-0613": ("$15.00", "$30.00"),
        "gpt-4-0314": ("$15.00", "$30.00"),
        "gpt-4-32k": ("$30.00", "$60.00"),
        "gpt-3.5-turbo-0125": ("$0.25", "$0.75"),
        "gpt-3.5-turbo-1106": ("$1.00", "$2.00"),
        "gpt-3.5-turbo-0613": ("$1.50", "$2.00"),
        "gpt-3.5-0301": ("$1.50", "$2.00"),
        "gpt-3.5-turbo-16k-0613": ("$1.50", "$2.00"),
        "davinci-002": ("$1.00", "$1.00"),
        "babbage-002": ("$0.20", "$0.20"),
    },
    "standard": {
        "chatgpt-4o-latest": ("$5.00", "$15.00"),
        "gpt-4-turbo-2024-04-09": ("$10.00", "$30.00"),
        "gpt-4-0125-preview": ("$10.00", "$30.00"),
        "gpt-4-1106-preview": ("$10.00", "$30.00"),
        "gpt-4-1106-vision-preview": ("$10.00", "$30.00"),
        "gpt-4-0613": ("$30.00", "$60.00"),
        "gpt-4-0314": ("$30.00", "$60.00"),
        "gpt-4-32k": ("$60.00", "$120.00"),
        "gpt-3.5-turbo": ("$0.50", "$1.50"),
        "gpt-3.5-turbo-0125": ("$0.50", "$1.50"),
        "gpt-3.5-turbo-1106": ("$1.00", "$2.00"),
        "gpt-3.5-turbo-0613": ("$1.50", "$2.00"),
        "gpt-3.5-0301": ("$1.50", "$2.00"),
        "gpt-3.5-turbo-instruct": ("$1.50", "$2.00"),
        "gpt-3.5-turbo-16k-0613": ("$3.00", "$4.00"),
        "davinci-002": ("$2.00", "$2.00"),
        "babbage-002": ("$0.40", "$0.40"),
    },
}
#: Image generation, "Prices per image." (lines 279-299): model -> quality -> prices by size.
DEC_IMAGES = {
    ("gpt-image-1.5", "gpt-image-latest"): (
        ("1024x1024", "1024x1536", "1536x1024"),
        {
            "low": ("0.009", "0.013", "0.013"),
            "medium": ("0.034", "0.05", "0.05"),
            "high": ("0.133", "0.2", "0.2"),
        },
    ),
    ("gpt-image-1",): (
        ("1024x1024", "1024x1536", "1536x1024"),
        {
            "low": ("0.011", "0.016", "0.016"),
            "medium": ("0.042", "0.063", "0.063"),
            "high": ("0.167", "0.25", "0.25"),
        },
    ),
    ("gpt-image-1-mini",): (
        ("1024x1024", "1024x1536", "1536x1024"),
        {
            "low": ("0.005", "0.006", "0.006"),
            "medium": ("0.011", "0.015", "0.015"),
            "high": ("0.036", "0.052", "0.052"),
        },
    ),
    ("dall-e-3",): (
        ("1024x1024", "1024x1792", "1792x1024"),
        {"standard": ("0.04", "0.08", "0.08"), "hd": ("0.08", "0.12", "0.12")},
    ),
    ("dall-e-2",): (("256x256", "512x512", "1024x1024"), {"standard": ("0.016", "0.018", "0.02")}),
}
DEC_PUBLISHED = [
    *(p for tab, rows in DEC_TEXT.items() for p in table(tab, TOKENS, rows)),
    *table("standard", ("image_input", "image_cache_read", "image_output"), DEC_IMAGE_TOKENS),
    *table("standard", ("audio_input", "audio_cache_read", "audio_output"), DEC_AUDIO_TOKENS),
    # Video, "Prices per second." (lines 168-170), tier = the Portrait size of the row.
    Price("sora-2", "video_generation", "0.10", "usd_per_second", "resolution=720x1280"),
    Price("sora-2-pro", "video_generation", "0.30", "usd_per_second", "resolution=720x1280"),
    Price("sora-2-pro", "video_generation", "0.50", "usd_per_second", "resolution=1024x1792"),
    *(
        p
        for tab, rows in DEC_FINE_TUNING.items()
        for p in table(
            tab, ("training", "input", "cache_read", "output"), rows, dims={"variant": "fine-tuned"}
        )
        if p.field != "batch_training"  # training is the same in every tab: one price
    ),
    *(
        p
        for (tab, sharing), amounts in DEC_O4_FT.items()
        for p in table(
            tab,
            TOKENS,
            {"o4-mini-2025-04-16": amounts},
            dims={"variant": "fine-tuned", **({"data_sharing": sharing} if sharing else {})},
        )
    ),
    Price("o4-mini-2025-04-16", "training_hours", "100.00", "usd_per_hour", "variant=fine-tuned"),
    Price(
        "o4-mini-2025-04-16",
        "training_hours",
        "100.00",
        "usd_per_hour",
        "data_sharing=yes;variant=fine-tuned",
    ),
    # Built-in tools (lines 217-222) and AgentKit (243).
    *(
        Price("containers", "code_container", v, "usd_per_container", f"memory={gb}gb")
        for gb, v in (("1", "0.03"), ("4", "0.12"), ("16", "0.48"), ("64", "1.92"))
    ),
    Price("file-search", "file_storage", "0.10", "usd_per_gb_day"),
    Price("file-search", "file_search", "2.50", "usd_per_1k_requests"),
    Price("web-search", "web_search", "10.00", "usd_per_1k_requests"),
    Price("web-search-preview", "web_search", "10.00", "usd_per_1k_requests", "models=reasoning"),
    Price("web-search-preview", "web_search", "25.00", "usd_per_1k_requests", "models=non-reasoning"),
    Price("chatkit", "file_storage", "0.10", "usd_per_gb_day"),
    # Transcription and speech generation: text tokens (253-256), audio tokens (262-265), other (271-273).
    *table(
        "standard",
        ("input", "output"),
        {
            "gpt-4o-mini-tts": ("$0.60", "-"),
            "gpt-4o-transcribe": ("$2.50", "$10.00"),
            "gpt-4o-transcribe-diarize": ("$2.50", "$10.00"),
            "gpt-4o-mini-transcribe": ("$1.25", "$5.00"),
        },
    ),
    *table(
        "standard",
        ("audio_input", "audio_output"),
        {
            "gpt-4o-mini-tts": ("-", "$12.00"),
            "gpt-4o-transcribe": ("$6.00", "-"),
            "gpt-4o-transcribe-diarize": ("$6.00", "-"),
            "gpt-4o-mini-transcribe": ("$3.00", "-"),
        },
    ),
    Price("whisper", "transcription", "0.006", "usd_per_minute"),
    Price("tts", "speech_generation", "15.00", "usd_per_mchars"),
    Price("tts-hd", "speech_generation", "30.00", "usd_per_mchars"),
    *(
        Price(model, "image_generation", v, "usd_per_image", tiers.make(quality=quality, size=size))
        for models, (sizes, qualities) in DEC_IMAGES.items()
        for model in models
        for quality, prices in qualities.items()
        for size, v in zip(sizes, prices, strict=True)
    ),
    # Embeddings (lines 307-309): cost and batch cost per 1M tokens.
    *table(
        "standard",
        ("input", "batch_input"),
        {
            "text-embedding-3-small": ("$0.02", "$0.01"),
            "text-embedding-3-large": ("$0.13", "$0.065"),
            "text-embedding-ada-002": ("$0.10", "$0.05"),
        },
    ),
    *(p for tab, rows in DEC_LEGACY.items() for p in table(tab, ("input", "output"), rows)),
]
DEC_NOT_MODELLED = {
    "gpt-4o-mini-tts: Estimated cost '$0.015 / minute'": "an estimate, not a price",
    "gpt-4o-transcribe: Estimated cost '$0.006 / minute'": "an estimate, not a price",
    "gpt-4o-transcribe-diarize: Estimated cost '$0.006 / minute'": "an estimate, not a price",
    "gpt-4o-mini-transcribe: Estimated cost '$0.003 / minute'": "an estimate, not a price",
    "'(1GB free)'": "a free allowance of file search storage, not a price",
    "'+ search content tokens billed at model rates'": "billed at the model's token rates",
    "'+ search content tokens are free'": "a statement, not a price",
    "free tier '1 GB'": "AgentKit's free allowance per account per month, not a price",
    # Line 313: "Our omni-moderation models are made available free of charge" names a family,
    # not an API model id; prose is not attributed to models.
    "omni-moderation models are made available free of charge": "prose about a model family",
}


def test_dec20_page_publishes_every_price_stored() -> None:
    result = parse(DEC, datetime(2025, 12, 20, tzinfo=UTC))
    assert_recalled(result, DEC_PUBLISHED, DEC_NOT_MODELLED)


RECALL: list[tuple[str, Page]] = [
    ("openai", Page(DEC, DEC_PUBLISHED, DEC_NOT_MODELLED)),
    ("openai", Page(DEV, DEV_PUBLISHED, DEV_NOT_MODELLED)),
]
