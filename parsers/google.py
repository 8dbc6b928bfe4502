"""Google Gemini Developer API: the devsite pricing page (ai.google.dev/gemini-api/docs/pricing).

Each model section is an ``<h2>`` followed by the model id in ``<em><code>``, then one
``table.pricing-table`` per service tab, each under an ``<h3>`` naming its tab (Standard, Batch,
...). Only the "Paid Tier" column is read (the free tier is a quota, not a price). A paid cell
holds one price per line and each line says what it prices, so lines are read by their words:
"$1.25, prompts <= 200k tokens" (context tier), "$0.50 (audio)" (modality),
"$4.50 / 1,000,000 tokens per hour (storage price)" (cache storage), "then $35 / 1,000 grounded
prompts" (grounding fee; the free allowance before it is not modelled).

Markdown conversions of the page lose the model headings and tab labels: their tables cannot be
attributed to models, so they are refused rather than guessed from model descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bs4 import BeautifulSoup, Tag
from ratecard.parsers.base import (
    Parsed,
    ParsedRate,
    ParseError,
    Status,
    Unit,
    money,
    normalize,
    parsed,
)
from ratecard.parsers.htmltables import cell_lines, cell_text
from ratecard.parsers.markdown import tables
from ratecard.parsers.tabs import SERVICE_LABELS, placed

VENDOR = "google"

#: Row label (lower-case prefix) -> field; None for rows that are not prices.
_ROWS: tuple[tuple[str, str | None], ...] = (
    ("input price", "input"),
    ("output price", "output"),
    ("context caching price", "cache_read"),
    ("context caching (storage)", "cache_storage"),
    ("grounding with google search", "web_search"),
    ("grounding with google maps", "maps_grounding"),
    ("used to improve our products", None),
)
_TOKEN_FIELDS = frozenset({"input", "output", "cache_read"})
_REQUEST_FIELDS = frozenset({"web_search", "maps_grounding"})

_AMT = r"\$\s*(\d[\d,]*(?:\.\d+)?)"
_TOKEN = re.compile(rf"{_AMT}(.*)")
_STORAGE = re.compile(rf"{_AMT}\s*/\s*1,000,000 tokens per hour(?:\s*\(storage price\))?")
_PER_1K = re.compile(rf"(?:.*\bthen\s+)?{_AMT}\s*(?:/|per)\s*1,000\s+[a-z ]+?\.?", re.IGNORECASE)
_CONTEXT = re.compile(r"prompts\s*(<=|≤|>)\s*(\d+k)(?:\s*tokens?)?", re.IGNORECASE)
_MODALITY = re.compile(r"\(([^)]*)\)")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_MD_MODEL_ID = re.compile(r"\b(?:gemini|gemma|imagen|veo)-[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class _Line:
    """One priced line of a paid cell, before its tab is applied."""

    field: str
    dims: dict[str, str]
    value: Decimal | None
    unit: Unit = "usd_per_mtok"
    reason: str | None = None


def model_id(code: str) -> str:
    """The model id the page prints in ``<code>`` under the model heading, lower-cased."""
    low = code.strip().lower()
    if not _ID.fullmatch(low):
        raise ParseError(VENDOR, f"{code!r} is not a model id")
    return low


def _row_field(label: str) -> str | None:
    low = " ".join(label.lower().split())
    for prefix, fld in _ROWS:
        if low.startswith(prefix):
            return fld
    raise ParseError(VENDOR, f"unknown pricing row {label!r}: the table layout changed")


def _modal_field(base: str, inner: str, line: str) -> str:
    """``input`` for ``(text / image / video)``, ``audio_input`` for ``(audio)``."""
    parts = {p.strip().lower() for p in inner.split("/")}
    if "text" in parts:
        return base
    if parts == {"audio"}:
        return f"audio_{base}"
    raise ParseError(VENDOR, f"cannot tell which field {line!r} prices")


def _token_line(base: str, line: str) -> _Line:
    m = _TOKEN.fullmatch(line)
    if m is None:
        raise ParseError(VENDOR, f"unreadable price {line!r}")
    rest, dims, fld = m.group(2), {}, base
    ctx = _CONTEXT.search(rest)
    if ctx:
        op = "<=" if ctx.group(1) in {"<=", "≤"} else ">"
        dims["context"] = f"{op}{ctx.group(2).lower()}"
        rest = rest.replace(ctx.group(0), "")
    mod = _MODALITY.search(rest)
    if mod:
        fld = _modal_field(base, mod.group(1), line)
        rest = rest.replace(mod.group(0), "")
    if rest.strip(" ,."):
        raise ParseError(VENDOR, f"unread words {rest.strip()!r} in price {line!r}")
    return _Line(fld, dims, money(m.group(1)))


def _line(base: str, line: str) -> _Line:
    """What one line of a paid cell prices, read from its words."""
    plain = line.rstrip("*").strip().lower()
    if plain == "not available":
        return _Line(base, {}, None, reason="page shows 'Not available'")
    if plain == "free of charge" and base in _TOKEN_FIELDS:
        return _Line(base, {}, Decimal(0))
    storage = _STORAGE.fullmatch(line)
    if storage and base in {"cache_read", "cache_storage"}:
        return _Line("cache_storage", {}, money(storage.group(1)), unit="usd_per_mtok_hour")
    if base in _REQUEST_FIELDS:
        fee = _PER_1K.fullmatch(line)
        if fee is None:
            raise ParseError(VENDOR, f"unreadable grounding price {line!r}")
        return _Line(base, {}, normalize(money(fee.group(1)) / 1000), unit="usd_per_request")
    if base in _TOKEN_FIELDS:
        return _token_line(base, line)
    raise ParseError(VENDOR, f"unreadable price {line!r}")


def _paid_column(table: Tag, where: str) -> int:
    heads = [cell_text(th).lower() for th in table.find_all("th")]
    col = next((i for i, h in enumerate(heads) if "paid tier" in h), None)
    if col is None:
        raise ParseError(VENDOR, f"pricing table for {where} has no 'Paid Tier' column")
    if "per 1m tokens in usd" not in heads[col]:
        raise ParseError(VENDOR, f"paid tier for {where} is not priced per 1M tokens in USD")
    return col


def _table_rates(table: Tag, model: str, label: str) -> list[ParsedRate]:
    col = _paid_column(table, model)
    out: list[ParsedRate] = []
    for tr in table.find_all("tr"):
        cells = tr.find_all("td")
        if not cells:
            continue
        base = _row_field(cell_text(cells[0]))
        if base is None:
            continue
        if col >= len(cells):
            raise ParseError(VENDOR, f"{model} row {cell_text(cells[0])!r} has no paid tier cell")
        for line in (_line(base, text) for text in cell_lines(cells[col])):
            name, key = placed(line.field, label, line.dims)
            status: Status = "not_offered" if line.reason else "verified"
            out.append(ParsedRate(model, name, line.value, line.unit, key, status, line.reason))
    return out


def _refuse_markdown(text: str, url: str) -> ParseError:
    """Why a markdown capture cannot be read: its price tables have lost their model headings."""
    found = [t for t in tables(text) if any("paid tier" in h.lower() for h in t.header)]
    if not found:
        return ParseError(VENDOR, f"no 'Paid Tier' pricing table found in {url}")
    named = sum(1 for t in found if _MD_MODEL_ID.search(t.preface))
    if named < len(found):
        why = (
            f"{len(found) - named} of {len(found)} price tables have no model heading or model "
            "id above them (lost in conversion)"
        )
    else:
        why = "its tables have lost their Standard/Batch tab labels"
    return ParseError(
        VENDOR, f"cannot attribute prices to models in the markdown capture of {url}: {why}"
    )


def _html_rates(body: bytes, url: str, names: dict[str, str]) -> list[ParsedRate]:
    """Walk the page in document order: h2 (model), em>code (its id), h3 (tab), pricing table."""
    soup = BeautifulSoup(body, "lxml")
    rates: list[ParsedRate] = []
    ids: list[str] = []
    display, label, seeking = "", "", False
    priced = 0
    for el in soup.find_all(["h2", "h3", "code", "table"]):
        if el.name == "h2":
            display, label, ids, seeking = str(el.get("data-text") or cell_text(el)), "", [], True
        elif el.name == "code" and seeking and el.find_parent("em") is not None:
            ids.append(model_id(cell_text(el)))
        elif el.name == "h3":
            text = cell_text(el).lower()
            label = text if text in SERVICE_LABELS else ""
        elif el.name == "table" and "pricing-table" in (el.get("class") or []):
            if len(ids) != 1:
                raise ParseError(VENDOR, f"pricing table under {display!r}: model ids {ids}")
            if not label:
                raise ParseError(VENDOR, f"pricing table for {ids[0]} has no tab heading above it")
            seeking = False
            names[ids[0]] = display
            rates.extend(_table_rates(el, ids[0], label))
            priced += 1
    if not priced:
        raise ParseError(VENDOR, f"no pricing table (table.pricing-table) found in {url}")
    return rates


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    if body.lstrip()[:1] != b"<":
        raise _refuse_markdown(body.decode("utf-8"), url)
    names: dict[str, str] = {}
    rates = _html_rates(body, url, names)
    return parsed(VENDOR, rates, names)
