"""Perplexity parser: token prices, Deep Research extras, request fees by search context size."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import GOLDEN_DIR, check_golden

from ratecard.parsers.base import Parsed, ParsedRate, ParseError
from ratecard.parsers.perplexity import VENDOR, model_id, parse

URL = "https://docs.perplexity.ai/getting-started/pricing"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2025-10-15__docs-pricing.jina.md"
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())
WHEN = datetime(2025, 10, 15, tzinfo=UTC)

#: The request-fee tab the captured page did not render, as Perplexity documents it.
REQUEST_TAB = """
### Request Pricing

Request fees are charged per 1,000 requests and depend on the search context size.

| Model | Low | Medium | High |
| --- | --- | --- | --- |
| **Sonar** | $5 | $8 | $12 |
| **Sonar Pro** | $6 | $10 | $14 |
"""


def _page() -> str:
    return (CAPTURES / PAGE).read_text(encoding="utf-8")


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


def _rate(result: Parsed, model: str, fld: str, tier: str = "standard") -> ParsedRate:
    (rate,) = [r for r in result.rates if (r.model, r.field, r.tier) == (model, fld, tier)]
    return rate


def _mangle(text: str, old: str, new: str) -> str:
    assert old in text, f"fixture text {old!r} not in the page"
    return text.replace(old, new)


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_capture_matches_golden(name: str) -> None:
    when = datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)
    result = parse((CAPTURES / name).read_bytes(), URL, when)
    check_golden(result, GOLDEN_DIR / VENDOR / f"{name}.json")


@pytest.mark.parametrize(
    ("model", "fld", "amount", "unit"),
    [
        # Token table, "| **Sonar** | $1 | $1 | - | - | - |"
        ("sonar", "input", "1", "usd_per_mtok"),
        ("sonar", "output", "1", "usd_per_mtok"),
        # "| **Sonar Pro** | $3 | $15 | - | - | - |"
        ("sonar-pro", "input", "3", "usd_per_mtok"),
        ("sonar-pro", "output", "15", "usd_per_mtok"),
        # "| **Sonar Reasoning** | $1 | $5 | - | - | - |"
        ("sonar-reasoning", "output", "5", "usd_per_mtok"),
        # "| **Sonar Reasoning Pro** | $2 | $8 | - | - | - |"
        ("sonar-reasoning-pro", "input", "2", "usd_per_mtok"),
        # "| **Sonar Deep Research** | $2 | $8 | $2 | $5 | $3 |" under
        # "Citation Tokens ($/1M) | Search Queries ($/1K) | Reasoning Tokens ($/1M)"
        ("sonar-deep-research", "output", "8", "usd_per_mtok"),
        ("sonar-deep-research", "citation", "2", "usd_per_mtok"),
        ("sonar-deep-research", "web_search", "5", "usd_per_1k_requests"),
        ("sonar-deep-research", "reasoning", "3", "usd_per_mtok"),
        # Search API table: "| **Search API** | $5.00 | Raw web search results ... |"
        ("search-api", "request", "5", "usd_per_1k_requests"),
    ],
)
def test_hand_checked_prices(model: str, fld: str, amount: str, unit: str) -> None:
    rate = _rate(_parse_text(_page()), model, fld)
    assert (rate.value, rate.unit, rate.currency) == (Decimal(amount), unit, "USD")


def test_dash_means_not_offered_and_examples_are_not_read() -> None:
    result = _parse_text(_page())
    dash = _rate(result, "sonar-pro", "citation")
    assert (dash.status, dash.value, dash.reason) == ("not_offered", None, "page shows '-'")
    assert result.models == {
        "sonar",
        "sonar-pro",
        "sonar-reasoning",
        "sonar-reasoning-pro",
        "sonar-deep-research",
        "search-api",
    }
    # "Request fee | $0.005" in the cost example is an example, not a rate.
    assert not [r for r in result.rates if r.field == "request" and r.model != "search-api"]


def test_request_fees_by_search_context_size() -> None:
    result = _parse_text(_page() + REQUEST_TAB)
    for model, low, medium, high in [("sonar", 5, 8, 12), ("sonar-pro", 6, 10, 14)]:
        for size, amount in (("low", low), ("medium", medium), ("high", high)):
            rate = _rate(result, model, "request", f"search_context={size}")
            assert (rate.value, rate.unit) == (Decimal(amount), "usd_per_1k_requests")
    assert _rate(result, "sonar", "input").value == Decimal(1)


def test_request_fee_unit_in_the_header() -> None:
    tab = (
        "| Model | Low Context Size ($/request) | High Context Size ($/request) |\n"
        "| --- | --- | --- |\n"
        "| Sonar | $0.005 | $0.012 |\n"
    )
    result = _parse_text(_page() + "\n" + tab)
    rate = _rate(result, "sonar", "request", "search_context=low")
    assert (rate.value, rate.unit) == (Decimal("0.005"), "usd_per_request")


def test_request_fees_without_a_unit_are_refused() -> None:
    tab = REQUEST_TAB.replace("Request fees are charged per 1,000 requests and", "Fees")
    with pytest.raises(ParseError, match="perplexity: no unit stated for sonar"):
        _parse_text(_page() + tab)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Sonar", "sonar"), ("Sonar Reasoning Pro", "sonar-reasoning-pro"), ("Search API", "search-api")],
)
def test_model_id_lowercases_and_hyphenates(name: str, expected: str) -> None:
    assert model_id(name) == expected


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Input Tokens ($/1M) |", "| Input Tokens |", "sonar 'Input Tokens'"),
        ("| Citation Tokens ($/1M) |", "| Cached Tokens ($/1M) |", "unknown column 'Cached Tokens"),
        ("| **Sonar Pro** | $3 | $15 |", "| **Sonar Pro** | $3 | 15 credits |", "unreadable price"),
        ("| Output Tokens ($/1M) |", "| Output Tokens ($/1K requests) |", "per-token price"),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match="perplexity") as err:
        _parse_text(_mangle(_page(), old, new))
    assert message in str(err.value)


def test_page_without_the_token_table_is_refused() -> None:
    text = _page()
    start = text.index("| Model | Input Tokens")
    end = text.index("Token and Cost Glossary")
    with pytest.raises(ParseError, match=f"perplexity: no token price table found in {URL}"):
        _parse_text(text[:start] + text[end:])
