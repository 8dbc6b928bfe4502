"""Perplexity: the docs pricing page (docs.perplexity.ai/docs/getting-started/pricing.md).

The page is Mintlify MDX (read through :mod:`ratecard.parsers.mdx`: tabs, notes and cards
unwrapped) or a reader's rendering of it. Model tables are read with
:mod:`ratecard.parsers.model_table`: the token table (``Input Tokens ($/1M)``, output, citation,
reasoning tokens and ``Search Queries ($/1K)``), the request-fee table by search context size
(``Low Context Size | Medium ... | High ...``, "for every 1000 requests" stated above it) when the
page renders it, the Search API table (``Price per 1K requests``) and the embeddings tables
(``Model | Dimensions | Price ($/1M tokens)``: an embedding model's one price is per input token,
field ``input``). Request fees are per request, never per token: field ``request``, unit
``usd_per_1k_requests``, tier ``search_context=low|medium|high``. Deep Research's search queries
are ``web_search`` (per 1K queries); its citation tokens are ``citation`` (per MTok).

Two tables without a model column are read by their headers too:

* the Agentic Research API's ``Tool | Price`` table (``$0.005 per invocation``): each tool's
  price under the tool's own id (``web_search`` -> ``web-search``, field ``web_search``;
  ``fetch_url`` -> ``fetch-url``, field ``web_fetch``), per request;
* Pro Search's ``Search Type | ... | Request Fee (per 1K)`` table, for the model its heading names
  (``Pro Search for Sonar Pro``): one cell holds three fees (``$14 / $18 / $22``), placed by the
  order the section states ("Low / Medium / High"), tier ``search_context=…;search_type=pro``.

Cost examples and other amounts are not prices: they are reported in ``Parsed.notes``, with
anything else the page states and this parser does not store.
"""

from __future__ import annotations

import re
from datetime import datetime

from ratecard import tiers
from ratecard.parsers import mdx
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, parsed
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.model_table import Label, Layout, read, resolve_unit, units_in

VENDOR = "perplexity"

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
#: Agentic Research tools -> the field their per-call price is stored in.
TOOL_FIELDS = {"web_search": "web_search", "fetch_url": "web_fetch"}
_TOOL_PRICE = re.compile(
    r"^\$(?P<amount>\d[\d,]*(?:\.\d+)?)\s+per\s+(?:(?P<count>1,?000|1k)\s+)?(?:invocations?|calls?|requests?)$",
    re.IGNORECASE,
)
_SIZES = ("low", "medium", "high")
_ORDER = re.compile(r"\(\s*((?:low|medium|high)(?:\s*/\s*(?:low|medium|high))+)\s*\)", re.IGNORECASE)
_FEE = re.compile(r"^\$\d[\d,]*(?:\.\d+)?$")


def model_id(name: str) -> str:
    """Perplexity's API ids are the display name lower-cased with spaces as hyphens.

    ``Sonar Reasoning Pro`` -> ``sonar-reasoning-pro``; the Search API product is ``search-api``;
    an Agentic Research tool is its name with hyphens (``fetch_url`` -> ``fetch-url``).
    """
    mid = "-".join(name.lower().replace("_", " ").split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


LAYOUT = Layout(
    vendor=VENDOR,
    labels=(
        Label("input", "input"),
        Label("output", "output"),
        Label("citation", "citation"),
        Label("reasoning", "reasoning"),
        Label("search quer", "web_search"),
        Label("low", "request", tiers.make(search_context="low")),
        Label("medium", "request", tiers.make(search_context="medium")),
        Label("high", "request", tiers.make(search_context="high")),
        Label("request", "request"),
        Label("price", "input"),
    ),
    model_id=model_id,
    model_headers=("model", "api"),
)


def _tool_table(table: Table, names: dict[str, str], notes: list[str]) -> list[ParsedRate]:
    """``| web_search | $0.005 per invocation |``: a price per call under the tool's own id."""
    price = table.column("price")
    assert price is not None
    out: list[ParsedRate] = []
    for cells in table.rows:
        tool = cells[0].strip().lower()
        fld = TOOL_FIELDS.get(tool)
        if fld is None:
            notes.append(f"not stored ({' > '.join(table.headings)}): tool {cells[0]}: {cells[price]}")
            continue
        m = _TOOL_PRICE.match(cells[price].strip())
        if m is None:
            raise ParseError(VENDOR, f"unreadable tool price {cells[price]!r} for {cells[0]!r}")
        unit: Unit = "usd_per_1k_requests" if m["count"] else "usd_per_request"
        mid = model_id(tool)
        names.setdefault(mid, f"{cells[0].strip()} tool")
        out.append(ParsedRate(mid, fld, money(m["amount"]), unit=unit))
    return out


def _named_model(table: Table, names: dict[str, str]) -> str:
    """The priced model a section heading names ("Pro Search for Sonar Pro" -> ``sonar-pro``)."""
    heading = " ".join(table.headings).lower()
    found = [
        (len(name), mid)
        for mid, name in names.items()
        if re.search(rf"\b{re.escape(name.lower())}\b", heading)
    ]
    if not found:
        raise ParseError(VENDOR, f"no priced model named in the headings {table.headings!r}")
    longest = max(n for n, _ in found)
    best = [mid for n, mid in found if n == longest]
    if len(best) != 1:
        raise ParseError(VENDOR, f"the headings {table.headings!r} name {best}")
    return best[0]


def _size_order(text: str, table: Table) -> tuple[str, ...]:
    """The context sizes, in the order the section lists them ("(Low / Medium / High)")."""
    lines = [line.text for line in mdx.prose(text) if line.headings[: len(table.headings)] == table.headings]
    stated = _ORDER.finditer(" ".join(lines))
    orders = {tuple(s.strip().lower() for s in m.group(1).split("/")) for m in stated}
    if len(orders) != 1:
        raise ParseError(
            VENDOR,
            f"the {table.headings[-1]!r} fees give one amount per search context size, but the section "
            f"states {'no' if not orders else 'more than one'} order of sizes ('Low / Medium / High')",
        )
    order = orders.pop()
    if sorted(order) != sorted(_SIZES):
        raise ParseError(VENDOR, f"unknown search context sizes {order}")
    return order


def _search_types(text: str, table: Table, names: dict[str, str], notes: list[str]) -> list[ParsedRate]:
    """Pro Search's fees per search type, ``$14 / $18 / $22`` a cell, by search context size."""
    fee = table.column("request fee", "fee")
    assert fee is not None
    mid = _named_model(table, names)
    header = table.header[fee]
    per = next(iter(units_in(header)), None)
    if per is None or len(units_in(header)) != 1:
        raise ParseError(VENDOR, f"no single unit stated in {header!r}")
    unit, scale = resolve_unit(VENDOR, "request", per, f"{mid} {header!r}")
    order = _size_order(text, table)
    out: list[ParsedRate] = []
    for cells in table.rows:
        kind = cells[0].strip().lower()
        amounts = [a.strip() for a in cells[fee].split("/")]
        if "$" not in cells[fee]:
            notes.append(f"not stored ({' > '.join(table.headings)}): search type {kind}: {cells[fee]}")
            continue
        if len(amounts) != len(order) or not all(_FEE.match(a) for a in amounts):
            raise ParseError(VENDOR, f"expected {len(order)} fees in {cells[fee]!r} for search type {kind!r}")
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", kind):
            raise ParseError(VENDOR, f"unrecognised search type {cells[0]!r}")
        for size, amount in zip(order, amounts, strict=True):
            key = tiers.make(search_context=size, search_type=kind)
            out.append(ParsedRate(mid, "request", money(amount) * scale, unit=unit, tier=key))
    return out


def _unrendered_tab(text: str, rates: list[ParsedRate]) -> list[str]:
    """A reader's capture may list the "Request Pricing" tab without rendering its table."""
    listed = any(line.text.lstrip("*- ").strip().lower() == "request pricing" for line in mdx.prose(text))
    tiered = any(r.field == "request" and r.tier.startswith("search_context=") for r in rates)
    if listed and not tiered:
        return [
            "not stored (Request Pricing tab): request fees by search context size, "
            "the tab is named but its table is not in this capture"
        ]
    return []


def _model_tables(found: list[Table], result: Parsed) -> list[Table]:
    """The tables :func:`model_table.read` took prices from: a model column naming priced models."""
    priced = {r.model for r in result.rates if r.unit != "flag"}
    out: list[Table] = []
    for t in found:
        heads = [h.lower().strip() for h in t.header]
        col = next((i for i, h in enumerate(heads) if h in LAYOUT.model_headers), None)
        if col is not None and any(model_id(row[col]) in priced for row in t.rows if row[col].strip()):
            out.append(t)
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    try:
        text = mdx.to_markdown(body.decode("utf-8"))
    except mdx.MdxError as exc:
        raise ParseError(VENDOR, f"unreadable MDX in {url}: {exc}") from exc
    result = read(text, url, LAYOUT)
    if not any(r.field == "input" and r.value is not None for r in result.rates):
        raise ParseError(
            VENDOR,
            f"no token price table found in {url} (expected 'Model | Input Tokens ($/1M) | ...')",
        )
    found = list(tables(text))
    names = dict(result.display_names)
    rates = list(result.rates)
    notes: list[str] = []
    done = _model_tables(found, result)
    for t in found:
        if t.column("tool") == 0 and t.column("price") is not None:
            rates.extend(_tool_table(t, names, notes))
            done.append(t)
        elif t.column("search type") == 0 and t.column("request fee", "fee") is not None:
            rates.extend(_search_types(text, t, names, notes))
            done.append(t)
    notes.extend(_unrendered_tab(text, rates))
    return parsed(VENDOR, rates, names, [*mdx.unread(text, done), *notes])
