"""Recall (issue 12): every price each Anthropic capture publishes is stored, or is on a reviewed list.

The lists below were written from reading each page, not from the parser's output: the model table
rows as printed (base input, 5m and 1h cache writes, cache hits, output), the batch rows, the
long-context and fast-mode prices, the tool and product prices. ``NOT_MODELLED`` is what the page
states about prices that ratecard does not store, with the reason; each entry must be reported in
``Parsed.notes`` and every note must be one of them, so nothing the parser saw goes unsaid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import pytest
from recall import Page, Price, problems

from ratecard.parsers.anthropic import parse
from ratecard.parsers.base import Parsed

CAPTURES = files("ratecard") / "captures" / "anthropic"
MAIN_FIELDS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")


def rows(table: dict[str, tuple[str, ...]], fields: tuple[str, ...] = MAIN_FIELDS) -> list[Price]:
    """A price table as printed: model -> its amounts, in column order."""
    return [Price(m, f, v) for m, amounts in table.items() for f, v in zip(fields, amounts, strict=True)]


def batch(table: dict[str, tuple[str, str]]) -> list[Price]:
    return rows(table, ("batch_input", "batch_output"))


def long_context(models: tuple[str, ...], base: tuple[str, str], above: tuple[str, str]) -> list[Price]:
    """``≤ 200K`` (the standard price, again) and ``> 200K`` input and output of the named models."""
    out = []
    for m in models:
        out += [Price(m, "input", base[0]), Price(m, "output", base[1])]
        out += [
            Price(m, "input", above[0], tier="context>200k"),
            Price(m, "output", above[1], tier="context>200k"),
        ]
    return out


OPUS_4 = ("15", "18.75", "30", "1.50", "75")
SONNET = ("3", "3.75", "6", "0.30", "15")
OPUS_45 = ("5", "6.25", "10", "0.50", "25")
HAIKU_45 = ("1", "1.25", "2", "0.10", "5")
HAIKU_35 = ("0.80", "1", "1.6", "0.08", "4")
HAIKU_3 = ("0.25", "0.30", "0.50", "0.03", "1.25")
BATCH_OPUS_4 = ("7.50", "37.50")
BATCH_SONNET = ("1.50", "7.50")
BATCH_OPUS_45 = ("2.50", "12.50")

#: Rows every page since October 2025 prints the same way.
MAIN_2025 = {
    "claude-opus-4-1": OPUS_4,
    "claude-opus-4": OPUS_4,
    "claude-sonnet-4-5": SONNET,
    "claude-sonnet-4": SONNET,
    "claude-3-7-sonnet": SONNET,
    "claude-haiku-4-5": HAIKU_45,
    "claude-3-5-haiku": HAIKU_35,
    "claude-3-opus": OPUS_4,
    "claude-3-haiku": HAIKU_3,
}
BATCH_2025 = {
    "claude-opus-4-1": BATCH_OPUS_4,
    "claude-opus-4": BATCH_OPUS_4,
    "claude-sonnet-4-5": BATCH_SONNET,
    "claude-sonnet-4": BATCH_SONNET,
    "claude-3-7-sonnet": BATCH_SONNET,
    "claude-haiku-4-5": ("0.50", "2.50"),
    "claude-3-5-haiku": ("0.40", "2"),
    "claude-3-opus": BATCH_OPUS_4,
    "claude-3-haiku": ("0.125", "0.625"),
}
WEB_SEARCH = Price("web-search", "web_search", "10", "usd_per_1k_requests")  # "$10 per 1,000 searches"
CODE_EXECUTION = Price("code-execution", "code_execution", "0.05", "usd_per_container_hour")

#: Statements every 2025/early-2026 page makes about prices without pricing a model.
CACHE_MULTIPLIERS = {
    "1.25 times": "5-minute cache writes as a multiple of base input: the table prices them per model",
    "2 times": "1-hour cache writes as a multiple of base input: the table prices them per model",
    "0.1 times": "cache reads as a multiple of base input: the table prices them per model",
}
COMMON_NOT_MODELLED = {
    "10%": "regional-endpoint premium on Bedrock/Vertex: third-party prices, not Anthropic's",
    "50%": "the batch discount (priced per model in the batch table); its stacking with long context is not stored",
    "no additional charges": "web fetch: no price of its own",
    "no additional cost": "web fetch: no price of its own",
}
EXAMPLES_2025 = {
    "$3/MTok": "customer support example (restates Sonnet 4.5's input price)",
    "$15/MTok": "customer support example (restates Sonnet 4.5's output price)",
    "~$22.20 per 10,000 tickets": "customer support example: a total, not a price",
    "~$0.003 per request": "agent workflow example: an estimate, not a price",
    "~$0.015 per operation": "agent workflow example: an estimate, not a price",
    "~$0.045 per action": "agent workflow example: an estimate, not a price",
}


OVERVIEW = Page(
    "2025-10-15__docs-models-overview.jina.md",
    rows({**{k: v for k, v in MAIN_2025.items() if k != "claude-haiku-4-5"}, "claude-3-5-sonnet": SONNET}),
    {},  # the models overview prices nothing else
)
OCT25 = Page(
    "2025-10-25__docs-claude-pricing.md",
    rows({**MAIN_2025, "claude-3-5-sonnet": SONNET})
    + batch({**BATCH_2025, "claude-3-5-sonnet": BATCH_SONNET})
    + long_context(("claude-sonnet-4", "claude-sonnet-4-5"), ("3", "15"), ("6", "22.50"))
    + [WEB_SEARCH, CODE_EXECUTION],  # "**Pricing**: \$0.05 per session-hour."
    {**CACHE_MULTIPLIERS, **COMMON_NOT_MODELLED, **EXAMPLES_2025},
)
LATE_2025 = rows(MAIN_2025) + batch(BATCH_2025)
LONG_2025 = long_context(("claude-sonnet-4", "claude-sonnet-4-5"), ("3", "15"), ("6", "22.50"))
OCT29 = Page(
    "2025-10-29__docs-claude-pricing.md",
    [*LATE_2025, *LONG_2025, WEB_SEARCH, CODE_EXECUTION],
    {
        **CACHE_MULTIPLIERS,
        **COMMON_NOT_MODELLED,
        **EXAMPLES_2025,
        "50 free hours": "code execution's free allowance per organization per day: an allowance, not a price",
    },
)
NOV19 = Page("2025-11-19__docs-claude-pricing.md", OCT29.published, OCT29.not_modelled)
JAN15 = Page(
    "2026-01-15__platform-claude-pricing.md",
    [
        *rows({**MAIN_2025, "claude-opus-4-5": OPUS_45}),
        *batch({**BATCH_2025, "claude-opus-4-5": BATCH_OPUS_45}),
        *LONG_2025,
        WEB_SEARCH,
        CODE_EXECUTION,
    ],
    {
        **CACHE_MULTIPLIERS,
        **COMMON_NOT_MODELLED,
        **EXAMPLES_2025,
        "1,550 free hours": "code execution's free allowance per organization per month: not a price",
    },
)
FREE_WITH_SEARCH = "code execution is free with web_search/web_fetch 20260209: a condition, not a price"
FEB18 = Page(
    "2026-02-18__platform-claude-pricing.md",
    [
        *rows(
            {**MAIN_2025, "claude-opus-4-5": OPUS_45, "claude-opus-4-6": OPUS_45, "claude-sonnet-4-6": SONNET}
        ),
        *batch(
            {
                **BATCH_2025,
                "claude-opus-4-5": BATCH_OPUS_45,
                "claude-opus-4-6": BATCH_OPUS_45,
                "claude-sonnet-4-6": BATCH_SONNET,
            }
        ),
        *long_context(("claude-opus-4-6",), ("5", "25"), ("10", "37.50")),
        *long_context(
            ("claude-sonnet-4-6", "claude-sonnet-4-5", "claude-sonnet-4"), ("3", "15"), ("6", "22.50")
        ),
        # Fast mode, "Currently supported on Opus 4.6": ≤ 200K $30/$150, > 200K $60/$225.
        Price("claude-opus-4-6", "input", "30", tier="service=fast"),
        Price("claude-opus-4-6", "output", "150", tier="service=fast"),
        Price("claude-opus-4-6", "input", "60", tier="context>200k;service=fast"),
        Price("claude-opus-4-6", "output", "225", tier="context>200k;service=fast"),
        WEB_SEARCH,
        CODE_EXECUTION,
    ],
    {
        **CACHE_MULTIPLIERS,
        **COMMON_NOT_MODELLED,
        "1.1x": "US-only inference (inference_geo) multiplier on every token price: a multiplier, not stored",
        "6x": "fast mode as a multiple of standard: the fast-mode table prices it",
        "1,550 free hours": "code execution's free allowance per organization per month: not a price",
        "$5/MTok": "customer support example (restates Opus 4.6's input price)",
        "$25/MTok": "customer support example (restates Opus 4.6's output price)",
        "~$37.00 per 10,000 tickets": "customer support example: a total, not a price",
        "~$0.003 per request": "agent workflow example: an estimate",
        "~$0.015 per operation": "agent workflow example: an estimate",
        "~$0.045 per action": "agent workflow example: an estimate",
    },
)
APR17 = Page(
    "2026-04-17__platform-claude-pricing.md",
    [
        *rows(
            {
                **MAIN_2025,
                "claude-opus-4-7": OPUS_45,
                "claude-opus-4-6": OPUS_45,
                "claude-opus-4-5": OPUS_45,
                "claude-sonnet-4-6": SONNET,
            }
        ),
        *batch(
            {
                **BATCH_2025,
                "claude-opus-4-7": BATCH_OPUS_45,
                "claude-opus-4-6": BATCH_OPUS_45,
                "claude-opus-4-5": BATCH_OPUS_45,
                "claude-sonnet-4-6": BATCH_SONNET,
            }
        ),
        # Fast mode: "| $30 / MTok | $150 / MTok |", across the full context window.
        Price("claude-opus-4-6", "input", "30", tier="service=fast"),
        Price("claude-opus-4-6", "output", "150", tier="service=fast"),
        # "| Session runtime | $0.08 per session-hour | `running` status duration |"
        Price("claude-managed-agents", "session_runtime", "0.08", "usd_per_hour"),
        WEB_SEARCH,
        CODE_EXECUTION,
    ],
    {
        "35%": "Opus 4.7's tokenizer uses up to 35% more tokens: not a price",
        "10%": "regional premium (third parties) and 'a cache hit costs 10%' (priced per model)",
        "1.25x": "prompt caching multiplier: the table prices cache writes per model",
        "2x": "prompt caching multiplier: the table prices cache writes per model",
        "0.1x": "prompt caching multiplier: the table prices cache reads per model",
        "1.1x": "US-only inference multiplier on every token price: not stored",
        "6x": "fast mode as a multiple of standard: the fast-mode table prices it",
        "50%": "the batch discount, priced per model in the batch table",
        "no additional charges": "web fetch, and code execution with web search/fetch: no price of its own",
        "no additional cost": "web fetch: no price of its own",
        "1,550 free hours": "code execution's free allowance per organization per month: not a price",
        **dict.fromkeys(
            ("$5", "$0.25", "$25", "$0.375", "$0.08", "$0.705", "$0.05", "$0.02", "$0.525"),
            "Managed Agents worked example: line items and totals, not prices",
        ),
        "$1/MTok": "customer support example (restates Haiku 4.5's input price)",
        "$5/MTok": "customer support example (restates Haiku 4.5's output price)",
        "~$37.00 per 10,000 tickets": "customer support example: a total",
    },
)
PAGES = [OVERVIEW, OCT25, OCT29, NOV19, JAN15, FEB18, APR17]
IDS = [p.name for p in PAGES]
RECALL: list[tuple[str, Page]] = [("anthropic", page) for page in PAGES]


def _parse(page: Page) -> Parsed:
    day = datetime.fromisoformat(page.name.split("__")[0]).replace(tzinfo=UTC)
    return parse((CAPTURES / page.name).read_bytes(), "https://platform.claude.com/x.md", day)


def _text(page: Page) -> str:
    return (CAPTURES / page.name).read_text(encoding="utf-8")


def test_every_bundled_capture_has_a_recall_list() -> None:
    assert sorted(IDS) == sorted(p.name for p in CAPTURES.iterdir() if p.name.endswith(".md"))


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_every_price_on_the_page_is_stored_or_listed_as_not_modelled(page: Page) -> None:
    """Stored with unit and tier; nothing else priced; notes equal the reviewed list; no $ unlisted."""
    assert problems(_parse(page), page, (CAPTURES / page.name).read_text(encoding="utf-8")) == {}


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_every_not_modelled_phrase_is_on_the_page(page: Page) -> None:
    text = _text(page).replace("\\$", "$").replace("\\~", "~").replace("**", "")
    for phrase in page.not_modelled:
        assert phrase in text, phrase
