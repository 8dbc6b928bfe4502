"""MiniMax: the pay-as-you-go pricing page, in English (USD) and in Chinese (CNY).

Both pages are configured start URLs of one vendor; each is recognised by what it says, not by
its address. Every price keeps the currency the page prints: ``$`` in the English cells
(``\\$0.3 / M tokens``), ``元`` in the Chinese headers (``输入价格<br />元/百万 tokens``, then bare
numbers). Both pages price the same keys, so one key comes once in USD and once in CNY; the
pipeline keeps the published USD and records the CNY as published, never converting over it.

Tables are found by their headers: a model column (``Model``/``模型``) and price columns
(input, output, prompt-caching read and write, or one ``Price``/``单价`` column whose field follows
from its unit: per character is ``speech_generation``, per image ``image_generation``). Tables
without a price column (rate limits) are skipped; an unknown column in a price table refuses.
A cell may list several models on ``<br />`` lines (``MiniMax-Hailuo-2.3<br />MiniMax-Hailuo-02``);
a line without a model name is a description (``High Concurrency, Commercial Use``). The Chinese
speech table prices the synchronous ``T2A`` (standard tier) and ``T2A Async`` (tier
``mode=async``). Prices whose unit is not in the vocabulary (per video clip, per song, per
voice) are not stored and are listed in the notes; so is a token price not said to be input or
output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, normalize, parsed
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.model_table import NOT_OFFERED

VENDOR = "minimax"

LINE = "\ue000"
"""Stands for a cell's ``<br />`` through :func:`markdown.tables`, which would make it a space."""
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MODEL_HEADERS = ("model", "模型")
_ITEM_HEADERS = ("api", "计费项")
_ATTRIBUTE_HEADERS = ("接口说明", "功能", "rpm", "tpm")
#: Header text (contained, lower case) -> field; None: the field follows from the unit.
_PRICE_HEADERS: tuple[tuple[str, str | None], ...] = (
    ("caching read", "cache_read"),
    ("缓存读取", "cache_read"),
    ("caching write", "cache_write"),
    ("缓存写入", "cache_write"),
    ("input", "input"),
    ("输入", "input"),
    ("output", "output"),
    ("输出", "output"),
    ("price", None),
    ("单价", None),
)
_CURRENCIES = {"$": "USD", "元": "CNY"}
#: What one published amount buys (lower case, single spaces) -> (quantity, how many).
_PER: dict[str, tuple[str, int]] = {
    "m tokens": ("tokens", 1_000_000),
    "百万 tokens": ("tokens", 1_000_000),
    "m characters": ("characters", 1_000_000),
    "万字符": ("characters", 10_000),
    "image": ("images", 1),
    "张": ("images", 1),
}
#: Quantity -> stored unit and how many of the quantity it prices.
_UNITS: dict[str, tuple[Unit, int]] = {
    "tokens": ("usd_per_mtok", 1_000_000),
    "characters": ("usd_per_mchars", 1_000_000),
    "images": ("usd_per_image", 1),
}
_BY_QUANTITY = {"characters": "speech_generation", "images": "image_generation"}
_TOKEN_FIELDS = frozenset({"input", "output", "cache_read", "cache_write"})
_AMOUNT = re.compile(r"^(?P<cur>[$元])?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?:(?:/|\bper\b)\s*(?P<per>.+))?$")
_HEADER_UNIT = re.compile(r"(?P<cur>[$元])\s*/\s*(?P<per>.+)$")
_MODEL = re.compile(r"^[A-Za-z][\w.-]*\d[\w.-]*$")
_HAS_NAME = re.compile(r"[A-Za-z][\w.-]*\d")


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    header: str
    field: str | None
    currency: str | None
    shown: str | None
    """The unit the header states (``百万 tokens``), if any."""


def model_id(name: str) -> str:
    """The name as the page prints it, lower-cased, without a trailing hyphen.

    ``MiniMax-M2-Stable`` -> ``minimax-m2-stable``; the Chinese page's ``speech-2.6-hd-`` (a
    stray hyphen before its line break) -> ``speech-2.6-hd``.
    """
    if not _MODEL.match(name):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return name.lower().rstrip("-")


def _lines(cell: str) -> list[str]:
    """A cell's ``<br />`` lines, bullets and surrounding space removed, empty lines dropped."""
    return [s for s in (part.strip().lstrip("•").strip() for part in cell.split(LINE)) if s]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _column(index: int, header: str) -> _Column | None:
    """A price column with the unit its header states; None for model, item and attribute columns."""
    text = " ".join(_lines(header))
    low = text.lower()
    if low in _MODEL_HEADERS or low in _ITEM_HEADERS or any(a in low for a in _ATTRIBUTE_HEADERS):
        return None
    found = next((f for key, f in _PRICE_HEADERS if key in low), "")
    if found == "":
        raise ParseError(VENDOR, f"unknown column {text!r} in a price table")
    unit = _HEADER_UNIT.search(text)
    cur = _CURRENCIES[unit["cur"]] if unit else None
    return _Column(index, text, found, cur, unit["per"].strip() if unit else None)


def _find(header: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    return next((i for i, h in enumerate(header) if " ".join(_lines(h)).lower() in names), None)


def _ids(cell: str, names: dict[str, str]) -> list[str]:
    """Model ids of a priced row's model cell, their printed names kept in ``names``.

    Each ``<br />`` line naming a model is one; a line without one is a description; a line that
    mixes both (``MiniMax-M2.1 (fast)``) refuses rather than losing the model.
    """
    models: list[str] = []
    for line in _lines(cell):
        if _MODEL.match(line):
            models.append(line)
        elif _HAS_NAME.search(line) and line.isascii():
            raise ParseError(VENDOR, f"unreadable model cell {cell.replace(LINE, ' / ')!r}")
    if not models:
        raise ParseError(VENDOR, f"no model name in {cell.replace(LINE, ' / ')!r}")
    for name in models:
        names.setdefault(model_id(name), name)
    return [model_id(m) for m in models]


def _tier(item: str | None) -> str:
    """Tier of a row by its billed API: plain ``T2A`` is standard, ``T2A Async`` is ``mode=async``."""
    if item is None:
        return tiers.STANDARD
    words = [w for w in _lines(item) if w.isascii()]
    api = _norm(" ".join(words))
    if api in {"", "t2a"}:
        return tiers.STANDARD
    if api == "t2a async":
        return tiers.make(mode="async")
    raise ParseError(VENDOR, f"unknown API {api!r} for a priced row")


@dataclass(frozen=True, slots=True)
class _Cell:
    """One price cell read: its amount, currency and what the amount buys."""

    amount: Decimal
    currency: str
    per: str
    """What the amount buys, lower case (``m tokens``), the key of ``_PER``."""
    shown: str
    """The same as the page prints it, for notes."""


def _cell(col: _Column, cell: str, where: str) -> _Cell:
    """Amount, currency and unit of a price cell, the unit from the cell or else its header."""
    lines = _lines(cell)
    m = _AMOUNT.match(lines[0]) if lines else None
    if m is None:
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
    shown = " ".join((m["per"] or col.shown or "").split())
    per = _norm(shown) or None
    if m["per"] and col.shown and _norm(m["per"]) != _norm(col.shown):
        raise ParseError(VENDOR, f"cell unit {m['per']!r} contradicts the header of {where}")
    currency = _CURRENCIES[m["cur"]] if m["cur"] else col.currency
    if currency is None or per is None:
        raise ParseError(VENDOR, f"price {cell!r} for {where} states no currency or unit")
    if per in _PER and len(lines) > 1:
        raise ParseError(VENDOR, f"price {' / '.join(lines)!r} for {where} carries more than an amount")
    return _Cell(Decimal(m["num"].replace(",", "")), currency, per, shown)


def _field(col: _Column, cell: _Cell, where: str) -> str | None:
    """The field a price is stored under; None when its unit is not in the vocabulary (noted),
    or when a token price is not said to be input or output."""
    if cell.per not in _PER:
        return None
    quantity = _PER[cell.per][0]
    fld = col.field or _BY_QUANTITY.get(quantity)
    if fld is not None and (quantity == "tokens") != (fld in _TOKEN_FIELDS):
        raise ParseError(VENDOR, f"{where}: a price per {cell.per} in a {fld} column")
    return fld


def _read(table: Table, notes: dict[str, set[str]], names: dict[str, str]) -> list[ParsedRate]:
    """Rates of one price table; prices without a unit in the vocabulary go to ``notes``."""
    model_col = _find(table.header, _MODEL_HEADERS)
    item_col = _find(table.header, _ITEM_HEADERS)
    cols = [c for i, h in enumerate(table.header) if (c := _column(i, h)) is not None]
    heading = table.headings[-1] if table.headings else "table"
    out: list[ParsedRate] = []
    for row in table.rows:
        if len(row) != len(table.header) or model_col is None:
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        for col in cols:
            where = f"{row[model_col].replace(LINE, ' / ')} {col.header!r}"
            text = row[col.index].strip()
            if text.lower() in NOT_OFFERED and col.field in _TOKEN_FIELDS:
                reason = f"page shows {text!r}"
                out += [
                    ParsedRate(i, col.field, None, status="not_offered", reason=reason)
                    for i in _ids(row[model_col], names)
                ]
                continue
            cell = _cell(col, text, where)
            fld = _field(col, cell, where)
            if fld is None:
                notes.setdefault(heading, set()).add(f"{cell.shown!r} ({cell.currency})")
                continue
            tier = _tier(row[item_col] if item_col is not None else None)
            unit, per_unit = _UNITS[_PER[cell.per][0]]
            value = normalize(cell.amount * per_unit / _PER[cell.per][1])
            out += [
                ParsedRate(i, fld, value, unit, tier, currency=cell.currency)
                for i in _ids(row[model_col], names)
            ]
    return out


def _is_price_table(table: Table) -> bool:
    """A table with a model column and at least one price column (rate-limit tables have none)."""
    if _find(table.header, _MODEL_HEADERS) is None:
        return False
    heads = [" ".join(_lines(h)).lower() for h in table.header]
    return any(key in h for h in heads for key, _ in _PRICE_HEADERS)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    text = _BR.sub(LINE, body.decode("utf-8"))
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    skipped: dict[str, set[str]] = {}
    for table in tables(text):
        if _is_price_table(table):
            rates.extend(_read(table, skipped, names))
    if not any(r.value is not None for r in rates):
        raise ParseError(VENDOR, f"no price table found in {url}: expected 'Model | Input | Output ...'")
    notes = [
        f"{h}: prices per {', '.join(sorted(p))} not stored (no billing unit)" for h, p in skipped.items()
    ]
    return parsed(VENDOR, rates, names, notes)
