"""Google Gemini Developer API: the devsite pricing page (ai.google.dev/gemini-api/docs/pricing).

Each model section is an ``<h2>`` followed by its model ids in ``<em><code>`` (several ids share
one section's prices, e.g. ``gemini-3.1-pro-preview`` and ``...-customtools``), then one
``table.pricing-table`` per service tab inside a ``devsite-selector``, each in a ``<section>``
whose ``<h3>`` names the tab (Standard, Batch, Flex, Priority). A table outside any selector is
the model's only, untabbed (standard) price list. Only the "Paid Tier" column is read (the free
tier is a quota, not a price), and only tables priced "per 1M tokens": per-image (Imagen),
per-second (Veo) tables are read with their unit (below); other units (per-request Lyria) are
skipped.

What is skipped rather than guessed: sections with no readable model id (Gemma, tools, agents),
tabs with other labels, rows with other labels ("Tuning price", "Grounding with Google Web and
Image Search"). What raises: a table without a Paid Tier column,
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

Markdown forms of the page (the devsite ``.md`` source) are read the same way: a ``##`` heading
per model, the ids on an emphasised line under it (``*`gemini-2.5-pro`*``), ``### Standard`` /
``### Batch`` tables; a paid cell's lines run together there, so it is split at each price
(:func:`~ratecard.parsers.markdown.amounts`). Conversions that lost the model headings (the jina
capture) cannot be attributed to models and are refused rather than guessed from descriptions.
Heading text is only a display name (stray mojibake such as a broken emoji is dropped from it);
attribution comes from the id line.

Per-image (Imagen) and per-second (Veo) tables are priced by their header ("Paid Tier, per Image
in USD"): ``image_generation`` / ``video_generation``. Under several ids, a row names its variant
("Imagen 4 Fast image price" is ``imagen-4.0-fast-generate-001``; "Standard" is the id without a
variant word); a row that names none of them is not stored. "(default)" is the plain price; "with
audio" / "without audio" elsewhere are an ``audio`` tier dimension.

Everything seen and not stored is in the notes: free allowances ("1,500 RPD (free)"), prices
marked "(Coming soon)", announced later prices, per-image amounts under per-token headers,
restated per-minute figures, sections without ids (Gemma, tools) and prices in prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    parsed,
)
from ratecard.parsers.htmltables import cell_lines, cell_text, is_html
from ratecard.parsers.markdown import Heading, Table, Text, amounts, blocks, tables
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
    ("image generation pricing", "image_generation"),
    ("used to improve our products", None),
)
_TOKEN_FIELDS = frozenset({"input", "output", "cache_read", "image_input", "audio_input", "video_input"})
_REQUEST_FIELDS = frozenset({"web_search", "maps_grounding"})
#: Units of the fields a row prices other than per token (a "Not available" keeps them).
_BASE_UNITS: dict[str, Unit] = {
    "web_search": "usd_per_1k_requests",
    "maps_grounding": "usd_per_1k_requests",
    "image_generation": "usd_per_image",
    "cache_storage": "usd_per_mtok_hour",
}
#: Fields a modality in parentheses can split into ``<modality>_<field>``.
_MODAL_BASES = frozenset({"input", "output", "cache_read"})
_MODALITIES = frozenset({"text", "thinking", "image", "video", "audio"})
#: The unit a "Paid Tier, per ... in USD" header names, and the field its rows price.
_TABLE_UNITS: dict[str, tuple[Unit, str | None]] = {
    "per 1m tokens": ("usd_per_mtok", None),
    "per image": ("usd_per_image", "image_generation"),
    "per second": ("usd_per_second", "video_generation"),
}

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
_MD_IDS = re.compile(r"^\*\s*([a-z0-9][a-z0-9._-]*(?:\s*,\s*[a-z0-9][a-z0-9._-]*)*)\s*\*$")
_ALLOWANCE = re.compile(r"^(?P<free>.*?\bfree\b.*?)\s*,?\s*then\s+\$", re.IGNORECASE)
_AMOUNT_ONLY = re.compile(rf"{_NUM}")
_NOT_DISPLAY = re.compile(r"[^\x20-\x7e]+")


@dataclass(frozen=True, slots=True)
class _Line:
    """One priced line of a paid cell, before its tab is applied."""

    name: str
    """The field priced (before the tab makes ``input`` into ``batch_input``)."""
    dims: dict[str, str] = field(default_factory=dict)
    value: Decimal | None = None
    unit: Unit = "usd_per_mtok"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class _PriceTable:
    """One pricing table as either page form gives it: its model section, tab and paid cells."""

    display: str
    codes: tuple[str, ...]
    tab: str | None
    """Service label; None for a tab the parser does not know (the table is skipped)."""
    paid: str | None
    """The Paid Tier header text, lower case (it names the unit); None when there is none."""
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    """(row label, lines of its paid cell)."""


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
    if m is None or base not in {"input", "output", "image_generation"}:
        return None
    dims = {"resolution": m.group("res").lower()} if m.group("res") else {}
    field = "image_analysis" if base == "input" else "image_generation"
    return [_Line(field, dims, money(m.group(1)), unit="usd_per_image")]


def _line(base: str, line: str) -> list[_Line]:
    """What one line of a paid cell prices, read from its words."""
    plain = line.lower()
    if plain.startswith("not available"):
        return [_Line(base, unit=_BASE_UNITS.get(base, "usd_per_mtok"), reason="page shows 'Not available'")]
    if plain == "free of charge" and base in _TOKEN_FIELDS:
        return [_Line(base, value=Decimal(0))]
    storage = _STORAGE.fullmatch(line)
    if storage and base in {"cache_read", "cache_storage"}:
        return [_Line("cache_storage", value=money(storage.group(1)), unit="usd_per_mtok_hour")]
    if base in _REQUEST_FIELDS:
        fee = _PER_1K.fullmatch(line)
        if fee is None:
            raise ParseError(VENDOR, f"unreadable grounding price {line!r}")
        return [_Line(base, value=money(fee.group(1)), unit="usd_per_1k_requests")]
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


def _unstored(base: str, text: str, notes: list[str], where: str) -> bool:
    """Lines seen and deliberately not stored, each said in the notes; True if ``text`` is one."""
    low = text.lower()
    why = None
    if "coming soon" in low:
        why = "announced as coming soon, not charged yet"
    if why is not None:
        notes.append(f"{where}: {text!r} not stored ({why})")
    allowance = _ALLOWANCE.match(text) if base in _REQUEST_FIELDS else None
    if allowance and why is None:
        notes.append(f"{where}: free allowance {allowance.group('free')!r} not stored")
    if _PER_MINUTE.search(text):
        notes.append(f"{where}: the per-minute figure in {text!r} restates the token price, not stored")
    return why is not None


def _cell(base: str, lines: tuple[str, ...], on: date, where: str, notes: list[str]) -> list[_Line]:
    """The priced lines of one paid cell in effect on ``on``."""
    out: list[_Line] = []
    read = dated = 0
    restating = False
    for raw in lines:
        clean = raw.replace("*", "").replace("^", "").strip().rstrip(" ,;.")
        text, applies, has_date = _in_effect(clean, on)
        dated += has_date
        low = text.lower()
        if text and not applies:
            notes.append(f"{where}: {raw!r} is not in effect on {on}, not stored")
        if not text or not applies or low == "same as standard":
            continue
        read += 1
        if low.startswith("equivalent to"):
            restating = True
        elif not (restating and _IMAGES_ONLY.fullmatch(text)) and not _unstored(base, text, notes, where):
            found = _line(base, text)
            if not found:
                why = "an image amount under a per-1M-tokens header: its unit is not stated"
                notes.append(f"{where}: {text!r} not stored ({why})")
            out.extend(found)
    if not read:
        when = f" in effect on {on}" if dated else ""
        raise ParseError(VENDOR, f"no price{when} in the paid cell of {where}: {list(lines)}")
    return out


def _paid_column(heads: list[str]) -> int | None:
    """Index of the Paid Tier column (the free tier is a quota, not a price)."""
    return next((i for i, h in enumerate(heads) if "paid tier" in h.lower()), None)


def _table_unit(paid: str) -> tuple[Unit, str | None] | None:
    """(unit, field of every row or None for token rows) a Paid Tier header names; None when
    it names another unit (the table is skipped)."""
    return next((u for words, u in _TABLE_UNITS.items() if f"{words} in usd" in paid), None)


def _variant_id(label: str, codes: tuple[str, ...]) -> str | None:
    """The one id a per-item row names among several: the id whose own words (those not shared
    by all ids) are in the label; "Standard" names the id without words of its own."""
    if len(codes) == 1:
        return codes[0]
    parts = [set(c.split("-")) for c in codes]
    common = set.intersection(*parts)
    words = set(re.split(r"[^a-z0-9.]+", label.lower()))
    named = [c for c, p in zip(codes, parts, strict=True) if p - common and p - common <= words]
    if len(named) == 1:
        return named[0]
    plain = [c for c, p in zip(codes, parts, strict=True) if not p - common]
    return plain[0] if not named and "standard" in words and len(plain) == 1 else None


def _audio_dims(label: str) -> dict[str, str]:
    """ "(default)" is the plain price; otherwise "with/without audio" is a tier dimension."""
    low = label.lower()
    if "(default)" in low:
        return {}
    if "without audio" in low:
        return {"audio": "no"}
    return {"audio": "yes"} if "with audio" in low else {}


def _item_rates(t: _PriceTable, unit: Unit, fld: str, notes: list[str]) -> list[ParsedRate]:
    """A per-image or per-second table: one price per row, the row naming the model variant."""
    assert t.tab is not None
    out: list[ParsedRate] = []
    for label, lines in t.rows:
        base = _row_field(label)
        if base is not None and base != fld:
            notes.append(f"{t.display}: row {label!r} in a table priced {unit}: not read")
            continue
        if base is None and "price" not in label.lower():
            continue
        mid = _variant_id(label, t.codes)
        text = " ".join(lines).replace("*", "").strip()
        if mid is None:
            notes.append(f"{t.display}: row {label!r} ({text!r}) names none of {list(t.codes)}: not stored")
            continue
        name, key = placed(fld, t.tab, _audio_dims(label))
        if text.lower().startswith("not available"):
            out.append(ParsedRate(mid, name, None, unit, key, "not_offered", "page shows 'Not available'"))
            continue
        m = _AMOUNT_ONLY.fullmatch(text)
        if m is None:
            raise ParseError(VENDOR, f"unreadable price {text!r} for {mid} row {label!r}")
        out.append(ParsedRate(mid, name, money(m.group(1)), unit, key))
    return out


def _token_rates(t: _PriceTable, on: date, notes: list[str]) -> list[ParsedRate]:
    assert t.tab is not None
    out: list[ParsedRate] = []
    for label, lines in t.rows:
        base = _row_field(label)
        if base is None:
            if any("$" in line for line in lines):
                notes.append(f"{t.display}: row {label!r} ({' '.join(lines)!r}) not read (unknown row)")
            continue
        for mid in (model_id(c) for c in t.codes):
            where = f"{mid} row {label!r}"
            for line in _cell(base, lines, on, where, notes):
                name, key = placed(line.name, t.tab, line.dims)
                status: Status = "not_offered" if line.reason else "verified"
                out.append(ParsedRate(mid, name, line.value, line.unit, key, status, line.reason))
    return out


def _rates(
    found: Iterator[_PriceTable], url: str, on: date, names: dict[str, str], notes: list[str]
) -> list[ParsedRate]:
    """Rates of every table attributed to model ids; a section without ids is skipped (noted).

    The page is refused only when no pricing table at all can be attributed to a model.
    """
    rates: list[ParsedRate] = []
    count = attributed = 0
    for t in found:
        count += 1
        if not t.codes or not all(_ID.fullmatch(c.strip().lower()) for c in t.codes):
            notes.append(f"section {t.display!r}: a pricing table without model ids, not read")
            continue
        attributed += 1
        if t.paid is None:
            raise ParseError(VENDOR, f"pricing table for {t.display} has no 'Paid Tier' column")
        kind = _table_unit(t.paid)
        if t.tab is None or kind is None:
            notes.append(f"section {t.display!r}: table {t.paid!r} (tab {t.tab}) not read")
            continue
        codes = tuple(model_id(c) for c in t.codes)
        for mid in codes:
            names[mid] = t.display
        unit, fld = kind
        t = _PriceTable(t.display, codes, t.tab, t.paid, t.rows)
        rates.extend(_token_rates(t, on, notes) if fld is None else _item_rates(t, unit, fld, notes))
    if not count:
        raise ParseError(VENDOR, f"no pricing table (table.pricing-table) found in {url}")
    if not attributed:
        raise ParseError(VENDOR, f"no pricing table in {url} sits under a model id")
    if not rates:
        raise ParseError(VENDOR, f"no per-1M-token Standard/Batch/Flex/Priority price in {url}")
    return rates


# --- HTML ------------------------------------------------------------------------------------


def _html_tab(table: Tag) -> str | None:
    """The service tab a table shows: its ``<section>``'s ``<h3>`` inside a devsite-selector,
    "standard" outside any selector, None (skip) for a tab label we do not know."""
    if table.find_parent("devsite-selector") is None:
        return "standard"
    section = table.find_parent("section")
    heading = section.find("h3") if section is not None else None
    return service_label(cell_text(heading)) if isinstance(heading, Tag) else None


def _html_table(el: Tag, display: str, codes: list[str]) -> _PriceTable:
    heads = [cell_text(th) for th in el.find_all("th")]
    col = _paid_column(heads)
    rows: list[tuple[str, tuple[str, ...]]] = []
    if col is None:
        return _PriceTable(display, tuple(codes), _html_tab(el), None, ())
    for tr in el.find_all("tr"):
        cells = tr.find_all("td")
        if not cells:
            continue
        label = cell_text(cells[0])
        if col >= len(cells):
            if _row_field(label) is None:
                continue
            raise ParseError(VENDOR, f"{codes} row {label!r} has no paid tier cell")
        rows.append((label, tuple(cell_lines(cells[col]))))
    return _PriceTable(display, tuple(codes), _html_tab(el), heads[col].lower(), tuple(rows))


def _html_tables(body: bytes) -> Iterator[_PriceTable]:
    """Walk the page in document order: h2 (model), em>code (its ids), pricing tables."""
    soup = BeautifulSoup(body, "lxml")
    codes: list[str] = []
    display, seeking = "", False
    for el in soup.find_all(["h2", "code", "table"]):
        if el.name == "h2":
            display, codes, seeking = str(el.get("data-text") or cell_text(el)), [], True
        elif el.name == "code" and seeking and el.find_parent("em") is not None:
            codes.append(cell_text(el))
        elif el.name == "table" and "pricing-table" in (el.get("class") or []):
            seeking = False
            yield _html_table(el, display, codes)


# --- Markdown --------------------------------------------------------------------------------


def _display(heading: str) -> str:
    """A heading as a display name: characters outside printable ASCII (a broken emoji) dropped."""
    return " ".join(_NOT_DISPLAY.sub(" ", heading).split())


def _md_table(table: Table, display: str, codes: list[str], tab: str | None) -> _PriceTable:
    col = _paid_column(list(table.header))
    if col is None:  # pragma: no cover - only tables with a Paid Tier header are passed in
        return _PriceTable(display, tuple(codes), tab, None, ())
    rows: list[tuple[str, tuple[str, ...]]] = []
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(VENDOR, f"{display} row {row!r} does not match header {table.header!r}")
        rows.append((row[0], tuple(amounts(row[col]))))
    return _PriceTable(display, tuple(codes), tab, table.header[col].lower(), tuple(rows))


def _md_tables(text: str) -> Iterator[_PriceTable]:
    """The markdown page in document order: ``##`` (model), ``*`id`*`` (its ids), ``###`` (tab),
    tables with a Paid Tier column. A table right under the ``##`` is untabbed (standard)."""
    codes: list[str] = []
    display, tab, seeking = "", "standard", False
    for block in blocks(text):
        if isinstance(block, Heading):
            if block.level <= 2:
                display, codes, tab, seeking = _display(block.text), [], "standard", block.level == 2
            else:
                tab = service_label(block.text) or "?"
        elif isinstance(block, Text):
            ids = _MD_IDS.match(block.text)
            if seeking and ids:
                codes.extend(c.strip() for c in ids.group(1).split(","))
        elif any("paid tier" in h.lower() for h in block.header):
            seeking = False
            yield _md_table(block, display, codes, None if tab == "?" else tab)


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


def _prose_notes(text: str) -> list[str]:
    """Prices in running text (``gemini-2.0-flash-live-001: Input $0.35 (text)``): not read."""
    return [
        f"prose not read: {b.text[:160]!r}" for b in blocks(text) if isinstance(b, Text) and "$" in b.text
    ]


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    names: dict[str, str] = {}
    notes: list[str] = []
    on = fetched_at.date()
    if is_html(body):
        rates = _rates(_html_tables(body), url, on, names, notes)
        return parsed(VENDOR, rates, names, notes)
    text = body.decode("utf-8")
    try:
        rates = _rates(_md_tables(text), url, on, names, notes)
    except ParseError as err:
        if "sits under a model id" in str(err) or "no pricing table" in str(err):
            raise _refuse_markdown(text, url) from err
        raise
    return parsed(VENDOR, rates, names, [*notes, *_prose_notes(text)])
