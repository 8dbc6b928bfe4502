"""xAI: the docs pricing page (docs.x.ai/docs/pricing) and the older "Models and Pricing" page
(docs.x.ai/docs/models), as markdown. Each table is recognised by its header, whichever page it
is on:

- ``Model | Context | Input | Cached input | Output``: prices per 1M tokens, the unit in the
  cell (``$3.00 / 1M tokens``, ``$0.002 / 1K tokens`` converted exactly) or stated once above
  the table (``Prices per 1M tokens``). Context is the model's window, not a price tier. A model
  cell that names a prompt bound (``grok-4 (>128K context)``) prices that context tier;
  ``(deprecated)`` is a flag. Any other words in a model cell are refused;
- ``Model | ... | Pricing`` (models page): group rows (``Language models | | Per million
  tokens``, ``Image generation models | | Per image output``) say what the Pricing cell of the
  rows below holds. For language models it is the input and the output price, in that order,
  which the markdown runs together (``$0.20$0.50``): the cell is split at each ``$`` amount
  (:func:`~ratecard.parsers.markdown.amounts`) and must hold exactly two, or it is refused;
- ``Model | Media Input | Resolution | Output`` (Imagine): per-image and per-second prices by
  resolution; continuation rows (``| 2K | $0.02 / img |``) belong to the model above. Media
  input is ``image_analysis`` per input image or ``video_analysis`` per input second;
- ``Mode | Cost`` (voice): realtime per minute (``audio_duration``), text to speech per million
  characters, speech to text per hour (``transcription_hours``, by REST/streaming mode);
- tool invocation tables (per 1,000 calls) and ``Item | Price``: one id per tool (``web-search``,
  ``x-search``...), ``web_search`` for web search and ``request`` for other tools;
- ``Resource | Rate``: file and collection storage per GiB-day.

A page without any model price table (the JavaScript-rendered models page) is refused. What is
seen and not stored is in the notes: "Token-based" tools, prices in units ratecard has no unit
for (per message, per GiB downloaded), restated figures (``($3.00 / hr)``), the batch discount
stated as a range ("20%-50% off"), and prices in prose (live search, violation fee).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, money, parsed
from ratecard.parsers.markdown import Table, Text, amounts, blocks, spanned_rows
from ratecard.parsers.unitprice import stated_unit, unit_price

VENDOR = "xai"

_ID = re.compile(r"^grok(?:-[a-z0-9.]+)*$")
_SLUG = re.compile(r"[^a-z0-9]+")
_BARE = re.compile(r"^\$\s*(\d[\d,]*(?:\.\d+)?)$")
_DEPRECATED = re.compile(r"\(\s*deprecated\s*\)|\bdeprecated\b", re.IGNORECASE)
_BOUND = re.compile(r"\(\s*(?:>|over|above)\s*(\d[\d,]*)\s*([km])\b[^)]*\)", re.IGNORECASE)
_DASHES = frozenset({"-", "–", "—", "n/a"})
#: Token columns by header words (lower case, contained), first match wins.
_TOKEN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cached", "cache_read"),
    ("cache read", "cache_read"),
    ("input", "input"),
    ("prompt", "input"),
    ("completion", "output"),
    ("output", "output"),
)
#: Columns that describe a model rather than price it.
_ATTRIBUTES = ("context", "modalit", "capabilit", "rate limit", "description")
#: What a models-page group row says the Pricing cell holds: its fields in order, and the unit.
_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "per million tokens": (("input", "output"), "usd_per_mtok"),
    "per image output": (("image_generation",), "usd_per_image"),
}
#: Unit of an Imagine price -> field, for the output and the media-input column.
_MEDIA_OUTPUT = {"usd_per_image": "image_generation", "usd_per_second": "video_generation"}
_MEDIA_INPUT = {"usd_per_image": "image_analysis", "usd_per_second": "video_analysis"}
#: (voice mode, unit) -> field.
_VOICE: dict[tuple[str, str], str] = {
    ("realtime", "usd_per_minute"): "audio_duration",
    ("text-to-speech", "usd_per_mchars"): "speech_generation",
    ("speech-to-text", "usd_per_hour"): "transcription_hours",
    ("speech-to-text", "usd_per_minute"): "transcription",
}


@dataclass(slots=True)
class _Out:
    rates: list[ParsedRate] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    model_tables: int = 0


def model_id(name: str) -> str:
    """xAI's API ids as the table prints them (``grok-4-0709``), lower-cased, spaces as hyphens.

    Only ``grok…`` names are accepted: anything else in the model column means the table changed.
    """
    mid = "-".join(name.lower().split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


def product_id(name: str) -> str:
    """Tools, voice modes and storage are priced by name, not by model: their name as a slug
    (``Web Search`` -> ``web-search``, ``Text to Speech`` -> ``text-to-speech``)."""
    return _SLUG.sub("-", name.lower()).strip("-")


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def _model_cell(cell: str) -> tuple[str, dict[str, str], bool]:
    """(id, tier dims, deprecated) of a model cell; words other than the id and these marks raise."""
    deprecated = bool(_DEPRECATED.search(cell))
    name = _DEPRECATED.sub(" ", cell)
    dims: dict[str, str] = {}
    bound = _BOUND.search(name)
    if bound:
        scale = 1000 if bound.group(2).lower() == "k" else 1_000_000
        key = tiers.context(int(bound.group(1).replace(",", "")) * scale)
        dims = tiers.parse(key)
        name = name.replace(bound.group(0), " ")
    return model_id(name), dims, deprecated


# --- Model token tables ------------------------------------------------------------------------


def _token_columns(table: Table) -> list[tuple[int, str]]:
    cols: list[tuple[int, str]] = []
    for i, head in enumerate(table.header):
        low = _plain(head)
        if low == "model" or any(a in low for a in _ATTRIBUTES):
            continue
        fld = next((f for words, f in _TOKEN_COLUMNS if words in low), None)
        if fld is None:
            raise ParseError(VENDOR, f"unknown column {head!r} in a model price table")
        cols.append((i, fld))
    return cols


def _token_price(cell: str, stated: str | None, where: str) -> Decimal:
    """A per-1M-token price: the cell's own unit, else the unit stated above the table."""
    text = cell.strip()
    price = unit_price(text)
    if price is not None:
        if price.unit != "usd_per_mtok" or price.rest:
            raise ParseError(
                VENDOR, f"{where} is a per-token column but the page says {price.unit}: {cell!r}"
            )
        return price.value
    bare = _BARE.fullmatch(text)
    if bare is None:
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
    if stated != "usd_per_mtok":
        raise ParseError(VENDOR, f"no unit stated for {where} (cell or text above the table)")
    return money(bare.group(1))


def _token_table(table: Table, out: _Out) -> None:
    cols = _token_columns(table)
    stated = stated_unit(table.preface) or stated_unit(" ".join(table.header))
    model_col = [_plain(h) for h in table.header].index("model")
    out.model_tables += 1
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid, dims, deprecated = _model_cell(row[model_col])
        out.names.setdefault(mid, mid)
        key = tiers.make(**dims)
        if deprecated:
            out.rates.append(ParsedRate(mid, "deprecated", None, unit="flag"))
        for i, fld in cols:
            if row[i].strip().lower() in _DASHES:
                out.rates.append(
                    ParsedRate(mid, fld, None, tier=key, status="not_offered", reason="page shows '-'")
                )
            else:
                out.rates.append(ParsedRate(mid, fld, _token_price(row[i], stated, f"{mid} {fld}"), tier=key))


def _group(row: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """What a group row (``Language models | | Per million tokens``) says its rows' Pricing holds."""
    text = _plain(" ".join(row))
    return next((g for words, g in _GROUPS.items() if words in text), None)


def _pricing_table(table: Table, out: _Out) -> None:
    """The models page table: the Pricing cell holds the prices its group row names."""
    heads = [_plain(h) for h in table.header]
    model_col, price_col = heads.index("model"), heads.index("pricing")
    group: tuple[tuple[str, ...], str] | None = None
    out.model_tables += 1
    for row in table.rows:
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(heads):
            group = _group(row)
            if group is None:
                raise ParseError(VENDOR, f"row {row!r} is neither a model row nor a pricing group")
            continue
        mid, dims, deprecated = _model_cell(row[model_col])
        if group is None:
            raise ParseError(VENDOR, f"{mid}'s pricing has no group row saying what it prices")
        fields, unit = group
        found = amounts(row[price_col])
        if len(found) != len(fields) or not all(_BARE.fullmatch(a) for a in found):
            what = " and ".join(fields)
            raise ParseError(VENDOR, f"{mid}'s pricing {row[price_col]!r} is not one price each for {what}")
        out.names.setdefault(mid, mid)
        if deprecated:
            out.rates.append(ParsedRate(mid, "deprecated", None, unit="flag"))
        key = tiers.make(**dims)
        out.rates.extend(ParsedRate(mid, f, money(a), unit, key) for f, a in zip(fields, found, strict=True))


# --- Imagine, voice, tools, storage ------------------------------------------------------------


def _media_table(table: Table, out: _Out) -> None:
    """``Model | Media Input | Resolution | Output``: the model cell is the id and a modality
    description (``grok-imagine-video Text, Image, Video → Video``)."""
    heads = [_plain(h) for h in table.header]
    cols = {name: heads.index(name) for name in ("model", "media input", "resolution", "output")}
    out.model_tables += 1
    inputs: dict[tuple[str, str], ParsedRate] = {}
    for row in spanned_rows(table).rows:
        if len(row) != len(heads):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid = model_id(row[cols["model"]].split()[0])
        out.names.setdefault(mid, row[cols["model"]])
        res = _plain(row[cols["resolution"]])
        price = unit_price(row[cols["output"]])
        if price is None or price.unit not in _MEDIA_OUTPUT or price.rest:
            raise ParseError(VENDOR, f"unreadable output price {row[cols['output']]!r} for {mid} {res}")
        out.rates.append(
            ParsedRate(mid, _MEDIA_OUTPUT[price.unit], price.value, price.unit, tiers.make(resolution=res))
        )
        for part in amounts(row[cols["media input"]]):
            given = unit_price(part)
            if given is None or given.unit not in _MEDIA_INPUT or given.rest:
                raise ParseError(VENDOR, f"unreadable media input price {part!r} for {mid}")
            rate = ParsedRate(mid, _MEDIA_INPUT[given.unit], given.value, given.unit)
            if inputs.setdefault((mid, rate.field), rate) != rate:
                raise ParseError(VENDOR, f"{mid}'s rows disagree on its media input price")
    out.rates.extend(inputs.values())


def _voice_table(table: Table, out: _Out) -> None:
    """``Mode | Cost``: one or two prices per mode, each naming its unit (and REST/streaming)."""
    for mode, cost in table.rows:
        pid = product_id(mode)
        for part in amounts(cost):
            price = unit_price(part)
            fld = None if price is None else _VOICE.get((pid, price.unit))
            if price is None or fld is None:
                out.notes.append(f"{mode}: {part!r} has no unit ratecard models for {pid}: not stored")
                continue
            rest = price.rest.strip("() ,")
            dims = {"mode": product_id(rest)} if rest and not rest.startswith("$") else {}
            if rest.startswith("$"):
                out.notes.append(f"{mode}: {price.rest!r} restates the price, not stored")
            out.names.setdefault(pid, mode)
            out.rates.append(ParsedRate(pid, fld, price.value, price.unit, tiers.make(**dims)))


def _tool_table(table: Table, out: _Out) -> None:
    """Tool invocation costs (per 1,000 calls, in the header or the cell) and ``Item | Price``."""
    heads = [_plain(h) for h in table.header]
    cost = next(i for i, h in enumerate(heads) if h.startswith(("cost", "price")))
    stated = stated_unit(table.header[cost])
    for row in table.rows:
        name, cell = row[0], row[cost].strip()
        pid = product_id(name)
        price = unit_price(cell)
        bare = _BARE.fullmatch(cell)
        if price is None and bare is not None and stated is not None:
            value, unit = money(bare.group(1)), stated
        elif price is not None and not price.rest:
            value, unit = price.value, price.unit
        else:
            out.notes.append(f"tool {name!r}: {cell!r} is not a price per call: not stored")
            continue
        if unit not in ("usd_per_1k_requests", "usd_per_request"):
            out.notes.append(f"tool {name!r}: {cell!r} is priced {unit}: no field for it, not stored")
            continue
        out.names.setdefault(pid, name)
        out.rates.append(ParsedRate(pid, "web_search" if pid == "web-search" else "request", value, unit))


def _storage_table(table: Table, out: _Out) -> None:
    """``Resource | Rate``: storage per GiB-day; other units (per GiB downloaded) are noted."""
    for name, rate in table.rows:
        price = unit_price(rate)
        if price is None or price.unit != "usd_per_gb_day" or price.rest:
            out.notes.append(f"{name}: {rate!r} has no unit ratecard models: not stored")
            continue
        pid = product_id(name)
        out.names.setdefault(pid, name)
        out.rates.append(ParsedRate(pid, "file_storage", price.value, price.unit))


def _kind(table: Table) -> Callable[[Table, _Out], None] | None:
    """The reader for a table, by its header."""
    heads = [_plain(h) for h in table.header]
    if "model" in heads:
        if "pricing" in heads:
            return _pricing_table
        if "resolution" in heads:
            return _media_table
        return _token_table
    if heads[:2] == ["mode", "cost"]:
        return _voice_table
    if heads and heads[0] in ("tool", "item") and any(h.startswith(("cost", "price")) for h in heads):
        return _tool_table
    if heads == ["resource", "rate"]:
        return _storage_table
    return None


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    out = _Out()
    for block in blocks(body.decode("utf-8")):
        if isinstance(block, Text):
            if "$" in block.text or "% off" in block.text:
                out.notes.append(f"prose not read: {block.text[:160]!r}")
            continue
        if not isinstance(block, Table):
            continue
        reader = _kind(block)
        if reader is None:
            if any("$" in c or "% off" in c for row in block.rows for c in row):
                out.notes.append(f"table {block.header!r} not read: {block.rows!r}"[:300])
            continue
        reader(block, out)
    if not out.model_tables:
        raise ParseError(
            VENDOR,
            f"no price table found in {url}: expected a table with a model column and "
            "price columns per unit ($ amounts elsewhere on the page are not read)",
        )
    return parsed(VENDOR, out.rates, out.names, out.notes)
