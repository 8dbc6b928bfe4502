"""Anthropic: the docs pricing page in its markdown source (docs.claude.com/.../pricing.md).

Tables are recognised by their column headers, never by position: the model table
(``Base Input Tokens``, cache writes, cache hits, ``Output Tokens``), the batch table
(``Batch input``/``Batch output``) and the long-context table (``≤ 200K``/``> 200K`` input tokens,
for the models its introduction names).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, money, parsed
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
_NAME = re.compile(r"^Claude\s+(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)\b", re.IGNORECASE)
_MENTION = re.compile(r"\b(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)", re.IGNORECASE)
_MARKERS = ("deprecated", "retired", "legacy")
LONG_CONTEXT_TIER = "context>200k"


def model_id(family: str, version: str) -> str:
    """Anthropic's own API naming: ``claude-sonnet-4-5`` from generation 4 on, ``claude-3-7-sonnet`` before.

    Dated suffixes (``-20250929``) are not part of the id; registries match them by rule.
    """
    fam = family.lower()
    ver = version.replace(".", "-")
    major = int(version.split(".")[0])
    return f"claude-{fam}-{ver}" if major >= 4 else f"claude-{ver}-{fam}"


def _model(cell: str) -> tuple[str, str, list[str]]:
    """(canonical id, display name, markers) of a model cell such as ``Claude Opus 3 (deprecated)``."""
    m = _NAME.match(cell)
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r} in a price table")
    low = cell.lower()
    markers = [mk for mk in _MARKERS if mk in low]
    display = f"Claude {m.group(1).title()} {m.group(2)}"
    return model_id(m.group(1), m.group(2)), display, markers


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


def _price(cell: str, where: str) -> ParsedRate | None:
    """Value of a ``$3 / MTok`` cell; a dash means not offered (returned as None by caller)."""
    if cell.strip() in {"-", "—", "–", "N/A", "n/a", "Not available"}:
        return None
    if "mtok" not in cell.lower():
        raise ParseError(VENDOR, f"expected a '$X / MTok' price in {where}, found {cell!r}")
    return ParsedRate(model="", field="", value=_amount(cell, where))


def _model_table(table: Table, names: dict[str, str]) -> list[ParsedRate]:
    out: list[ParsedRate] = []
    cols = _fields(table)
    for row in table.rows:
        mid, display, markers = _model(row[0])
        names[mid] = display
        out.extend(ParsedRate(mid, mk, None, unit="flag") for mk in markers)
        for i, fld in cols:
            if i >= len(row):
                raise ParseError(VENDOR, f"row {row[0]!r} is missing the {fld} column")
            price = _price(row[i], f"{display} {fld}")
            if price is None:
                out.append(ParsedRate(mid, fld, None, status="not_offered", reason=f"page shows {row[i]!r}"))
            else:
                out.append(ParsedRate(mid, fld, price.value))
    return out


def _long_context(table: Table, known: set[str]) -> list[ParsedRate]:
    """Rows of ``Input: $6 / MTok`` under a ``> 200K input tokens`` header, for the models named above."""
    models = {model_id(f, v) for f, v in _MENTION.findall(table.preface)}
    models &= known
    if not models:
        raise ParseError(VENDOR, "long context table found but no priced model named in its introduction")
    col = next((i for i, h in enumerate(table.header) if h.lstrip().startswith(">")), None)
    if col is None:
        raise ParseError(VENDOR, "long context table has no '> 200K input tokens' column")
    out: list[ParsedRate] = []
    for row in table.rows:
        if col >= len(row):
            raise ParseError(VENDOR, f"long context row {row!r} has no '> 200K' cell")
        label, _, value = row[col].partition(":")
        fld = label.strip().lower()
        if fld not in {"input", "output"}:
            raise ParseError(VENDOR, f"unexpected long context row {row[col]!r}")
        amount = _amount(value, f"long context {fld}")
        out.extend(ParsedRate(m, fld, amount, tier=LONG_CONTEXT_TIER) for m in sorted(models))
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    text = body.decode("utf-8")
    found = list(tables(text))
    names: dict[str, str] = {}
    main = [t for t in found if t.column("base input") is not None]
    if not main:
        raise ParseError(
            VENDOR,
            f"no model pricing table found in {url} "
            "(expected columns 'Model | Base Input Tokens | ... | Output Tokens')",
        )
    rates = _model_table(main[0], names)
    for t in found:
        if t.column("batch input") is not None:
            rates.extend(r for r in _model_table(t, names) if r.unit != "flag")
    for t in found:
        if any("200k" in h.lower() and h.lstrip().startswith(">") for h in t.header):
            rates.extend(_long_context(t, set(names)))
    return parsed(VENDOR, rates, names)
