"""Perplexity parser: token prices, Deep Research extras, request fees by search context size."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import mangle, rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.perplexity import VENDOR, model_id, parse

URL = "https://docs.perplexity.ai/getting-started/pricing"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2025-10-15__docs-pricing.jina.md"
CAPTURE_NAMES = sorted(
    p.name for p in CAPTURES.iterdir() if p.is_file() and p.name != "SOURCES.tsv"
)  # not the manifest
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
    rate = rate_of(_parse_text(_page()), model, fld)
    assert (rate.value, rate.unit, rate.currency) == (Decimal(amount), unit, "USD")


def test_dash_means_not_offered_and_examples_are_not_read() -> None:
    result = _parse_text(_page())
    dash = rate_of(result, "sonar-pro", "citation")
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
            rate = rate_of(result, model, "request", f"search_context={size}")
            assert (rate.value, rate.unit) == (Decimal(amount), "usd_per_1k_requests")
    assert rate_of(result, "sonar", "input").value == Decimal(1)


def test_request_fee_unit_in_the_header() -> None:
    tab = (
        "| Model | Low Context Size ($/request) | High Context Size ($/request) |\n"
        "| --- | --- | --- |\n"
        "| Sonar | $0.005 | $0.012 |\n"
    )
    result = _parse_text(_page() + "\n" + tab)
    rate = rate_of(result, "sonar", "request", "search_context=low")
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
        _parse_text(mangle(_page(), old, new))
    assert message in str(err.value)


def test_page_without_the_token_table_is_refused() -> None:
    text = _page()
    start = text.index("| Model | Input Tokens")
    end = text.index("Token and Cost Glossary")
    with pytest.raises(ParseError, match=f"perplexity: no token price table found in {URL}"):
        _parse_text(text[:start] + text[end:])


# --- The 2026 page (docs.perplexity.ai/docs/getting-started/pricing) as its markdown source reads,
# --- trimmed: tabs render the request-fee table, "for every 1000 requests" above it; embeddings.
PAGE_2026 = r"""# Pricing

## Agent API Pricing

### Tool Pricing

| Tool             |          Price          | Description                                           |
| ---------------- | :---------------------: | ----------------------------------------------------- |
| **`web_search`** |  \$0.005 per invocation | Performs web searches to retrieve current information |

## Search API Pricing

| API            | Price per 1K requests | Description                                    |
| -------------- | :-------------------: | ---------------------------------------------- |
| **Search API** |         \$5.00        | Raw web search results with advanced filtering |

## Sonar API Pricing

<Tabs>
  <Tab title="Token Pricing">
    ## Token Pricing

    | Model                   | Input Tokens (\$/1M) | Output Tokens (\$/1M) | Citation Tokens (\$/1M) | Search Queries (\$/1K) | Reasoning Tokens (\$/1M) |
    | ----------------------- | :------------------: | :-------------------: | :---------------------: | :--------------------: | :----------------------: |
    | **Sonar**               |          \$1         |          \$1          |            -            |            -           |             -            |
    | **Sonar Pro**           |          \$3         |          \$15         |            -            |            -           |             -            |
    | **Sonar Reasoning Pro** |          \$2         |          \$8          |            -            |            -           |             -            |
    | **Sonar Deep Research** |          \$2         |          \$8          |           \$2           |           \$5          |            \$3           |
  </Tab>

  <Tab title="Request Pricing">
    ## Request Pricing by Search Context Size

    **Search context** determines how much web information is retrieved. Higher context = more comprehensive results. The following table shows the request fee for each model for every **1000 requests**.

    | Model                   | Low Context Size | Medium Context Size | High Context Size |
    | ----------------------- | :--------------: | :-----------------: | :---------------: |
    | **Sonar**               |        \$5       |         \$8         |        \$12       |
    | **Sonar Pro**           |        \$6       |         \$10        |        \$14       |
    | **Sonar Reasoning Pro** |        \$6       |         \$10        |        \$14       |
  </Tab>

  <Tab title="Pro Search Pricing">
    ## Pro Search Pricing (Pro Search for Sonar Pro)

    | Search Type | Description                                        |   Request Fee (per 1K)   |
    | ----------- | -------------------------------------------------- | :----------------------: |
    | **`fast`**  | (default) Standard Sonar Pro behavior              |     \$6 / \$10 / \$14    |
    | **`pro`**   | Multi-step tool usage for complex queries          |    \$14 / \$18 / \$22    |

    <Note>
      Request fees vary by search context size (Low / Medium / High).
    </Note>
  </Tab>
</Tabs>

## Embeddings API Pricing

### Standard Embeddings

| Model                | Dimensions | Price (\$/1M tokens) |
| -------------------- | :--------: | :------------------: |
| `pplx-embed-v1-0.6b` |    1024    |        \$0.004       |
| `pplx-embed-v1-4b`   |    2560    |        \$0.03        |

## Cost Examples

| Component     | Cost         |
| ------------- | ------------ |
| Request fee   | \$0.005      |
"""


@pytest.mark.parametrize(
    ("model", "fld", "tier", "amount", "unit"),
    [
        # "| **Sonar Pro** | \$6 | \$10 | \$14 |" under "for every **1000 requests**"
        ("sonar-pro", "request", "search_context=low", "6", "usd_per_1k_requests"),
        ("sonar-pro", "request", "search_context=high", "14", "usd_per_1k_requests"),
        ("sonar-reasoning-pro", "request", "search_context=medium", "10", "usd_per_1k_requests"),
        ("sonar", "request", "search_context=high", "12", "usd_per_1k_requests"),
        # Token table: "| **Sonar Reasoning Pro** | \$2 | \$8 | - | - | - |"
        ("sonar-reasoning-pro", "output", "standard", "8", "usd_per_mtok"),
        ("sonar-deep-research", "web_search", "standard", "5", "usd_per_1k_requests"),
        # "| **Search API** | \$5.00 |" under "Price per 1K requests"
        ("search-api", "request", "standard", "5", "usd_per_1k_requests"),
        # "| `pplx-embed-v1-4b` | 2560 | \$0.03 |" under "Price (\$/1M tokens)"
        ("pplx-embed-v1-4b", "input", "standard", "0.03", "usd_per_mtok"),
        ("pplx-embed-v1-0.6b", "input", "standard", "0.004", "usd_per_mtok"),
    ],
)
def test_2026_page_with_request_fees_rendered(
    model: str, fld: str, tier: str, amount: str, unit: str
) -> None:
    rate = rate_of(_parse_text(PAGE_2026), model, fld, tier)
    assert (rate.value, rate.unit, rate.status) == (Decimal(amount), unit, "verified")


def test_2026_tool_and_search_type_tables_are_read_by_their_headers() -> None:
    result = _parse_text(PAGE_2026)
    assert result.models == {
        "search-api",
        "sonar",
        "sonar-pro",
        "sonar-reasoning-pro",
        "sonar-deep-research",
        "pplx-embed-v1-0.6b",
        "pplx-embed-v1-4b",
        "web-search",
    }
    # "| **`web_search`** | \$0.005 per invocation |": per call, under the tool's own id.
    tool = rate_of(result, "web-search", "web_search")
    assert (tool.value, tool.unit) == (Decimal("0.005"), "usd_per_request")
    # "| **`pro`** | ... | \$14 / \$18 / \$22 |" in the order "(Low / Medium / High)".
    pro = rate_of(result, "sonar-pro", "request", "search_context=high;search_type=pro")
    assert (pro.value, pro.unit) == (Decimal(22), "usd_per_1k_requests")
    # The cost example's "Request fee | \$0.005" is an example, not a rate.
    assert not [r for r in result.rates if r.value == Decimal("0.005") and r.model != "web-search"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "for every **1000 requests**.",
            "for every **1000 requests** (and per 1M tokens).",
            "states more than one unit",
        ),
        ("for every **1000 requests**", "for all requests", "no unit stated for sonar"),
        ("| Low Context Size |", "| Low Context Size ($/1M) |", "unsupported request quantity"),
        ("| Dimensions |", "| Batch Discount |", "unknown column 'Batch Discount'"),
        (
            "| **Sonar Pro**           |        \\$6 ",
            "| **Sonar Pro**           |        6 credits ",
            "states no $",
        ),
    ],
)
def test_2026_page_mangled_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^perplexity: ") as err:
        _parse_text(mangle(PAGE_2026, old, new))
    assert message in str(err.value)


def test_request_tab_rendered_by_a_reader_with_a_setext_heading() -> None:
    # The same tab as a reader (r.jina.ai) renders Mintlify tabs: no indentation, "----" headings.
    tab = (
        "\nRequest Pricing by Search Context Size\n--------------------------------------\n\n"
        "**Search context** determines how much web information is retrieved. The following table "
        "shows the request fee for each model for every **1000 requests**.\n\n"
        "| Model | Low Context Size | Medium Context Size | High Context Size |\n"
        "| --- | --- | --- | --- |\n"
        "| **Sonar** | $5 | $8 | $12 |\n"
        "| **Sonar Reasoning Pro** | $6 | $10 | $14 |\n"
    )
    page = mangle(_page(), "Token and Cost Glossary", tab + "\nToken and Cost Glossary")
    result = _parse_text(page)
    rate = rate_of(result, "sonar-reasoning-pro", "request", "search_context=medium")
    assert (rate.value, rate.unit) == (Decimal(10), "usd_per_1k_requests")
    assert rate_of(result, "sonar", "output").value == Decimal(1)


# --- The 2026-02-04 capture: the docs' .md endpoint (Mintlify MDX with front matter, tabs, notes). ---

FEB04 = "2026-02-04__docs-pricing.md"
MD_URL = "https://docs.perplexity.ai/docs/getting-started/pricing.md"


def _feb04() -> str:
    return (CAPTURES / FEB04).read_text(encoding="utf-8")


def _parse_feb04(text: str | None = None) -> Parsed:
    return parse((text or _feb04()).encode("utf-8"), MD_URL, datetime(2026, 2, 4, tzinfo=UTC))


def test_both_captures_are_bundled() -> None:
    assert {PAGE, FEB04} <= set(CAPTURE_NAMES)


@pytest.mark.parametrize(
    ("model", "fld", "tier", "amount", "unit"),
    [
        # Line 36: "| **Search API** | \$5.00 | Raw web search results with advanced filtering |"
        ("search-api", "request", "standard", "5", "usd_per_1k_requests"),
        # Line 60: "| **`web_search`** | \$0.005 per invocation | Performs web searches ... |"
        ("web-search", "web_search", "standard", "0.005", "usd_per_request"),
        # Line 61: "| **`fetch_url`** | \$0.0005 per invocation | Fetches and extracts content ... |"
        ("fetch-url", "web_fetch", "standard", "0.0005", "usd_per_request"),
        # Line 82: "| **Sonar Pro** | \$3 | \$15 | - | - | - |"
        ("sonar-pro", "output", "standard", "15", "usd_per_mtok"),
        # Line 84: "| **Sonar Deep Research** | \$2 | \$8 | \$2 | \$5 | \$3 |"
        ("sonar-deep-research", "citation", "standard", "2", "usd_per_mtok"),
        ("sonar-deep-research", "web_search", "standard", "5", "usd_per_1k_requests"),
        ("sonar-deep-research", "reasoning", "standard", "3", "usd_per_mtok"),
        # Line 94: "| **Sonar** | \$5 | \$8 | \$12 |" under "for every **1000 requests**"
        ("sonar", "request", "search_context=low", "5", "usd_per_1k_requests"),
        ("sonar", "request", "search_context=high", "12", "usd_per_1k_requests"),
        # Line 96: "| **Sonar Reasoning Pro** | \$6 | \$10 | \$14 |"
        ("sonar-reasoning-pro", "request", "search_context=medium", "10", "usd_per_1k_requests"),
        # Line 121: "| **`pro`** | Multi-step tool usage ... | \$14 / \$18 / \$22 |", line 125 "(Low / Medium / High)"
        ("sonar-pro", "request", "search_context=low;search_type=pro", "14", "usd_per_1k_requests"),
        ("sonar-pro", "request", "search_context=medium;search_type=pro", "18", "usd_per_1k_requests"),
        ("sonar-pro", "request", "search_context=high;search_type=pro", "22", "usd_per_1k_requests"),
        # Line 120: "| **`fast`** | (default) Standard Sonar Pro behavior | \$6 / \$10 / \$14 |"
        ("sonar-pro", "request", "search_context=medium;search_type=fast", "10", "usd_per_1k_requests"),
    ],
)
def test_feb04_values_checked_by_hand(model: str, fld: str, tier: str, amount: str, unit: str) -> None:
    rate = rate_of(_parse_feb04(), model, fld, tier)
    assert (rate.value, rate.unit, rate.currency, rate.status) == (Decimal(amount), unit, "USD", "verified")


def test_feb04_models_and_what_is_not_stored() -> None:
    result = _parse_feb04()
    assert result.models == {
        "search-api", "web-search", "fetch-url",
        "sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research",
    }  # fmt: skip
    # Line 122: "| **`auto`** | Automatic classification ... | Varies by classification |"
    assert any("search type auto: Varies by classification" in n for n in result.notes)
    assert any(
        n.startswith("not stored (Pricing > Cost Examples): $0.0005; $0.0002; $0.005") for n in result.notes
    )


def test_request_pricing_tab_not_rendered_by_the_reader_is_a_note() -> None:
    # The 2025 capture lists the tabs ("*   Token Pricing", "*   Request Pricing") but renders one.
    (note,) = [n for n in _parse_text(_page()).notes if "Request Pricing" in n]
    assert "request fees by search context size" in note
    assert not [n for n in _parse_feb04().notes if "Request Pricing tab" in n]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("(Low / Medium / High)", "by size", "states no order of sizes"),
        ("(Low / Medium / High)", "(Low / Medium / Huge)", "states no order of sizes"),
        ("\\$14 / \\$18 / \\$22", "\\$14 / \\$18", "expected 3 fees"),
        (
            "## Pro Search Pricing (Pro Search for Sonar Pro)",
            "## Pro Search Pricing",
            "no priced model named",
        ),
        (
            "|   Request Fee (per 1K)   |",
            "|   Request Fee (per 1M tokens)   |",
            "per-request price but the page",
        ),
        ("\\$0.005 per invocation", "\\$0.005 per 1M tokens", "unreadable tool price"),
        ('<Tab title="Request Pricing">', '<Tab title="Request Pricing"', "unreadable MDX"),
    ],
    ids=[
        "order-missing",
        "order-unknown",
        "fee-missing",
        "model-unnamed",
        "unit-per-token",
        "tool-unit",
        "mdx",
    ],
)
def test_feb04_mangled_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^perplexity: ") as err:
        _parse_feb04(mangle(_feb04(), old, new))
    assert message in str(err.value)


def test_an_unknown_tool_is_a_note_not_a_guess() -> None:
    text = mangle(
        _feb04(),
        "| **`fetch_url`**  |",
        "| **`code_interpreter`** | \\$0.03 per invocation | Runs code |\n| **`fetch_url`**  |",
    )
    result = _parse_feb04(text)
    assert "code-interpreter" not in result.models
    assert any("tool code_interpreter: $0.03 per invocation" in n for n in result.notes)
