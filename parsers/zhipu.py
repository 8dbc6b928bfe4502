"""Z.AI (Zhipu): the developer docs pricing page (docs.z.ai/guides/overview/pricing).

Every table is found by its header: a name column (``Model``, also as the page misspells it,
``Model.``; ``Tool``; ``Agent``) and price columns. The unit is the sentence above the table
("Prices per 1M tokens.", "Prices per image.") or the cell's own (``$0.01 / use``, ``$0.7 / MTok``).

* Text models: ``Input`` (``input``), ``Cached Input`` (``cache_read``), ``Output`` per 1M
  tokens. ``Cached Input Storage`` is a price over time whose period the page does not state:
  not stored, noted. ``-`` is not offered. A row priced ``Free`` in every column is a free model
  (``free`` flag, zero prices); a lone ``Free`` or ``Limited-time Free`` cell has no list price
  behind it: not stored, noted.
* Built-in tools: ``Web Search`` per use is the ``web_search`` field of the tool ``web-search``.
* Image models: per image (``image_generation``).
* Video models (per video), agents priced per MTok without saying input or output, or per
  video: no unit or field to store them under, noted.

An unknown column in a price table, a price cell that is not ``$`` and an amount, or a unit that
contradicts the one above the table refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import FIELDS, Parsed, ParsedRate, ParseError, Unit, normalize, parsed
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.model_table import NOT_OFFERED

VENDOR = "zhipu"

_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_NAME_HEADERS = ("model", "tool", "agent")
#: Header text (contained, lower case) -> field, first match wins; None: the field follows from
#: the unit and the row (images are generated; a tool is its own field).
_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("cached input storage", "cache_storage"),
    ("cached input", "cache_read"),
    ("input", "input"),
    ("output", "output"),
    ("price", None),
    ("cost", None),
)
_TOOLS = {"web search": "web_search"}
_PREFACE_UNIT = re.compile(r"\bprices per (?P<per>[^.]+)\.", re.IGNORECASE)
_CELL = re.compile(r"^\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?:/\s*(?P<per>.+))?$")
_FREE = re.compile(r"^(?:limited[- ]time\s+)?free$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Per:
    """What one published amount buys, and the unit it is stored in (the same quantity)."""

    quantity: str
    unit: Unit


#: Unit phrases (lower case, single spaces) the page uses.
_PER: dict[str, _Per] = {
    "1m tokens": _Per("tokens", "usd_per_mtok"),
    "mtok": _Per("tokens", "usd_per_mtok"),
    "image": _Per("images", "usd_per_image"),
    "use": _Per("requests", "usd_per_request"),
}
_BY_QUANTITY = {"images": "image_generation"}


def model_id(name: str) -> str:
    """Z.AI's API ids are the page's names lower-cased, spaces as hyphens.

    ``GLM-4.5-AirX`` -> ``glm-4.5-airx``; ``CogView-4`` -> ``cogview-4``; ``Web Search`` -> ``web-search``.
    """
    mid = "-".join(name.lower().split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _name_column(table: Table) -> int | None:
    heads = [_norm(h).strip(" .:") for h in table.header]
    return next((i for i, h in enumerate(heads) if h in _NAME_HEADERS), None)


def _columns(table: Table, name_col: int) -> dict[int, str | None]:
    """Price columns and their fields; an unknown header refuses."""
    out: dict[int, str | None] = {}
    for i, head in enumerate(table.header):
        if i == name_col:
            continue
        found = next((f for key, f in _COLUMNS if key in _norm(head)), "")
        if found == "":
            raise ParseError(VENDOR, f"unknown column {head!r} in a price table")
        out[i] = found
    return out


def _field(name: str, fld: str | None, per: _Per) -> str | None:
    """The field of a price, or None when the page does not say what it prices."""
    if fld is None:
        fld = _TOOLS.get(_norm(name)) if per.quantity == "requests" else _BY_QUANTITY.get(per.quantity)
    return fld


def _why_not(fld: str | None, per: _Per | None, phrase: str | None, cell: str, free_row: bool) -> str | None:
    """Why a cell is not stored, in words for the notes; None when it is."""
    if per is None:
        return f"no billing unit for 'per {phrase}'" if phrase else "no unit stated"
    if fld is None and per.quantity == "tokens":
        return f"a price per {phrase} not said to be input or output"
    if fld is None:
        return f"a price per {phrase} of an item this parser does not know"
    if per.quantity not in FIELDS[fld]:
        if "token_hours" not in FIELDS[fld]:
            raise ParseError(VENDOR, f"a price per {phrase} in a {fld} column")
        return f"priced over time, and the page states no period ('per {phrase}' only)"
    if _norm(cell) == "limited-time free":
        return "'Limited-time Free' has no list price behind it"
    if _norm(cell) == "free" and not free_row:
        return "'Free' in a row that is not free throughout"
    return None


@dataclass
class _Page:
    """What has been read so far; notes grouped by (column, why)."""

    rates: list[ParsedRate]
    names: dict[str, str]
    skipped: dict[tuple[str, str], list[str]]


def _unit(cell: str, above: str | None, where: str) -> str | None:
    """The unit phrase a cell is priced in: its own (``$0.01 / use``) or the one above the table."""
    m = _CELL.match(cell)
    if m is None or not m["per"]:
        return above
    own = _norm(m["per"])
    if above and own != above:
        raise ParseError(VENDOR, f"{where}: cell unit {m['per']!r} contradicts 'Prices per {above}'")
    return own


def _row(page: _Page, table: Table, row: tuple[str, ...], name_col: int, cols: dict[int, str | None]) -> None:
    """One row's prices (or notes); a row ``Free`` in every price column is a free model."""
    name = row[name_col]
    preface = _PREFACE_UNIT.search(table.preface)
    above = _norm(preface["per"]) if preface else None
    cells = {i: row[i].strip() for i in cols}
    free_row = all(_norm(c) == "free" for c in cells.values())
    stored: list[ParsedRate] = []
    for i, col in cols.items():
        cell, where = cells[i], f"{name} {table.header[i]!r}"
        m = _CELL.match(cell)
        if m is None and _norm(cell) not in NOT_OFFERED and not _FREE.match(cell):
            raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
        phrase = _unit(cell, above, where)
        per = _PER.get(phrase or "")
        fld = _field(name, col, per) if per else None
        why = _why_not(fld, per, phrase, cell, free_row)
        if why is not None or fld is None or per is None:
            page.skipped.setdefault((table.header[i], why or ""), []).append(f"{name} {cell!r}")
        elif _norm(cell) in NOT_OFFERED:
            reason = f"page shows {cell!r}"
            stored.append(
                ParsedRate(model_id(name), fld, None, per.unit, status="not_offered", reason=reason)
            )
        else:
            amount = normalize(Decimal(m["num"].replace(",", ""))) if m else Decimal(0)  # 0: a free row
            stored.append(ParsedRate(model_id(name), fld, amount, per.unit))
    if stored:
        page.names.setdefault(model_id(name), name)
        page.rates.extend(stored)
    if stored and free_row:
        page.rates.append(ParsedRate(model_id(name), "free", None, unit="flag", reason="page shows 'Free'"))


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    page = _Page([], {}, {})
    for table in tables(body.decode("utf-8")):
        name_col = _name_column(table)
        if name_col is None:
            continue
        cols = _columns(table, name_col)
        for row in table.rows:
            if len(row) != len(table.header):
                raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
            _row(page, table, row, name_col, cols)
    if not any(r.field == "input" and r.value is not None for r in page.rates):
        raise ParseError(VENDOR, f"no text model price table found in {url} (expected 'Model | Input | ...')")
    notes = [f"{col} not stored, {why}: {', '.join(cells)}" for (col, why), cells in page.skipped.items()]
    return parsed(VENDOR, page.rates, page.names, notes)
