"""Recall (issue 12): every price each Perplexity capture publishes is stored, or is on a reviewed list.

Written from reading the two pages, not from the parser's output. A "-" cell is not a price (it is
stored as ``not_offered``); ``NOT_MODELLED`` is what the page states about prices that ratecard
does not store, with the reason, and must match the parser's notes exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import pytest
from recall import Page, Price, problems

from ratecard.parsers.base import Parsed
from ratecard.parsers.perplexity import parse

CAPTURES = files("ratecard") / "captures" / "perplexity"
PER_1K = "usd_per_1k_requests"


def tokens(model: str, inp: str, out: str) -> list[Price]:
    return [Price(model, "input", inp), Price(model, "output", out)]


def by_context(model: str, low: str, medium: str, high: str, search_type: str | None = None) -> list[Price]:
    """Request fees per 1,000 requests by search context size (low / medium / high)."""
    kind = "" if search_type is None else f";search_type={search_type}"
    sizes = (("low", low), ("medium", medium), ("high", high))
    return [Price(model, "request", v, PER_1K, f"search_context={s}{kind}") for s, v in sizes]


DEEP_RESEARCH = [
    *tokens("sonar-deep-research", "2", "8"),
    Price("sonar-deep-research", "citation", "2"),  # Citation Tokens ($/1M)
    Price("sonar-deep-research", "web_search", "5", PER_1K),  # Search Queries ($/1K)
    Price("sonar-deep-research", "reasoning", "3"),  # Reasoning Tokens ($/1M)
]
SEARCH_API = Price("search-api", "request", "5.00", PER_1K)  # "| **Search API** | $5.00 |", per 1K requests
SONAR_EXAMPLE = {
    "$0.0005": "cost example: 500 input tokens of Sonar",
    "$0.0002": "cost example: 200 output tokens of Sonar",
    "$0.005": "cost example: a low-context request fee (and 3 × $0.005 for three web_search calls)",
    "$0.0057": "cost example: a total",
}
DEEP_RESEARCH_EXAMPLE = dict.fromkeys(
    ("$0.000066", "$0.057304", "$0.040032", "$0.221991", "$0.09", "$0.409393"),
    "cost example of one Deep Research query: line items and total, not prices",
)


OCT15 = Page(
    "2025-10-15__docs-pricing.jina.md",
    [
        SEARCH_API,
        *tokens("sonar", "1", "1"),
        *tokens("sonar-pro", "3", "15"),
        *tokens("sonar-reasoning", "1", "5"),
        *tokens("sonar-reasoning-pro", "2", "8"),
        *DEEP_RESEARCH,
    ],
    {
        **SONAR_EXAMPLE,
        **DEEP_RESEARCH_EXAMPLE,
        "request fees by search context size, the tab is named but its table is not in this capture": (
            "the reader rendered only the Token Pricing tab: the request fees are not on this capture"
        ),
    },
)
FEB04 = Page(
    "2026-02-04__docs-pricing.md",
    [
        SEARCH_API,
        # Agentic Research API tools, "$0.005 per invocation" / "$0.0005 per invocation".
        Price("web-search", "web_search", "0.005", "usd_per_request"),
        Price("fetch-url", "web_fetch", "0.0005", "usd_per_request"),
        *tokens("sonar", "1", "1"),
        *tokens("sonar-pro", "3", "15"),
        *tokens("sonar-reasoning-pro", "2", "8"),
        *DEEP_RESEARCH,
        # "Request fee for each model for every **1000 requests**": Low / Medium / High.
        *by_context("sonar", "5", "8", "12"),
        *by_context("sonar-pro", "6", "10", "14"),
        *by_context("sonar-reasoning-pro", "6", "10", "14"),
        # Pro Search for Sonar Pro, "Request Fee (per 1K)", "(Low / Medium / High)".
        *by_context("sonar-pro", "6", "10", "14", "fast"),
        *by_context("sonar-pro", "14", "18", "22", "pro"),
    ],
    {
        "3 ×": "tool example: three web_search calls",
        "$3 per 1M input": "Pro Search note restating Sonar Pro's input price",
        "$15": "Pro Search note restating Sonar Pro's output price ('$15 pe r 1M output', sic)",
        "search type auto: Varies by classification": "the auto search type has no price of its own",
        **SONAR_EXAMPLE,
        "$0.008": "cost example: a medium-context request fee",
        "$0.0087": "cost example: a total",
        "$0.012": "cost example: a high-context request fee",
        "$0.0127": "cost example: a total",
        **DEEP_RESEARCH_EXAMPLE,
        **dict.fromkeys(
            (
                "$0.00",
                "$0.031",
                "$0.095",
                "$0.924",
                "$0.14",
                "$1.190",
                "$0.035",
                "$0.116",
                "$1.019",
                "$0.15",
                "$1.320",
            ),
            "cost examples of Deep Research at medium and high context: line items and totals",
        ),
    },
)
PAGES = [OCT15, FEB04]
IDS = [p.name for p in PAGES]
RECALL: list[tuple[str, Page]] = [("perplexity", page) for page in PAGES]


def _parse(page: Page) -> Parsed:
    day = datetime.fromisoformat(page.name.split("__")[0]).replace(tzinfo=UTC)
    return parse((CAPTURES / page.name).read_bytes(), "https://docs.perplexity.ai/x.md", day)


def test_every_bundled_capture_has_a_recall_list() -> None:
    assert sorted(IDS) == sorted(p.name for p in CAPTURES.iterdir() if p.name.endswith(".md"))


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_every_price_on_the_page_is_stored_or_listed_as_not_modelled(page: Page) -> None:
    """Stored with unit and tier; nothing else priced; notes equal the reviewed list; no $ unlisted."""
    assert problems(_parse(page), page, (CAPTURES / page.name).read_text(encoding="utf-8")) == {}


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_a_dash_is_stored_as_not_offered_never_as_a_price(page: Page) -> None:
    dashes = [r for r in _parse(page).rates if r.value is None]
    assert dashes and all(r.status == "not_offered" and r.reason == "page shows '-'" for r in dashes)
