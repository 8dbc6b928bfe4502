"""Google Gemini Developer API: the devsite pricing page (ai.google.dev/gemini-api/docs/pricing).

Each model section is an ``<h2>`` followed by its model ids in ``<em><code>`` (several ids share
one section's prices, e.g. ``gemini-3.1-pro-preview`` and ``...-customtools``), then one
``table.pricing-table`` per service tab inside a ``devsite-selector``, each in a ``<section>``
whose ``<h3>`` names the tab (Standard, Batch, Flex, Priority). A table outside any selector is
the model's only, untabbed (standard) price list. Only the "Paid Tier" column is read (the free
tier is a quota, not a price), and only tables priced "per 1M tokens": per-image (Imagen),
per-second (Veo) and per-request (Lyria) tables are skipped.

What is skipped rather than guessed: sections with no readable model id (Gemma, tools, agents),
tabs with other labels, rows with other labels ("Tuning price", "Image generation pricing",
"Grounding with Google Web and Image Search"). What raises: a table without a Paid Tier column,
or a known row whose paid cell cannot be read.

A paid cell holds one price per line and each line says what it prices, so lines are read by
their words:

- ``$1.25, prompts <= 200k tokens`` (context tier), ``$0.50 (audio)`` (modality: ``text``
  anywhere in the list means the plain field; otherwise ``audio_``/``video_``/``image_`` fields),
  ``$3.00 or $0.005/min (audio)`` (the per-minute figure restates the token price; not kept);
- ``$4.50 / 1,000,000 tokens per hour (storage price)`` (cache storage),
  ``then $35 / 1,000 grounded prompts`` (grounding fee; the free allowance is not modelled);
- ``$0.039 per image`` and ``$0.067 per 1K/2K image`` (``image_generation`` per image, by
  resolution); lines after ``Equivalent to`` and ``($0.00012 per image)`` restate a token price
  per image and are not kept;
- ``$0.75 through December 31, 2026.`` / ``$1.50 starting January 1, 2027.``: only the price in
  effect on the capture's date (UTC) is kept; an announced later price is not a rate yet.

Lines of input or caching rows that price images but not text (``(image)``, ``(image/video)``)
are not read: the page uses them for per-image amounts without saying so in the line
(``$0.0006 (image)``, footnoted "per image", under a per-1M-tokens header), and reading those as
per-token prices would be wrong.

Markdown conversions of the page lose the model headings and tab labels: their tables cannot be
attributed to models, so they are refused rather than guessed from model descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
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
from ratecard.parsers.tabs import placed, service_label

VENDOR = "google"

#: Row label (lower-case prefix) -> field; None for rows that are not prices. Rows with any
#: other label are skipped.
_ROWS: tuple[tuple[str, str | None], ...] = (
    ("input price", "input"),
    ("text input price", "input"),
    ("image input price", "image_input"),
    ("audio input price", "audio_input"),
    ("video input price", "video_input"),
    ("output price", "output"),
    ("context caching price", "cache_read"),
    ("context caching (storage)", "cache_storage"),
    ("grounding with google search", "web_search"),
    ("grounding with google maps", "maps_grounding"),
    ("used to improve our products", None),
)
_TOKEN_FIELDS = frozenset({"input", "output", "cache_read", "image_input", "audio_input", "video_input"})
_REQUEST_FIELDS = frozenset({"web_search", "maps_grounding"})
#: Fields a modality in parentheses can split into ``<modality>_<field>``.
_MODAL_BASES = frozenset({"input", "output", "cache_read"})
_MODALITIES = frozenset({"text", "thinking", "image", "video", "audio"})

_NUM = r"\$\s*(\d[\d,]*(?:\.\d+)?)"
_TOKEN = re.compile(rf"{_NUM}(.*)")
_STORAGE = re.compile(rf"{_NUM}\s*/\s*1,000,000 tokens per hour(?:\s*\(storage price\))?")
_PER_1K = re.compile(rf"(?:.*\bthen\s+)?{_NUM}\s*(?:/|per)\s*1,000\s+[a-z ]+?\.?", re.IGNORECASE)
_IMAGE_ITEM = r"(?:and\s+)?\$\s*\d[\d,]*(?:\.\d+)?\s+per\s+(?:[\w/.]+\s+)?(?:resolution\s+)?image"
_PER_IMAGE = re.compile(rf"{_NUM}\s+per\s+(?:(?P<res>[\w/.]+)\s+)?(?:resolution\s+)?image", re.IGNORECASE)
_IMAGES_ONLY = re.compile(rf"(?:{_IMAGE_ITEM}\s*[,.]?\s*)+", re.IGNORECASE)
_PER_MINUTE = re.compile(rf"\s*or\s+{_NUM}\s*/\s*min(?:ute)?\b", re.IGNORECASE)
_PER_MTOK = re.compile(r"\s*/\s*1,000,000\s+tokens\b", re.IGNORECASE)
_EQUIVALENT = re.compile(rf"\(\s*{_NUM}\s+per\s+[^)]*\)", re.IGNORECASE)
_CONTEXT = re.compile(r"prompts\s*(<=|≤|>)\s*(\d+k)(?:\s*tokens?)?", re.IGNORECASE)
_MODALITY = re.compile(r"\(([^)]*)\)")
_MODAL_SPLIT = re.compile(r"\s*(?:/|,|\band\b)\s*")
_SCHEDULE = re.compile(r"\s+(through|starting)\s+([A-Z][a-z]+ \d{1,2}, \d{4})$")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_MD_MODEL_ID = re.compile(r"\b(?:gemini|gemma|imagen|veo)-[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class _Line:
    """One priced line of a paid cell, before its tab is applied."""

    name: str
    """The field priced (before the tab makes ``input`` into ``batch_input``)."""
    dims: dict[str, str] = field(default_factory=dict)
    value: Decimal | None = None
    unit: Unit = "usd_per_mtok"
    reason: str | None = None


def model_id(code: str) -> str:
    """The model id the page prints in ``<code>`` under the model heading, lower-cased."""
    low = code.strip().lower()
    if not _ID.fullmatch(low):
        raise ParseError(VENDOR, f"{code!r} is not a model id")
    return low


def _row_field(label: str) -> str | None:
    """The field a row prices; None for rows that are not prices and rows we do not know."""
    low = " ".join(label.lower().split())
    return next((fld for prefix, fld in _ROWS if low.startswith(prefix)), None)


def _modal_fields(base: str, inner: str, line: str) -> list[str]:
    """``input`` for ``(text / image / video)``, ``audio_input`` for ``(audio)``, ``image_output``
    for ``(images)``; nothing for an input or caching line about images (see the module doc)."""
    words = {w.lower() for w in _MODAL_SPLIT.split(inner.strip()) if w}
    mods = {w[:-1] if w[:-1] in _MODALITIES else w for w in words}
    if not mods or not mods <= _MODALITIES or (base not in _MODAL_BASES and mods != {"text"}):
        raise ParseError(VENDOR, f"cannot tell which field {line!r} prices")
    if "text" in mods:
        return [base]
    if "thinking" in mods:
        raise ParseError(VENDOR, f"cannot tell which field {line!r} prices")
    if "image" in mods and base != "output":
        return []
    return sorted(f"{m}_{base}" for m in mods)


def _token_line(base: str, line: str) -> list[_Line]:
    m = _TOKEN.fullmatch(line)
    if m is None:
        raise ParseError(VENDOR, f"unreadable price {line!r}")
    rest = _EQUIVALENT.sub("", _PER_MTOK.sub("", _PER_MINUTE.sub("", m.group(2))))
    dims: dict[str, str] = {}
    ctx = _CONTEXT.search(rest)
    if ctx:
        if ctx.group(1) not in {"<=", "≤"}:  # the price up to the bound is the standard rate
            dims["context"] = f">{ctx.group(2).lower()}"
        rest = rest.replace(ctx.group(0), "")
    fields = [base]
    mod = _MODALITY.search(rest)
    if mod:
        fields = _modal_fields(base, mod.group(1), line)
        rest = rest.replace(mod.group(0), "")
    if rest.strip(" ,."):
        raise ParseError(VENDOR, f"unread words {rest.strip()!r} in price {line!r}")
    return [_Line(f, dims, money(m.group(1))) for f in fields]


def _per_image(base: str, line: str) -> list[_Line] | None:
    """``$0.039 per image`` / ``$0.067 per 1K/2K image``: an image's price, by resolution."""
    m = _PER_IMAGE.fullmatch(line)
    if m is None or base not in {"input", "output"}:
        return None
    dims = {"resolution": m.group("res").lower()} if m.group("res") else {}
    field = "image_generation" if base == "output" else "image_analysis"
    return [_Line(field, dims, money(m.group(1)), unit="usd_per_image")]


def _line(base: str, line: str) -> list[_Line]:
    """What one line of a paid cell prices, read from its words."""
    plain = line.lower()
    if plain.startswith("not available"):
        return [_Line(base, reason="page shows 'Not available'")]
    if plain == "free of charge" and base in _TOKEN_FIELDS:
        return [_Line(base, value=Decimal(0))]
    storage = _STORAGE.fullmatch(line)
    if storage and base in {"cache_read", "cache_storage"}:
        return [_Line("cache_storage", value=money(storage.group(1)), unit="usd_per_mtok_hour")]
    if base in _REQUEST_FIELDS:
        fee = _PER_1K.fullmatch(line)
        if fee is None:
            raise ParseError(VENDOR, f"unreadable grounding price {line!r}")
        price = normalize(money(fee.group(1)) / 1000)
        return [_Line(base, value=price, unit="usd_per_request")]
    image = _per_image(base, line)
    if image is not None:
        return image
    if base in _TOKEN_FIELDS:
        return _token_line(base, line)
    raise ParseError(VENDOR, f"unreadable price {line!r}")


def _in_effect(line: str, on: date) -> tuple[str, bool, bool]:
    """(line without its date clause, whether it applies on ``on``, whether it had a date)."""
    m = _SCHEDULE.search(line)
    if m is None:
        return line, True, False
    day = datetime.strptime(m.group(2), "%B %d, %Y").date()
    applies = on <= day if m.group(1) == "through" else on >= day
    return line[: m.start()], applies, True


def _cell(base: str, lines: list[str], on: date, where: str) -> list[_Line]:
    """The priced lines of one paid cell in effect on ``on``."""
    out: list[_Line] = []
    read = dated = 0
    restating = False
    for raw in lines:
        text, applies, has_date = _in_effect(raw.replace("*", "").strip().rstrip(" ,;."), on)
        dated += has_date
        low = text.lower()
        if not text or not applies or low == "same as standard":
            continue
        read += 1
        if low.startswith("equivalent to"):
            restating = True
        elif not (restating and _IMAGES_ONLY.fullmatch(text)):
            out.extend(_line(base, text))
    if not read:
        when = f" in effect on {on}" if dated else ""
        raise ParseError(VENDOR, f"no price{when} in the paid cell of {where}: {lines}")
    return out


def _paid_column(table: Tag, where: str) -> int | None:
    """Index of the Paid Tier column; None when it is not priced per 1M tokens (skipped)."""
    heads = [cell_text(th).lower() for th in table.find_all("th")]
    col = next((i for i, h in enumerate(heads) if "paid tier" in h), None)
    if col is None:
        raise ParseError(VENDOR, f"pricing table for {where} has no 'Paid Tier' column")
    return col if "per 1m tokens in usd" in heads[col] else None


def _tab(table: Tag) -> str | None:
    """The service tab a table shows: its ``<section>``'s ``<h3>`` inside a devsite-selector,
    "standard" outside any selector, None (skip) for a tab label we do not know."""
    if table.find_parent("devsite-selector") is None:
        return "standard"
    section = table.find_parent("section")
    heading = section.find("h3") if section is not None else None
    return service_label(cell_text(heading)) if isinstance(heading, Tag) else None


def _table_rates(table: Tag, model: str, label: str, col: int, on: date) -> list[ParsedRate]:
    out: list[ParsedRate] = []
    for tr in table.find_all("tr"):
        cells = tr.find_all("td")
        if not cells:
            continue
        base = _row_field(cell_text(cells[0]))
        if base is None:
            continue
        where = f"{model} row {cell_text(cells[0])!r}"
        if col >= len(cells):
            raise ParseError(VENDOR, f"{where} has no paid tier cell")
        for line in _cell(base, cell_lines(cells[col]), on, where):
            name, key = placed(line.name, label, line.dims)
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
    return ParseError(VENDOR, f"cannot attribute prices to models in the markdown capture of {url}: {why}")


def _html_rates(body: bytes, url: str, on: date, names: dict[str, str]) -> list[ParsedRate]:
    """Walk the page in document order: h2 (model), em>code (its ids), pricing tables.

    A section whose ids are missing or unreadable is skipped; the page is refused only when no
    pricing table at all can be attributed to a model.
    """
    soup = BeautifulSoup(body, "lxml")
    rates: list[ParsedRate] = []
    codes: list[str] = []
    display, seeking = "", False
    found = attributed = 0
    for el in soup.find_all(["h2", "code", "table"]):
        if el.name == "h2":
            display, codes, seeking = str(el.get("data-text") or cell_text(el)), [], True
        elif el.name == "code" and seeking and el.find_parent("em") is not None:
            codes.append(cell_text(el))
        elif el.name == "table" and "pricing-table" in (el.get("class") or []):
            found += 1
            seeking = False
            if not codes or not all(_ID.fullmatch(c.strip().lower()) for c in codes):
                continue
            attributed += 1
            label, col = _tab(el), _paid_column(el, display)
            if label is None or col is None:
                continue
            for mid in (model_id(c) for c in codes):
                names[mid] = display
                rates.extend(_table_rates(el, mid, label, col, on))
    if not found:
        raise ParseError(VENDOR, f"no pricing table (table.pricing-table) found in {url}")
    if not attributed:
        raise ParseError(VENDOR, f"no pricing table in {url} sits under a model id")
    if not rates:
        raise ParseError(VENDOR, f"no per-1M-token Standard/Batch/Flex/Priority price in {url}")
    return rates


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    if body.lstrip()[:1] != b"<":
        raise _refuse_markdown(body.decode("utf-8"), url)
    names: dict[str, str] = {}
    rates = _html_rates(body, url, fetched_at.date(), names)
    return parsed(VENDOR, rates, names)
