"""Model price tables: one row per model, one column per price, the unit stated on the page.

Several vendors (Perplexity, xAI, Cohere) publish exactly this shape. Each gives its column labels
and its model-id rule; this module finds the tables by their headers, reads the unit from the
header, the cell or the text just above the table, and refuses whatever it cannot read for sure:
an unknown column, an unreadable cell or a price without a unit raises rather than guessing.
Prose is never read: a sentence quoting a price is not attributable to a model reliably.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers.base import MTOK, Parsed, ParsedRate, ParseError, Unit, normalize, parsed
from ratecard.parsers.markdown import Table, tables

#: Fields priced per request or call (per search, per query); every other field is per token.
COUNT_FIELDS: frozenset[str] = frozenset({"request", "web_search"})
#: Cells that say a model does not offer the priced feature.
NOT_OFFERED: frozenset[str] = frozenset(
    {"-", "—", "–", "n/a", "na", "not available", "not offered", "not supported"}
)
#: Words in a model cell that mark the model as deprecated (a flag row, not part of the id).
DEPRECATION_MARKERS: tuple[str, ...] = ("deprecated", "legacy", "retired", "retiring")
#: Header text of columns that describe a model rather than price it. Phrases, not single words:
#: "Low Context Size" is a price column (Perplexity's request fee), "Context Window" is not.
ATTRIBUTE_COLUMNS: tuple[str, ...] = (
    "context length",
    "context window",
    "max context",
    "modalit",
    "capabilit",
    "rate limit",
    "description",
    "best for",
    "max output",
    "max tokens",
    "knowledge",
    "cutoff",
    "release",
    "features",
    "endpoint",
    "dimension",
)
#: Whole-header attribute names too short to match as phrases.
ATTRIBUTE_HEADERS: frozenset[str] = frozenset({"context", "modality", "notes"})

_QTY = (
    r"(?P<qty>1\s*million|one\s+million|million|1,000,000|1000000|1\s*mtok|mtok|1\s*m|1,000|1000|"
    r"1\s*k|thousand)"
)
_NOUN = r"(?P<noun>tokens?|requests?|calls?|quer(?:y|ies)|searches)"
#: "/1M", "per 1K requests", "for every 1000 requests" (Perplexity's request-fee tab).
_UNIT = re.compile(rf"(?:/|\bper\b|\bevery\b)\s*(?:{_QTY}\b)?\s*(?:{_NOUN}\b)?", re.IGNORECASE)
_CELL = re.compile(r"^(?P<cur>\$)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<rest>.*)$")
_COUNTS: dict[str, Decimal] = {
    **dict.fromkeys(
        ("1million", "onemillion", "million", "1,000,000", "1000000", "1mtok", "mtok", "1m"), MTOK
    ),
    **dict.fromkeys(("1,000", "1000", "1k", "thousand"), Decimal(1000)),
}


@dataclass(frozen=True, slots=True)
class Per:
    """What a price is for: ``count`` units of ``noun`` (None when the page leaves it implicit)."""

    count: Decimal
    noun: str | None


@dataclass(frozen=True, slots=True)
class Label:
    """A header text (lower case, contained) and the field and tier its column prices."""

    key: str
    field: str
    tier: str = tiers.STANDARD


@dataclass(frozen=True, slots=True)
class Layout:
    """How one vendor's tables read: column labels (first match wins) and its model-id rule."""

    vendor: str
    labels: tuple[Label, ...]
    model_id: Callable[[str], str]
    model_headers: tuple[str, ...] = ("model",)


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    label: Label
    header: str
    per: Per | None
    dollar: bool


def _per(match: re.Match[str]) -> Per | None:
    qty, noun = match.group("qty"), match.group("noun")
    if qty is None and noun is None:
        return None
    q = "".join((qty or "").lower().split())
    count = _COUNTS.get(q, Decimal(1))
    if noun is None:
        kind = "token" if "mtok" in q else None
    else:
        kind = "token" if noun.lower().startswith("token") else "request"
    return Per(count, kind)


def units_in(text: str) -> set[Per]:
    """Every distinct unit phrase (``$/1M``, ``per 1K requests``) stated in ``text``."""
    found = (_per(m) for m in _UNIT.finditer(text))
    return {p for p in found if p is not None}


def _one_unit(vendor: str, text: str, where: str) -> Per | None:
    found = units_in(text)
    if len(found) > 1:
        raise ParseError(vendor, f"{where} states more than one unit: {text!r}")
    return next(iter(found), None)


def resolve_unit(vendor: str, fld: str, per: Per, where: str) -> tuple[Unit, Decimal]:
    """The stored unit and the factor that turns a published amount into it, or refuse."""
    if fld in COUNT_FIELDS:
        if per.noun == "token":
            raise ParseError(vendor, f"{where} is a per-request price but the page says per token")
        if per.count == 1000:
            return "usd_per_1k_requests", Decimal(1)
        if per.count == 1:
            return "usd_per_request", Decimal(1)
        raise ParseError(vendor, f"{where}: unsupported request quantity {per.count}")
    if per.noun == "request":
        raise ParseError(vendor, f"{where} is a per-token price but the page says per request")
    if per.count == 1 and per.noun is None:
        raise ParseError(vendor, f"{where}: no token quantity stated")
    return "usd_per_mtok", MTOK / per.count


def _label(layout: Layout, header: str) -> Label | None:
    low = header.lower()
    return next((lb for lb in layout.labels if lb.key in low), None)


def _is_attribute(header: str) -> bool:
    low = header.lower().strip()
    return low in ATTRIBUTE_HEADERS or any(a in low for a in ATTRIBUTE_COLUMNS)


def _model_column(layout: Layout, table: Table) -> int | None:
    heads = [h.lower().strip() for h in table.header]
    return next((i for i, h in enumerate(heads) if h in layout.model_headers), None)


def _columns(layout: Layout, table: Table, model_col: int) -> list[_Column]:
    """Price columns of a model table; an unrecognised column raises, attributes are skipped."""
    context = " ".join((*table.headings, table.preface))
    cols: list[_Column] = []
    for i, head in enumerate(table.header):
        if i == model_col or _is_attribute(head):
            continue
        label = _label(layout, head)
        if label is None:
            raise ParseError(layout.vendor, f"unknown column {head!r} in a model price table")
        per = _one_unit(layout.vendor, head, f"column {head!r}")
        if per is None:
            per = _one_unit(layout.vendor, context, f"the text above column {head!r}")
        cols.append(_Column(i, label, head, per, "$" in head))
    return cols


def _flags(cell: str) -> tuple[str, list[str]]:
    """The model name without deprecation markers, and the flags those markers stand for."""
    low = cell.lower()
    found = [m for m in DEPRECATION_MARKERS if m in low]
    name = cell
    for marker in found:
        name = re.sub(rf"[\(\[]?\s*{marker}\s*[\)\]]?", " ", name, flags=re.IGNORECASE)
    return " ".join(name.split()), ["deprecated"] if found else []


def _price(layout: Layout, col: _Column, model: str, cell: str) -> ParsedRate:
    where = f"{model} {col.header!r}"
    fld, tier_key = col.label.field, col.label.tier
    if cell.strip().lower() in NOT_OFFERED:
        unit: Unit = "usd_per_mtok" if fld not in COUNT_FIELDS else "usd_per_1k_requests"
        if col.per is not None:
            unit = resolve_unit(layout.vendor, fld, col.per, where)[0]
        reason = f"page shows {cell.strip()!r}"
        return ParsedRate(model, fld, None, unit, tier_key, status="not_offered", reason=reason)
    m = _CELL.match(cell.strip())
    if m is None:
        raise ParseError(layout.vendor, f"unreadable price {cell!r} for {where}")
    if not (m.group("cur") or col.dollar):
        raise ParseError(layout.vendor, f"price {cell!r} for {where} states no $ currency")
    per = col.per
    rest = m.group("rest").strip()
    if rest:
        unit_match = _UNIT.fullmatch(rest)
        cell_per = None if unit_match is None else _per(unit_match)
        if cell_per is None:
            raise ParseError(layout.vendor, f"unreadable price {cell!r} for {where}")
        if per is not None and per != cell_per:
            raise ParseError(layout.vendor, f"cell unit {rest!r} contradicts the header of {where}")
        per = cell_per
    if per is None:
        raise ParseError(layout.vendor, f"no unit stated for {where} (header, cell or text above)")
    unit, scale = resolve_unit(layout.vendor, fld, per, where)
    amount = Decimal(m.group("num").replace(",", ""))
    return ParsedRate(model, fld, normalize(amount * scale), unit, tier_key)


def _read_table(
    layout: Layout,
    table: Table,
    model_col: int,
    names: dict[str, str],
    flags: set[tuple[str, str]],
) -> list[ParsedRate]:
    """Price rows of one table; model names and flags are collected across tables."""
    cols = _columns(layout, table, model_col)
    out: list[ParsedRate] = []
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(layout.vendor, f"row {row!r} does not match header {table.header!r}")
        display, marks = _flags(row[model_col])
        mid = layout.model_id(display)
        if names.setdefault(mid, display) != display:
            raise ParseError(layout.vendor, f"{display!r} and {names[mid]!r} map to one id {mid}")
        flags.update((mid, f) for f in marks)
        out.extend(_price(layout, c, mid, row[c.index]) for c in cols)
    return out


def _is_price_table(layout: Layout, table: Table, model_col: int) -> bool:
    """A model table with at least one price column; descriptive model tables are not."""
    return any(
        i != model_col and not _is_attribute(h) and _label(layout, h) is not None
        for i, h in enumerate(table.header)
    )


def read(text: str, url: str, layout: Layout) -> Parsed:
    """All model price tables in a markdown page, or a ParseError saying none was found."""
    names: dict[str, str] = {}
    rates: list[ParsedRate] = []
    flags: set[tuple[str, str]] = set()
    for table in tables(text):
        col = _model_column(layout, table)
        if col is not None and _is_price_table(layout, table, col):
            rates.extend(_read_table(layout, table, col, names, flags))
    if not rates:
        hint = (
            " ($ amounts on the page sit outside model price tables; prose is not read)"
            if "$" in text
            else ""
        )
        raise ParseError(
            layout.vendor,
            f"no price table found in {url}: expected a table with a model column and "
            f"price columns per unit{hint}",
        )
    rates.extend(ParsedRate(m, f, None, unit="flag") for m, f in sorted(flags))
    return parsed(layout.vendor, rates, names)
