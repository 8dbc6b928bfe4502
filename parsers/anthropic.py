"""Anthropic: the docs pricing page in its markdown (MDX) source (platform.claude.com/.../pricing.md).

Tables are recognised by their column headers, never by position: the model table
(``Base Input Tokens``, cache writes, cache hits, ``Output Tokens``), the batch table
(``Batch input``/``Batch output``), the long-context table (``≤ 200K``/``> 200K`` input tokens, for
the models its introduction names, or per model in the later layout), the fast-mode table under a
"Fast mode" heading (tier ``service=fast``, plus ``context>200k`` for a "> 200K" row; for the
models its introduction names) and a product's ``SKU | Rate`` table (Claude Managed Agents'
session runtime, per hour). Tool prices stated in a sentence are read under their tool's heading:
web search (``$10 per 1,000 searches``) and code execution (``$0.05 per hour, per container``).
A price for a tool or product rather than a model is stored under that tool's or product's own
id (:data:`PRODUCT_IDS`).

A model cell may carry a period: ``Claude Sonnet 5 (through August 31, 2026)`` and ``... (starting
September 1, 2026)``, in plain text or as a link. Both rows are stored, with their validity window
(``valid_until`` is exclusive: "through August 31" ends on September 1); nothing is filtered by
the day the page was read. A period word whose date cannot be read, or a date without a period
word, refuses the page.

Everything else that states a price, multiplier, percentage or free allowance (examples, the
data-residency multiplier, free hours) is reported in ``Parsed.notes`` (see
:func:`ratecard.parsers.mdx.unread`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers import mdx
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, parsed
from ratecard.parsers.markdown import Table, tables

VENDOR = "anthropic"

#: Header text (lower case, contained) -> field. Order matters: "batch input" before "input".
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch input", "batch_input"),
    ("batch output", "batch_output"),
    ("base input", "input"),
    ("5m cache write", "cache_write_5m"),
    ("1h cache write", "cache_write_1h"),
    ("cache hit", "cache_read"),
    ("output", "output"),
)
_NAME = re.compile(
    r"^Claude\s+([A-Za-z]+)\s+(\d+(?:\.\d+)?)((?:\s*/\s*\d+(?:\.\d+)?)*)(?![\w.])", re.IGNORECASE
)
_MENTION = re.compile(r"\b(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)", re.IGNORECASE)
#: Words in a model cell's notes -> flag rows (attributes, never part of the id).
_MARKERS = {
    "deprecated": "deprecated",
    "retired": "retired",
    "legacy": "legacy",
    "limited availability": "limited_availability",
}
LONG_CONTEXT_TIER = tiers.context(200_000)
FAST_TIER = tiers.make(service="fast")
_NO_BATCH = re.compile(r"\bnot available with the Batch API\b", re.IGNORECASE)
_IO = re.compile(r"\b(input|output)\s*:\s*\$\s*([\d.,]+)|\$\s*([\d.,]+)\s*/\s*MTok\s+(input|output)\b", re.I)

#: Words that date a row: the first day it applies, the last day, or the first day it no longer does.
_STARTS = ("starting", "from", "effective", "beginning", "as of")
_ENDS_INCLUSIVE = ("through", "until", "till", "ending")
_ENDS_EXCLUSIVE = ("before",)
_PERIOD = re.compile(
    r"\b(?P<word>"
    + "|".join(w.replace(" ", r"\s+") for w in (*_STARTS, *_ENDS_INCLUSIVE, *_ENDS_EXCLUSIVE))
    + r")\b(?:\s+on)?\s*(?P<rest>[^;()]*)",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"^(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
)
_DATE_LIKE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_FORMATS = ("%B %d %Y", "%b %d %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")
#: Period words that also occur in plain notes ("moved from Bedrock"): a period only before a date.
_LOOSE = frozenset({"from", "as of"})

#: Tools and products priced on the page (not per model) -> the id their prices are stored under.
PRODUCT_IDS = {
    "web search": "web-search",
    "code execution": "code-execution",
    "claude managed agents": "claude-managed-agents",
}
_WEB_SEARCH = re.compile(r"^\$(?P<amount>[\d.,]+) per (?:(?P<count>[\d,]+) )?search(?:es)?$", re.I)
_CODE_EXECUTION = re.compile(
    r"^\$(?P<amount>[\d.,]+) per (?:hour, per container|container[- ]hour|session-hour)$", re.I
)
#: SKU rows of a product's ``SKU | Rate`` table -> field, and the rate phrases -> unit.
_SKUS = {"session runtime": "session_runtime"}
_SKU_UNITS: dict[str, Unit] = {"per session-hour": "usd_per_hour", "per hour": "usd_per_hour"}


@dataclass(frozen=True, slots=True)
class _Row:
    """The models a table row prices, with what its model cell says about them."""

    ids: tuple[str, ...]
    display: str
    markers: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None


def model_id(family: str, version: str) -> str:
    """Anthropic's own API naming: ``claude-sonnet-4-5`` from generation 4 on, ``claude-3-7-sonnet`` before.

    Any family name is accepted (``Claude Fable 5.1`` -> ``claude-fable-5-1``). Dated suffixes
    (``-20250929``) are not part of the id; registries match them by rule.
    """
    fam = family.lower()
    ver = version.replace(".", "-")
    major = int(version.split(".")[0])
    return f"claude-{fam}-{ver}" if major >= 4 else f"claude-{ver}-{fam}"


def _day(text: str, where: str) -> date:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " ").replace(".", " "))
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    cleaned = " ".join(cleaned.split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ParseError(VENDOR, f"unreadable date {text!r} in {where}")


def validity(notes: str, where: str) -> tuple[date | None, date | None]:
    """``(valid_from, valid_until)`` of a row qualified ``(through August 31, 2026)``/``(starting …)``.

    ``valid_until`` is the first day the price no longer applies. A period word other than
    "from"/"as of" without a readable date, or a date left without a period word, raises: the row
    cannot be placed in time.
    """
    start: date | None = None
    end: date | None = None
    rest = notes
    for m in _PERIOD.finditer(notes):
        word = " ".join(m.group("word").lower().split())
        found = _DATE.match(m.group("rest").strip())
        if found is None:
            if word in _LOOSE:
                continue  # "moved from X": not a period
            raise ParseError(VENDOR, f"unreadable date after {m.group('word')!r} in {where}: {notes!r}")
        day = _day(found.group("date"), where)
        if word in _STARTS:
            start = day
        else:
            end = day + timedelta(days=1) if word in _ENDS_INCLUSIVE else day
        rest = rest.replace(found.group("date"), " ")
    if _DATE_LIKE.search(rest):
        raise ParseError(VENDOR, f"a date without 'through' or 'starting' in {where}: {notes!r}")
    return start, end


def _row(cell: str) -> _Row:
    """The models of ``Claude Opus 3 (deprecated)``, ``Claude Sonnet 4.6 / 4.5``, ``… (through …)``."""
    m = _NAME.match(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r} in a price table")
    versions = [m.group(2), *re.findall(r"\d+(?:\.\d+)?", m.group(3))]
    notes = cell.strip()[m.end() :]
    low = notes.lower()
    display = f"Claude {m.group(1).title()} {' / '.join(versions)}"
    start, end = validity(notes, f"model cell {cell!r}")
    return _Row(
        ids=tuple(model_id(m.group(1), v) for v in versions),
        display=display,
        markers=tuple(flag for word, flag in _MARKERS.items() if word in low),
        valid_from=start,
        valid_until=end,
    )


def _dated(rate: ParsedRate, row: _Row) -> ParsedRate:
    return replace(rate, valid_from=row.valid_from, valid_until=row.valid_until)


def _fields(table: Table) -> list[tuple[int, str]]:
    cols: list[tuple[int, str]] = []
    for i, head in enumerate(table.header[1:], start=1):
        low = head.lower()
        match = next((f for key, f in _COLUMNS if key in low), None)
        if match is None:
            raise ParseError(VENDOR, f"unknown price column {head!r}: the table layout changed")
        cols.append((i, match))
    return cols


def _amount(text: str, where: str) -> Decimal:
    """``money`` with a refusal that names the vendor instead of a bare ValueError."""
    try:
        return money(text)
    except ValueError as exc:
        raise ParseError(VENDOR, f"no amount in {where}: {text!r}") from exc


def _price(cell: str, where: str) -> Decimal | None:
    """Value of a ``$3 / MTok`` cell; None for a dash (not offered)."""
    if cell.strip() in {"-", "—", "–", "N/A", "n/a", "Not available"}:
        return None
    if "mtok" not in cell.lower():
        raise ParseError(VENDOR, f"expected a '$X / MTok' price in {where}, found {cell!r}")
    return _amount(cell, where)


def _model_table(table: Table, names: dict[str, str], flags: set[tuple[str, str]]) -> list[ParsedRate]:
    out: list[ParsedRate] = []
    cols = _fields(table)
    for cells in table.rows:
        row = _row(cells[0])
        for mid in row.ids:
            names.setdefault(mid, row.display if len(row.ids) == 1 else f"Claude {mid}")
            flags.update((mid, mk) for mk in row.markers)
        for i, fld in cols:
            if i >= len(cells):
                raise ParseError(VENDOR, f"row {cells[0]!r} is missing the {fld} column")
            value = _price(cells[i], f"{row.display} {fld}")
            for mid in row.ids:
                if value is None:
                    rate = ParsedRate(mid, fld, None, status="not_offered", reason=f"page shows {cells[i]!r}")
                else:
                    rate = ParsedRate(mid, fld, value)
                out.append(_dated(rate, row))
    return out


def io_prices(cell: str, where: str) -> dict[str, Decimal]:
    """``Input: $6 / MTok Output: $22.50 / MTok`` or ``$6/MTok input, $22.50/MTok output``."""
    found: dict[str, Decimal] = {}
    for label1, amount1, amount2, label2 in _IO.findall(cell):
        fld, amount = (label1 or label2).lower(), _amount(amount1 or amount2, where)
        if found.get(fld, amount) != amount:
            raise ParseError(VENDOR, f"two {fld} prices in {where}: {cell!r}")
        found[fld] = amount
    if cell.count("$") != len(found) and not (cell.count("$") == 2 * len(found) == 0):
        raise ParseError(VENDOR, f"cannot tell which price is input or output in {where}: {cell!r}")
    return found


def _named(text: str, known: Iterable[str]) -> list[str]:
    """The priced models ``text`` names ("When using Claude Sonnet 4 or Sonnet 4.5 ...")."""
    return sorted({model_id(f, v) for f, v in _MENTION.findall(text)} & set(known))


def _long_context(table: Table, known: set[str]) -> list[ParsedRate]:
    """The ``> 200K input tokens`` prices: per model when the table has a model column, else for
    the models its introduction names (the 2025 layout, one ``Input:``/``Output:`` line a row)."""
    col = next((i for i, h in enumerate(table.header) if h.lstrip().startswith(">")), None)
    if col is None:
        raise ParseError(VENDOR, "long context table has no '> 200K input tokens' column")
    per_model = "model" in table.header[0].lower()
    row: _Row | None = None
    if not per_model:
        named = _named(table.preface, known)
        if not named:
            raise ParseError(VENDOR, "long context table found but no priced model named in its introduction")
        row = _Row(tuple(named), "", (), None, None)
    out: list[ParsedRate] = []
    for cells in table.rows:
        if col >= len(cells):
            raise ParseError(VENDOR, f"long context row {cells!r} has no '> 200K' cell")
        if per_model and cells[0].strip():
            row = _row(cells[0])
        if row is None:
            raise ParseError(VENDOR, f"long context row {cells!r} belongs to no model")
        prices = io_prices(cells[col], "long context prices")
        if not prices:
            raise ParseError(VENDOR, f"unexpected long context cell {cells[col]!r}")
        for fld, v in prices.items():
            out.extend(_dated(ParsedRate(m, fld, v, tier=LONG_CONTEXT_TIER), row) for m in row.ids)
    return out


def _context_dims(label: str, where: str) -> dict[str, str]:
    """``≤ 200K input tokens`` -> no dimension; ``> 200K input tokens`` -> ``context>200k``."""
    m = re.match(r"^(?P<op>≤|<=|>)\s*(?P<n>\d+)\s*(?P<k>[KkMm])\s+input tokens$", label.strip())
    if m is None:
        raise ParseError(VENDOR, f"unreadable context window {label!r} in {where}")
    if m["op"] != ">":
        return {}
    tokens = int(m["n"]) * (1000 if m["k"].lower() == "k" else 1_000_000)
    return {"context": tiers.context(tokens).removeprefix("context")}


def _no_batch(text: str, table: Table) -> bool:
    """The table's section says "Fast mode is not available with the Batch API"."""
    return any(_NO_BATCH.search(line.text) for line in mdx.prose(text) if line.headings == table.headings)


def _fast_mode(table: Table, known: set[str], text: str) -> list[ParsedRate]:
    """Fast mode's premium prices, tier ``service=fast``, for the models its introduction names.

    Where the section says fast mode is not available with the Batch API, its batch fields are
    stored as not offered, so no batch price is ever derived for it.
    """
    models = _named(table.preface, known)
    if not models:
        raise ParseError(VENDOR, "fast mode table found but no priced model named in its introduction")
    context = next((i for i, h in enumerate(table.header) if "context" in h.lower()), None)
    cols: list[tuple[int, str]] = []
    for i, head in enumerate(table.header):
        low = head.lower().strip()
        if i != context:
            if low not in {"input", "output"}:
                raise ParseError(VENDOR, f"unknown fast mode column {head!r}")
            cols.append((i, low))
    out: list[ParsedRate] = []
    for cells in table.rows:
        if len(cells) != len(table.header):
            raise ParseError(VENDOR, f"fast mode row {cells!r} does not match {table.header!r}")
        dims = {} if context is None else _context_dims(cells[context], "the fast mode table")
        key = tiers.make(service="fast", **dims)
        for i, fld in cols:
            value = _price(cells[i], f"fast mode {fld}")
            if value is None:
                raise ParseError(VENDOR, f"fast mode {fld} shows {cells[i]!r}")
            out.extend(ParsedRate(m, fld, value, tier=key) for m in models)
        if _no_batch(text, table):
            reason = "page: fast mode is not available with the Batch API"
            for fld in ("batch_input", "batch_output"):
                out.extend(
                    ParsedRate(m, fld, None, tier=key, status="not_offered", reason=reason) for m in models
                )
    return out


def _product(headings: tuple[str, ...], where: str) -> str:
    """The id of the product a section prices: the innermost heading ``<Product> pricing``."""
    for head in reversed(headings):
        low = head.lower().removesuffix(" pricing").strip()
        if low != head.lower() and low in PRODUCT_IDS:
            return PRODUCT_IDS[low]
    raise ParseError(VENDOR, f"{where} sits under no known product heading: {headings!r}")


def _sku_table(table: Table, names: dict[str, str]) -> list[ParsedRate]:
    """A product's ``SKU | Rate | ...`` table: ``Session runtime | $0.08 per session-hour``."""
    product = _product(table.headings, "an SKU table")
    names.setdefault(product, next(k for k, v in PRODUCT_IDS.items() if v == product).title())
    rate_col = table.column("rate")
    assert rate_col is not None
    out: list[ParsedRate] = []
    for cells in table.rows:
        fld = _SKUS.get(cells[0].strip().lower())
        if fld is None:
            raise ParseError(VENDOR, f"unknown SKU {cells[0]!r} in the {product} price table")
        per = re.sub(r"^\$\s*[\d.,]+\s*", "", cells[rate_col].strip()).lower()
        if not cells[rate_col].strip().startswith("$") or per not in _SKU_UNITS:
            raise ParseError(VENDOR, f"unreadable rate {cells[rate_col]!r} for {cells[0]!r}")
        out.append(ParsedRate(product, fld, _amount(cells[rate_col], cells[0]), unit=_SKU_UNITS[per]))
    return out


def _tool_rates(text: str, names: dict[str, str]) -> tuple[list[ParsedRate], set[str]]:
    """Web search and code execution prices stated in their tools' sections, and the phrases read."""
    found: dict[str, set[tuple[Decimal, Unit, str]]] = {}
    for line in mdx.prose(text):
        head = line.headings[-1].lower() if line.headings else ""
        for phrase in mdx.mentions(line.text):
            if "web search" in head and (m := _WEB_SEARCH.match(phrase)):
                count = Decimal((m["count"] or "1").replace(",", ""))
                if count not in {1, 1000}:
                    raise ParseError(VENDOR, f"web search priced per {count} searches: {phrase!r}")
                unit: Unit = "usd_per_1k_requests" if count == 1000 else "usd_per_request"
                found.setdefault("web search", set()).add((_amount(m["amount"], phrase), unit, phrase))
            elif "code execution" in head and (m := _CODE_EXECUTION.match(phrase)):
                price = (_amount(m["amount"], phrase), "usd_per_container_hour", phrase)
                found.setdefault("code execution", set()).add(price)
    rates: list[ParsedRate] = []
    for tool, prices in sorted(found.items()):
        if len({(v, u) for v, u, _ in prices}) > 1:
            raise ParseError(VENDOR, f"two {tool} prices on the page: {sorted(p for _, _, p in prices)}")
        value, unit, _ = next(iter(prices))
        field = tool.replace(" ", "_")
        names.setdefault(PRODUCT_IDS[tool], f"{tool.capitalize()} tool")
        rates.append(ParsedRate(PRODUCT_IDS[tool], field, value, unit=unit))
    return rates, {p for prices in found.values() for _, _, p in prices}


def _is_fast_mode(table: Table) -> bool:
    return any("fast mode" in h.lower() for h in table.headings[-1:])


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    try:
        text = mdx.to_markdown(body.decode("utf-8"))
    except mdx.MdxError as exc:
        raise ParseError(VENDOR, f"unreadable MDX in {url}: {exc}") from exc
    found = list(tables(text))
    names: dict[str, str] = {}
    flags: set[tuple[str, str]] = set()
    main = [t for t in found if t.column("base input") is not None]
    if not main:
        raise ParseError(
            VENDOR,
            f"no model pricing table found in {url} "
            "(expected columns 'Model | Base Input Tokens | ... | Output Tokens')",
        )
    read = [main[0]]
    rates = _model_table(main[0], names, flags)
    for t in found:
        if t.column("batch input") is not None:
            rates.extend(_model_table(t, names, set()))
            read.append(t)
    known = set(names)
    for t in found:
        if any("200k" in h.lower() and h.lstrip().startswith(">") for h in t.header):
            rates.extend(_long_context(t, known))
            read.append(t)
        elif _is_fast_mode(t):
            rates.extend(_fast_mode(t, known, text))
            read.append(t)
        elif t.column("sku") is not None and t.column("rate") is not None:
            rates.extend(_sku_table(t, names))
            read.append(t)
    tool_rates, phrases = _tool_rates(text, names)
    rates.extend(tool_rates)
    rates.extend(ParsedRate(m, f, None, unit="flag") for m, f in sorted(flags))
    return parsed(VENDOR, rates, names, mdx.unread(text, read, phrases))
