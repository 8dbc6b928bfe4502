"""Anthropic: the docs pricing page in its markdown source (docs.claude.com/.../pricing.md).

Tables are recognised by their column headers, never by position: the model table
(``Base Input Tokens``, cache writes, cache hits, ``Output Tokens``), the batch table
(``Batch input``/``Batch output``) and the long-context table (``≤ 200K``/``> 200K`` input tokens,
for the models its introduction names, or per model in the later layout). Rows qualified with a
period (``Claude Sonnet 5 (through August 31, 2026)``) count only on the days they apply.
"""

from __future__ import annotations

import re
from datetime import date, datetime
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
_NAME = re.compile(
    r"^Claude\s+([A-Za-z]+)\s+(\d+(?:\.\d+)?)((?:\s*/\s*\d+(?:\.\d+)?)*)(?![\w.])", re.IGNORECASE
)
_MENTION = re.compile(r"\b(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)")
_DATED = re.compile(r"\b(through|until|starting|from)\s+([A-Z][a-z]+ \d{1,2}, \d{4})", re.IGNORECASE)
#: Words in a model cell's notes -> flag rows (attributes, never part of the id).
_MARKERS = {
    "deprecated": "deprecated",
    "retired": "retired",
    "legacy": "legacy",
    "limited availability": "limited_availability",
}
LONG_CONTEXT_TIER = "context>200k"
_IO = re.compile(r"\b(input|output)\s*:\s*\$\s*([\d.,]+)|\$\s*([\d.,]+)\s*/\s*MTok\s+(input|output)\b", re.I)


def model_id(family: str, version: str) -> str:
    """Anthropic's own API naming: ``claude-sonnet-4-5`` from generation 4 on, ``claude-3-7-sonnet`` before.

    Any family name is accepted (``Claude Fable 5.1`` -> ``claude-fable-5-1``). Dated suffixes
    (``-20250929``) are not part of the id; registries match them by rule.
    """
    fam = family.lower()
    ver = version.replace(".", "-")
    major = int(version.split(".")[0])
    return f"claude-{fam}-{ver}" if major >= 4 else f"claude-{ver}-{fam}"


def in_force(notes: str, on: date) -> bool:
    """Whether a row qualified ``(through August 31, 2026)`` or ``(starting …)`` applies on ``on``."""
    for word, when in _DATED.findall(notes):
        try:
            day = datetime.strptime(when, "%B %d, %Y").date()
        except ValueError as exc:
            raise ParseError(VENDOR, f"unreadable date {when!r} in a model cell") from exc
        if word.lower() in {"through", "until"} and on > day:
            return False
        if word.lower() in {"starting", "from"} and on < day:
            return False
    return True


def _models(cell: str) -> tuple[list[str], str, list[str], str]:
    """(ids, display name, markers, notes) of ``Claude Opus 3 (deprecated)``, ``Claude Sonnet 4.6 / 4.5``."""
    m = _NAME.match(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r} in a price table")
    versions = [m.group(2), *re.findall(r"\d+(?:\.\d+)?", m.group(3))]
    notes = " ".join(_PARENS.findall(cell))
    low = notes.lower()
    markers = [flag for word, flag in _MARKERS.items() if word in low]
    display = f"Claude {m.group(1).title()} {' / '.join(versions)}"
    return [model_id(m.group(1), v) for v in versions], display, markers, notes


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


def _model_table(table: Table, names: dict[str, str], on: date, flags: bool) -> list[ParsedRate]:
    out: list[ParsedRate] = []
    cols = _fields(table)
    for row in table.rows:
        ids, display, markers, notes = _models(row[0])
        if not in_force(notes, on):
            continue  # a price announced for another period
        for mid in ids:
            names.setdefault(mid, display if len(ids) == 1 else f"Claude {mid}")
            if flags:
                out.extend(ParsedRate(mid, mk, None, unit="flag") for mk in markers)
        for i, fld in cols:
            if i >= len(row):
                raise ParseError(VENDOR, f"row {row[0]!r} is missing the {fld} column")
            price = _price(row[i], f"{display} {fld}")
            for mid in ids:
                if price is None:
                    out.append(
                        ParsedRate(mid, fld, None, status="not_offered", reason=f"page shows {row[i]!r}")
                    )
                else:
                    out.append(ParsedRate(mid, fld, price.value))
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


def _long_context(table: Table, known: set[str], on: date) -> list[ParsedRate]:
    """The ``> 200K input tokens`` prices: per model when the table has a model column, else for
    the models its introduction names (the 2025 layout, one ``Input:``/``Output:`` line a row)."""
    col = next((i for i, h in enumerate(table.header) if h.lstrip().startswith(">")), None)
    if col is None:
        raise ParseError(VENDOR, "long context table has no '> 200K input tokens' column")
    per_model = "model" in table.header[0].lower()
    models: list[str] = []
    if not per_model:
        models = sorted({model_id(f, v) for f, v in _MENTION.findall(table.preface)} & known)
        if not models:
            raise ParseError(VENDOR, "long context table found but no priced model named in its introduction")
    out: list[ParsedRate] = []
    for row in table.rows:
        if col >= len(row):
            raise ParseError(VENDOR, f"long context row {row!r} has no '> 200K' cell")
        if per_model and row[0].strip():
            ids, _, _, notes = _models(row[0])
            models = ids if in_force(notes, on) else []
        if per_model and not models and not row[0].strip():
            raise ParseError(VENDOR, f"long context row {row!r} belongs to no model")
        prices = io_prices(row[col], "long context prices")
        if not prices:
            raise ParseError(VENDOR, f"unexpected long context cell {row[col]!r}")
        out.extend(ParsedRate(m, fld, v, tier=LONG_CONTEXT_TIER) for fld, v in prices.items() for m in models)
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    text = body.decode("utf-8")
    on = fetched_at.date()
    found = list(tables(text))
    names: dict[str, str] = {}
    main = [t for t in found if t.column("base input") is not None]
    if not main:
        raise ParseError(
            VENDOR,
            f"no model pricing table found in {url} "
            "(expected columns 'Model | Base Input Tokens | ... | Output Tokens')",
        )
    rates = _model_table(main[0], names, on, flags=True)
    for t in found:
        if t.column("batch input") is not None:
            rates.extend(_model_table(t, names, on, flags=False))
    for t in found:
        if any("200k" in h.lower() and h.lstrip().startswith(">") for h in t.header):
            rates.extend(_long_context(t, set(names), on))
    return parsed(VENDOR, rates, names)
