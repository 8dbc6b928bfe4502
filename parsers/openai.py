"""OpenAI: the API pricing page, as markdown (platform.openai.com/docs/pricing, its ``.md``
export, developers.openai.com/api/docs/pricing converted to markdown) or as HTML
(developers.openai.com/api/docs/pricing).

Sections are found by heading text, or by the HTML heading's anchor id, which outlives renames
(the "Text tokens" heading now reads "Flagship models" and keeps id ``text-tokens``). The docs
``.md`` export writes empty headings (``### ``) with the title on the next line; that line is
the heading. A section the parser does not know is skipped and named in the notes; a known one
with an unknown column or an unreadable cell raises. Columns are read by header name.

Token tables: a grouped header (``Short context`` / ``Long context`` over Input, Cached input,
Output; markdown keeps it as two header rows) makes the short-context prices the plain rate and
the long-context ones a context tier. The page does not state the threshold for the group, so
the tier is ``context=long``; a model cell that states it (``gpt-5.5 (<272K context length)``)
gives ``context>272k`` for that row. A ``Modality`` column (Text / Image / Audio) names the token
kind: ``image_input``, ``audio_output``... Rows a converter shortened (``| Text | $4.00 |...``
under a model row) take the model from the row above (:func:`~ratecard.parsers.markdown.spanned_rows`).

Each table's service tab comes from its label on the page, never from its position:

- markdown flattens the Batch / Flex / Standard / Priority tabs into consecutive tables: the
  label is the last bare line above the table that is exactly a tab name, or a ``<Tab> pricing
  data`` heading. A tabbed section's table without a label is refused; a section that may be
  untabbed (video, per-image) is standard when no tab bar or label is shown at all;
- HTML puts each tab's table in a ``data-content-switcher-pane`` whose ``data-value``, hidden
  label and component props (``tier``) name the tab; they must agree. A table outside any tab
  switcher is untabbed, i.e. standard.

"Fast mode" is Priority renamed: the page says so and both ``service_tier`` values select it, so
it keeps the priority tier key. A tab the parser does not know is skipped; two tables giving one
(model, field, tier) different prices are refused.

Prices in other units are read with their unit from the page's words
(:mod:`~ratecard.parsers.unitprice`): video per second by resolution, images per image by quality
and size, Whisper/TTS per minute and per million characters, built-in tools per 1k calls, per
container (by memory) and per GB-day. A per-minute "Output / cost" of an audio model is
``audio_duration``. Model names printed as display names (``GPT Image 1``, ``DALL·E 3``, ``TTS
HD``) become ids by :func:`display_id`; tools take the tool's name (``web-search``,
``file-search``, ``containers``, ``chatkit``).

Regional processing: the sentence under each Flagship table ("Regional processing (data
residency) endpoints are charged a 10% uplift ...") is a documented convention for the prices of
the table it follows. Each of them gets a derived ``processing=regional`` tier, status
``inferred``, value 1.1 x the published price exactly, the sentence as reason. The page does not
list release dates or data-residency eligibility, so the table the sentence sits under is its
scope.

What is seen and not stored is listed in the notes: the transcription "Estimated cost" column
(an estimate), free allowances, words after a tool price ("+ search content tokens billed at
model rates"), image rows whose size header was lost in conversion, unknown sections. The HTML
page also embeds component props JSON whose rows hold 4 or 5 unnamed values; their column
headers are not on the page, so they are deliberately not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bs4.element import Tag

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, normalize, parsed
from ratecard.parsers.htmltables import cell_text, html_tables, is_html
from ratecard.parsers.markdown import (
    Heading,
    Table,
    Text,
    blocks,
    grouped_header,
    spanned_rows,
    subtables,
)
from ratecard.parsers.tabs import SERVICE_LABELS, placed, service_label
from ratecard.parsers.unitprice import UnitPrice, stated_unit, unit_price

VENDOR = "openai"


@dataclass(frozen=True, slots=True)
class _Source:
    """A table with where it sits: heading anchors and, for HTML, its element; for markdown
    the text lines right after it (notes that apply to it)."""

    table: Table
    ids: tuple[str, ...] = ()
    element: Tag | None = None
    after: tuple[str, ...] = ()


@dataclass(slots=True)
class _Out:
    """What a parse collects besides rates: display names and what was not stored."""

    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_Reader = Callable[[Table, "_Section", str, _Out], list[ParsedRate]]


@dataclass(frozen=True, slots=True)
class _Section:
    """How to read the tables under one heading of the page."""

    columns: Mapping[str, str | None]
    """Header (lower case) -> field; None for a known column that holds no per-token price."""
    labels: tuple[str, ...] = ()
    """Tab labels the page shows over this section's tables; empty when it has no tabs."""
    dims: Mapping[str, str] = field(default_factory=dict)
    """Tier dimensions every price of the section carries (fine-tuned variant)."""
    is_text: bool = False
    untabbed_ok: bool = False
    """With no tab bar and no label above a table, it is the standard price (older pages)."""
    reader: _Reader | None = None
    """Tables priced in other units than tokens; None for token tables."""


_TEXT_COLUMNS: dict[str, str | None] = {
    "input": "input",
    "cached input": "cache_read",
    "cache writes": "cache_write",
    "output": "output",
}
#: Columns seen and deliberately not stored, and why (reported in the notes).
_NOTED_COLUMNS: dict[str, str] = {"estimated cost": "an estimate, not a price"}
#: Modality cell -> prefix of the token fields it prices.
_MODALITIES: dict[str, str] = {"text": "", "image": "image_", "audio": "audio_"}
#: Fields that do not depend on the tab: printed in every tab, they must agree.
_TAB_INDEPENDENT = frozenset({"training"})
#: (field, unit) of a price stated in another unit than per 1M tokens -> the field it is.
_UNIT_FIELDS: dict[tuple[str, str], str] = {
    ("training", "usd_per_hour"): "training_hours",
    ("audio_output", "usd_per_minute"): "audio_duration",
}
#: "Priority processing was renamed Fast mode on July 30, 2026" (the page's own words). Bare
#: "fast" names a tab only where the page marks it as one (pane value, ``Fast pricing data``),
#: never in markdown prose.
_ALIASES: dict[str, str] = {"fast mode": "priority", "fast": "priority"}
_PROSE_ALIASES: dict[str, str] = {"fast mode": "priority"}
#: Column-group prefixes of grouped headers and the tier dimensions they add.
_GROUPS: tuple[tuple[str, dict[str, str]], ...] = (
    ("short context ", {}),
    ("long context ", {"context": "long"}),
)
#: Use case of an "Other models" row -> field (its unit comes from the price's words).
_USE_CASES: dict[str, str] = {"transcription": "transcription", "speech generation": "speech_generation"}
#: Words in a tool row -> the tool's id, first match wins ("Containers: Hosted Shell and Code
#: Interpreter" is the container price the older page listed as "Code Interpreter").
_TOOLS: tuple[tuple[str, str], ...] = (
    ("chatkit", "chatkit"),
    ("web search preview", "web-search-preview"),
    ("image web search", "image-web-search"),
    ("web search", "web-search"),
    ("file search", "file-search"),
    ("container", "containers"),
    ("code interpreter", "containers"),
)
#: Unit of a tool price -> the field it is, per tool kind (None: any tool).
_TOOL_FIELDS: dict[str, dict[str | None, str]] = {
    "usd_per_1k_requests": {
        "web-search": "web_search",
        "web-search-preview": "web_search",
        "image-web-search": "web_search",
        "file-search": "file_search",
    },
    "usd_per_gb_day": {None: "file_storage"},
    "usd_per_container": {None: "code_container"},
}
#: Which models a tool row's parenthesis says the price is for.
_AUDIENCES: tuple[tuple[str, dict[str, str]], ...] = (
    ("(non-reasoning models", {"models": "non-reasoning"}),
    ("(reasoning models", {"models": "reasoning"}),
    ("(all models", {}),
)

_DASHES = frozenset({"-", "–", "—"})
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_DATA_SHARING = re.compile(r"(.+?)\s*with data sharing", re.IGNORECASE)
_CONTEXT_NOTE = re.compile(
    r"\s*\(\s*(?P<op><=?|≤)\s*(?P<n>\d[\d,]*)\s*(?P<k>[km])\b[^)]*\)\s*$", re.IGNORECASE
)
_LEGACY_NOTE = re.compile(r"\s+legacy\s*$", re.IGNORECASE)
_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)
_TAB_HEADING = re.compile(r"(.+?) pricing data")
_SIZE = re.compile(r"^(\d+)\s*x\s*(\d+)$")
_PORTRAIT = re.compile(r"portrait:\s*(\d+\s*x\s*\d+)", re.IGNORECASE)
_CONTAINER = re.compile(r"(\d+)\s*GB(?:\s*\(default\))?\s*:?\s*\$\s*(\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)
_BILLING_STARTS = re.compile(r"billing will begin on ([A-Z][a-z]+ \d{1,2}, \d{4})", re.IGNORECASE)
_UPLIFT = re.compile(
    r"(?P<sentence>Regional processing\b[^.]*?\bcharged an? (?P<pct>\d+(?:\.\d+)?)% uplift\b[^.]*\.)",
    re.IGNORECASE,
)
_PANE = "data-content-switcher-pane"
_SWITCHER = "data-content-switcher-root"
REGIONAL = {"processing": "regional"}


def model_id(name: str) -> str:
    """The API model name exactly as the page prints it, lower-cased (``gpt-4.1``, ``o4-mini``).

    Display names that are not API names (``GPT Image 1``) are refused, never turned into ids.
    """
    low = name.strip().lower()
    if not _ID.fullmatch(low):
        raise ParseError(VENDOR, f"{name!r} is not an API model name")
    return low


def display_id(name: str) -> str:
    """An id for a model the page prints only by display name, in sections that name no API
    model: lower-cased, ``·`` and spaces as hyphens (``GPT Image 1 Mini`` -> ``gpt-image-1-mini``,
    ``DALL·E 3`` -> ``dall-e-3``, ``TTS HD`` -> ``tts-hd``). The page's name is kept as its
    display name; the registry key of such ids is configured (``aliases``), not guessed here."""
    return model_id("-".join(name.replace("·", " ").split()))


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


# --- Model cells -----------------------------------------------------------------------------


def _model(cell: str) -> tuple[str, dict[str, str], dict[str, str] | None]:
    """(model id, extra tier dims, long-context dims if the cell states the bound) of a model
    cell: "X with data sharing" is a tier of X; ``(<272K context length)`` says the short
    context ends at 272K tokens, so long-context prices are ``context>272k``; ``Legacy`` is a
    label, not part of the name."""
    name = _LEGACY_NOTE.sub("", cell).strip()
    long: dict[str, str] | None = None
    note = _CONTEXT_NOTE.search(name)
    if note:
        scale = 1000 if note.group("k").lower() == "k" else 1_000_000
        bound = tiers.context(int(note.group("n").replace(",", "")) * scale)
        long = {"context": bound.removeprefix("context")}
        name = name[: note.start()].strip()
    m = _DATA_SHARING.fullmatch(name)
    if m is None:
        return model_id(name), {}, long
    return model_id(m.group(1)), {"data_sharing": "yes"}, long


# --- Where a table sits: section and tab -------------------------------------------------------


def _tab_bar(line: str, labels: Iterable[str]) -> bool:
    """``StandardBatchFlexPriority``: a flattened tab bar, two or more labels run together."""
    rest, found = _plain(line).replace(" ", ""), 0
    names = sorted({*labels, *(k.replace(" ", "") for k in _PROSE_ALIASES)}, key=len, reverse=True)
    while rest:
        head = next((n for n in names if rest.startswith(n)), None)
        if head is None:
            return False
        rest, found = rest[len(head) :], found + 1
    return found >= 2


def _preface_label(table: Table, section: _Section, where: str) -> str:
    """The tab a markdown table shows: the last bare line above it that is exactly a tab name."""
    for line in reversed(table.preface_lines):
        label = service_label(line, _PROSE_ALIASES)
        if label is not None:
            if label not in section.labels:
                raise ParseError(VENDOR, f"tab {line!r} is not one of {where!r}'s tabs")
            return label
    bar = any(_tab_bar(line, SERVICE_LABELS) for line in table.preface_lines)
    if section.untabbed_ok and not bar:
        return "standard"
    tabs = "/".join(lb.title() for lb in section.labels)
    raise ParseError(
        VENDOR,
        f"cannot tell which tab ({tabs}) a table under {where!r} shows: "
        f"no tab label just above it (found {table.preface[-60:]!r})",
    )


def _props_tier(island: Tag | None) -> str | None:
    """The ``tier`` prop of a rendered component (Astro writes it as ``[0, "batch"]``)."""
    raw = island.get("props") if island is not None else None
    try:
        props = json.loads(str(raw)) if raw is not None else None
    except ValueError:
        return None
    value = props.get("tier") if isinstance(props, dict) else None
    if isinstance(value, list) and len(value) == 2:
        value = value[1]
    return value if isinstance(value, str) else None


def _pane_names(pane: Tag, table: Tag) -> list[str]:
    """Every name the page gives a tab pane: ``data-value``, hidden label, component tier."""
    names = [str(pane.get("data-value") or "")]
    hidden = pane.find("div", class_="hidden", recursive=False)
    if isinstance(hidden, Tag):
        names.append(cell_text(hidden))
    island = table.find_parent("astro-island")
    if island is not None and any(p is pane for p in island.parents):
        names.append(_props_tier(island) or "")
    return [n for n in names if n.strip()]


def _pane_label(table: Tag, where: str) -> str | None:
    """The tab of a rendered table: "standard" outside any tab switcher, None for a tab the
    parser does not know; refused if the pane's names disagree or name nothing."""
    pane = table.find_parent(attrs={_PANE: True})
    if pane is None:
        if table.find_parent(attrs={_SWITCHER: True}) is not None:
            raise ParseError(VENDOR, f"a table under {where!r} sits in a tab switcher but no tab")
        return "standard"
    names = _pane_names(pane, table)
    if not names:
        raise ParseError(VENDOR, f"a tab pane under {where!r} has no label")
    labels = {service_label(n, _ALIASES) for n in names}
    if labels == {None}:
        return None
    if len(labels) != 1:
        raise ParseError(VENDOR, f"a tab pane under {where!r} has conflicting labels {names}")
    return labels.pop()


def _label(src: _Source, section: _Section, named: str | None) -> str | None:
    """The service tab of a table, from its label on the page; None to skip the table."""
    where = src.table.headings[-1] if src.table.headings else "the page"
    if named is not None:
        return named
    if src.element is not None:
        return _pane_label(src.element, where)
    if not section.labels:
        return "standard"
    return _preface_label(src.table, section, where)


# --- Token tables ------------------------------------------------------------------------------


def _amount(cell: str, where: str) -> tuple[Decimal, Unit]:
    """Value and unit of ``$1.25`` (per 1M tokens, as every token section states) or of a price
    that names its unit (``$100.00 / hour``, ``$0.034 / minute``)."""
    text = cell.strip()
    named = unit_price(text)
    if named is not None and text.startswith("$") and not named.rest:
        return named.value, named.unit
    m = _AMOUNT.fullmatch(text)
    if m is None:
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
    return money(m.group(1)), "usd_per_mtok"


def _grouped(head: str) -> tuple[str, dict[str, str]]:
    """``short context cached input`` -> (``cached input``, {}); long context adds a tier."""
    for prefix, dims in _GROUPS:
        if head.startswith(prefix):
            return head[len(prefix) :], dims
    return head, {}


@dataclass(frozen=True, slots=True)
class _Col:
    index: int
    field: str
    dims: Mapping[str, str]
    header: str


def _columns(table: Table, section: _Section) -> tuple[int, int | None, list[_Col], list[_Col]]:
    """Index of the Model column, of the Modality column, the price columns and the columns
    seen but not stored (estimates), all by header name."""
    heads = [_plain(h) for h in table.header]
    if "model" not in heads:
        raise ParseError(VENDOR, f"table under {table.headings!r} has no 'Model' column")
    modality = heads.index("modality") if "modality" in heads and "modality" in section.columns else None
    cols: list[_Col] = []
    noted: list[_Col] = []
    for i, head in enumerate(heads):
        if head == "model" or i == modality:
            continue
        name, dims = _grouped(head)
        if name in _NOTED_COLUMNS:
            noted.append(_Col(i, name, dims, table.header[i]))
            continue
        if name not in section.columns:
            raise ParseError(VENDOR, f"unknown price column {table.header[i]!r}: layout changed")
        fld = section.columns[name]
        if fld is not None:
            cols.append(_Col(i, fld, dims, table.header[i]))
    return heads.index("model"), modality, cols, noted


def _placed(fld: str, label: str, dims: Mapping[str, str]) -> tuple[str, str]:
    if fld in _TAB_INDEPENDENT:
        return fld, tiers.make(**dims)
    return placed(fld, label, dims)


def _rate(mid: str, fld: str, cell: str, label: str, dims: Mapping[str, str], out: _Out) -> ParsedRate | None:
    name, key = _placed(fld, label, dims)
    text = cell.strip()
    if text in _DASHES:
        return ParsedRate(mid, name, None, tier=key, status="not_offered", reason="page shows '-'")
    if text.lower() == "free":
        return ParsedRate(mid, name, Decimal(0), tier=key)
    value, unit = _amount(text, f"{mid} {name} ({key})")
    if unit == "usd_per_mtok":
        return ParsedRate(mid, name, value, unit=unit, tier=key)
    other = _UNIT_FIELDS.get((name, unit))
    if other is None:
        out.notes.append(f"{mid}: {name} ({key}) {text!r} is priced {unit}: no field for it, not stored")
        return None
    return ParsedRate(mid, other, value, unit=unit, tier=key)


def _modal(fld: str, cell: str, where: str) -> str:
    """``input`` of an ``Image`` row is ``image_input``; a modality the parser does not know raises."""
    prefix = _MODALITIES.get(_plain(cell))
    if prefix is None:
        raise ParseError(VENDOR, f"unknown modality {cell!r} in {where}")
    return prefix + fld if fld in {"input", "cache_read", "output"} else fld


def _token_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    model_col, modality, cols, noted = _columns(table, section)
    rates: list[ParsedRate] = []
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid, dims, long = _model(row[model_col])
        out.names.setdefault(mid, mid)
        for c in cols:
            fld = c.field if modality is None else _modal(c.field, row[modality], f"{mid}'s row")
            extra = long if long is not None and c.dims else c.dims
            r = _rate(mid, fld, row[c.index], label, {**section.dims, **dims, **extra}, out)
            if r is not None:
                rates.append(r)
        for c in noted:
            if row[c.index].strip() not in _DASHES:
                why = _NOTED_COLUMNS[c.field]
                out.notes.append(f"{mid}: {c.header} {row[c.index]!r} not stored ({why})")
    return rates


# --- Tables in other units ---------------------------------------------------------------------


def _header_unit(table: Table, where: str) -> str:
    """The unit a table states once for all its prices: in a header (``Price per second``) or
    the text above it (``Prices per image.``)."""
    for text in (*table.header, table.preface):
        found = stated_unit(text)
        if found is not None:
            return found
    raise ParseError(VENDOR, f"no unit stated for the prices under {where!r}")


def _one_price(cell: str, unit: str, where: str) -> Decimal | None:
    """A bare ``$0.10`` in a table whose unit is stated once; None for a dash."""
    text = cell.strip()
    if text in _DASHES:
        return None
    m = _AMOUNT.fullmatch(text)
    if m is None:
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where} ({unit})")
    return money(m.group(1))


def _resolution(row: tuple[str, ...], heads: list[str], where: str) -> str:
    """A video row's resolution, as the portrait size the page states (``720x1280``): its own
    column on newer pages, ``Portrait: 720x1280 Landscape: ...`` in one cell on older ones."""
    if "portrait" in heads:
        text = row[heads.index("portrait")]
    else:
        found = next((m for cell in row if (m := _PORTRAIT.search(cell))), None)
        if found is None:
            raise ParseError(VENDOR, f"no resolution in {where} row {row!r}")
        text = found.group(1)
    size = _SIZE.fullmatch(text.strip())
    if size is None:
        raise ParseError(VENDOR, f"unreadable resolution {text!r} in {where}")
    return f"{size.group(1)}x{size.group(2)}"


def _video_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    """``Model | Size | Portrait | Landscape | Price per second`` (or ``Size: Output resolution``)."""
    where = table.headings[-1]
    unit = _header_unit(table, where)
    heads = [_plain(h) for h in table.header]
    price = next((i for i, h in enumerate(heads) if h.startswith("price")), None)
    if "model" not in heads or price is None or unit != "usd_per_second":
        raise ParseError(VENDOR, f"video table under {where!r} has no Model and per-second Price columns")
    rates: list[ParsedRate] = []
    for row in spanned_rows(table).rows:
        if len(row) != len(heads):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid = model_id(row[heads.index("model")])
        out.names.setdefault(mid, mid)
        name, key = placed("video_generation", label, {"resolution": _resolution(row, heads, where)})
        value = _one_price(row[price], unit, f"{mid} {key}")
        if value is None:
            rates.append(ParsedRate(mid, name, None, unit, key, "not_offered", "page shows '-'"))
        else:
            rates.append(ParsedRate(mid, name, value, unit, key))
    return rates


def _size(head: str) -> str | None:
    m = _SIZE.fullmatch(_plain(head))
    return f"{m.group(1)}x{m.group(2)}" if m else None


def _image_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    """``Model | Quality | 1024 x 1024 | ...``: one price per image by quality and size. A
    converter glues several such tables into one; each part is read with its own size header."""
    where = table.headings[-1]
    unit = _header_unit(table, where)
    if unit != "usd_per_image":
        raise ParseError(VENDOR, f"image generation prices under {where!r} are not per image")
    rates: list[ParsedRate] = []
    for part in subtables(table):
        heads = [_plain(h) for h in part.header]
        if not heads:
            names = [r[0] for r in part.rows if len(r) == len(table.header)]
            out.notes.append(
                f"{where}: rows {names} have no size header on the page (lost in conversion): not stored"
            )
            continue
        if heads[:2] != ["model", "quality"] or not all(_size(h) for h in heads[2:]):
            raise ParseError(VENDOR, f"image price table under {where!r} has header {part.header!r}")
        for row in spanned_rows(part).rows:
            if len(row) != len(heads):
                raise ParseError(VENDOR, f"row {row!r} does not match header {part.header!r}")
            mid = display_id(row[0])
            out.names.setdefault(mid, row[0])
            for i in range(2, len(heads)):
                dims = {"quality": _plain(row[1]), "size": _size(heads[i]) or ""}
                name, key = placed("image_generation", label, dims)
                value = _one_price(row[i], unit, f"{mid} {key}")
                if value is not None:
                    rates.append(ParsedRate(mid, name, value, unit, key))
    return rates


def _other_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    """``Model | Use case | Cost``: Whisper per minute, TTS per million characters."""
    heads = [_plain(h) for h in table.header]
    if heads != ["model", "use case", "cost"]:
        raise ParseError(VENDOR, f"unknown columns {table.header!r} under 'Other models'")
    rates: list[ParsedRate] = []
    for name, use, cost in table.rows:
        mid = display_id(name)
        out.names.setdefault(mid, name)
        fld, price = _USE_CASES.get(_plain(use)), unit_price(cost)
        if fld is None or price is None or price.rest:
            out.notes.append(f"{name}: {use} {cost!r} has no known field or unit: not stored")
            continue
        rates.append(ParsedRate(mid, fld, price.value, price.unit))
    return rates


def _tool(label: str) -> tuple[str, dict[str, str]] | None:
    """(tool id, tier dims) of a tool row's label, or None for a tool the parser does not know."""
    low = _plain(label)
    tool = next((tid for words, tid in _TOOLS if words in low), None)
    if tool is None:
        return None
    dims = next((d for words, d in _AUDIENCES if words in low), {})
    return tool, dict(dims)


def _container_prices(cell: str) -> list[tuple[dict[str, str], Decimal]] | None:
    """``1 GB (default): $0.03 / container 4 GB: ...`` or ``1 GB $0.03, 4 GB $0.12 ... per
    20-minute session per container``: one price per container memory size."""
    if "container" not in cell.lower():
        return None
    sized = [({"memory": f"{n}gb"}, money(v)) for n, v in _CONTAINER.findall(cell)]
    if sized:
        return sized
    price = unit_price(cell)
    return [({}, price.value)] if price is not None and price.unit == "usd_per_container" else None


def _tool_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    """Built-in tools: ``Tool | Cost`` or ``Tool | Details | Pricing``; the last column prices."""
    table = spanned_rows(table)
    rates: list[ParsedRate] = []
    for row in table.rows:
        text, cell = " ".join(row[:-1]), row[-1]
        found = _tool(text)
        price = unit_price(cell)
        containers = _container_prices(cell)
        if found is None or (price is None and containers is None):
            out.notes.append(f"tool {text!r}: {cell!r} not stored (unknown tool or unit)")
            continue
        tool, dims = found
        out.names.setdefault(tool, row[0])
        if containers is not None:
            if "session" in cell.lower():
                out.notes.append(f"{tool}: {cell!r} is per container session as worded; stored per container")
            for size, value in containers:
                key = tiers.make(**dims, **size)
                rates.append(ParsedRate(tool, "code_container", value, "usd_per_container", key))
            continue
        assert price is not None
        fields = _TOOL_FIELDS.get(price.unit, {})
        fld = fields.get(tool, fields.get(None))
        if fld is None:
            out.notes.append(f"tool {text!r}: {cell!r} priced {price.unit}: no field for it, not stored")
            continue
        rates.append(ParsedRate(tool, fld, price.value, price.unit, tiers.make(**dims)))
        _note_rest(out, tool, price)
    return rates


def _note_rest(out: _Out, tool: str, price: UnitPrice) -> None:
    """Words after a tool price (a free allowance, tokens billed elsewhere) are not stored."""
    if price.rest:
        out.notes.append(f"{tool}: {price.rest!r} after the {price.unit} price is not stored")


def _agentkit_rates(table: Table, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    """``Usage meter | Free tier | Price beyond free tier``: the price, from the day billing begins."""
    heads = [_plain(h) for h in table.header]
    price_col = next((i for i, h in enumerate(heads) if h.startswith("price")), None)
    if price_col is None:
        raise ParseError(VENDOR, f"AgentKit table has no price column: {table.header!r}")
    start = _BILLING_STARTS.search(table.preface)
    begins = datetime.strptime(start.group(1), "%B %d, %Y").date() if start else None
    rates: list[ParsedRate] = []
    for row in table.rows:
        found, price = _tool(" ".join(row[:price_col])), unit_price(row[price_col])
        if found is None or price is None or price.unit not in _TOOL_FIELDS:
            out.notes.append(f"AgentKit {row!r} not stored (unknown meter or unit)")
            continue
        tool, dims = found
        out.names.setdefault(tool, row[0])
        fld = _TOOL_FIELDS[price.unit].get(tool, _TOOL_FIELDS[price.unit].get(None))
        if fld is None:
            out.notes.append(f"AgentKit {row!r} priced {price.unit}: no field for it, not stored")
            continue
        key = tiers.make(**dims)
        rates.append(ParsedRate(tool, fld, price.value, price.unit, key, valid_from=begins))
        free = [c for i, c in enumerate(row) if i not in (0, price_col) and c.strip()]
        out.notes.extend(f"{tool}: free tier {c!r} (per account, per month) is not stored" for c in free)
        _note_rest(out, tool, price)
    return rates


# --- Sections ----------------------------------------------------------------------------------

_TEXT = _Section(_TEXT_COLUMNS, ("batch", "flex", "standard", "priority"), is_text=True)
_FINE_TUNING = _Section(
    {"training": "training", **_TEXT_COLUMNS}, ("batch", "standard"), {"variant": "fine-tuned"}
)
#: Chat, Codex, search, embedding and moderation models, grouped by a Category column.
_SPECIALIZED = _Section({"category": None, **_TEXT_COLUMNS}, SERVICE_LABELS, is_text=True)
_MODAL_COLUMNS: dict[str, str | None] = {"modality": None, **_TEXT_COLUMNS, "output / cost": "output"}
_PER_UNIT: tuple[str, ...] = ("batch", "standard")
_TOOLS_SECTION = _Section({}, reader=_tool_rates)
_VIDEO = _Section({}, _PER_UNIT, untabbed_ok=True, reader=_video_rates)
_SECTIONS: dict[str, _Section] = {
    "text tokens": _TEXT,
    "flagship models": _TEXT,
    "image tokens": _Section(
        {"input": "image_input", "cached input": "image_cache_read", "output": "image_output"}
    ),
    "audio tokens": _Section(
        {"input": "audio_input", "cached input": "audio_cache_read", "output": "audio_output"}
    ),
    "realtime and audio generation models": _Section(_MODAL_COLUMNS),
    "image generation models": _Section(_MODAL_COLUMNS, _PER_UNIT),
    "transcription models": _Section({"use case": None, "input": "input", "output": "output"}),
    "fine-tuning": _FINE_TUNING,
    "finetuning": _FINE_TUNING,
    "embeddings": _Section({"cost": "input", "batch cost": "batch_input"}),
    "legacy models": _Section({"input": "input", "output": "output"}, ("batch", "standard")),
    "specialized models": _SPECIALIZED,
    "video": _VIDEO,
    "video generation models": _VIDEO,
    "image generation": _Section({}, _PER_UNIT, untabbed_ok=True, reader=_image_rates),
    "built-in tools": _TOOLS_SECTION,
    "tools": _TOOLS_SECTION,
    "agentkit": _Section({}, reader=_agentkit_rates),
}
#: HTML heading anchors whose content kept its layout when the heading text was reworded.
_SECTION_IDS: dict[str, _Section] = {
    "text-tokens": _TEXT,
    "fine-tuning": _FINE_TUNING,
    "specialized-models": _SPECIALIZED,
}
#: Sub-sections of "Transcription and speech generation".
_SPEECH: dict[str, _Section] = {
    "text tokens": _Section({"input": "input", "output": "output"}),
    "audio tokens": _Section({"input": "audio_input", "output": "audio_output"}),
    "other models": _Section({}, reader=_other_rates),
}
#: A rendered HTML table outside any heading: the page's plain (untabbed) text token prices.
_UNSECTIONED = _Section({"category": None, **_TEXT_COLUMNS}, is_text=True)


def _section(headings: tuple[str, ...], ids: tuple[str, ...]) -> tuple[_Section, str | None] | None:
    """The section a table belongs to and the tab its heading names; None to skip the table."""
    if not headings:
        return _UNSECTIONED, None
    name = _plain(headings[-1])
    tab = _TAB_HEADING.fullmatch(name)
    if tab:
        label = service_label(tab.group(1), _ALIASES)
        return (_TEXT, label) if label else None
    speech = any(h.lower().startswith("transcription and") for h in headings[:-1])
    known = _SPEECH if speech else _SECTIONS
    if name in known:
        return known[name], None
    anchor = ids[-1] if ids else ""
    return (_SECTION_IDS[anchor], None) if anchor in _SECTION_IDS else None


def _regional(rates: list[ParsedRate], after: tuple[str, ...]) -> list[ParsedRate]:
    """The derived regional-processing tier of a table's token prices, where the sentence under
    the table states the uplift (see the module doc)."""
    found = next((m for line in after if (m := _UPLIFT.search(line))), None)
    if found is None:
        return []
    factor = 1 + Decimal(found.group("pct")) / 100
    sentence = found.group("sentence")
    return [
        ParsedRate(
            r.model,
            r.field,
            normalize(r.value * factor),
            r.unit,
            tiers.make(**tiers.parse(r.tier), **REGIONAL),
            status="inferred",
            reason=sentence,
        )
        for r in rates
        if r.value is not None and r.unit == "usd_per_mtok"
    ]


def _merge(rates: Iterable[ParsedRate]) -> list[ParsedRate]:
    """One copy of a price several tables print (training in every tab, a model listed in two
    sections); refuse if they disagree, since then a label or a column was misread."""
    seen: dict[tuple[str, str, str], ParsedRate] = {}
    out: list[ParsedRate] = []
    for r in rates:
        key = (r.model, r.field, r.tier)
        prev = seen.setdefault(key, r)
        if prev is r:
            out.append(r)
        elif (prev.value, prev.unit, prev.status) != (r.value, r.unit, r.status):
            raise ParseError(VENDOR, f"tabs disagree on {key}: {prev.value} vs {r.value}")
    return out


def _markdown_sources(text: str) -> Iterator[_Source]:
    """Tables in document order, each with the text lines between it and what follows."""
    current: _Source | None = None
    after: list[str] = []
    for block in blocks(text, title_empty_headings=True):
        if isinstance(block, Table | Heading) and current is not None:
            yield _Source(current.table, after=tuple(after))
            current = None
        if isinstance(block, Table):
            current, after = _Source(grouped_header(block, "Model")), []
        elif not isinstance(block, Heading) and current is not None:
            after.append(block.text)
    if current is not None:
        yield _Source(current.table, after=tuple(after))


def _prose_notes(text: str) -> list[str]:
    """Prices and "free of charge" in running text: seen, never read (prose is not attributable)."""
    return [
        f"prose not read: {b.text[:160]!r}"
        for b in blocks(text, title_empty_headings=True)
        if isinstance(b, Text) and (_AMOUNT.search(b.text) or "free of charge" in b.text.lower())
    ]


def _sources(body: bytes) -> Iterator[_Source]:
    if is_html(body):
        for t in html_tables(body):
            yield _Source(t.table, t.heading_ids, t.element)
    else:
        yield from _markdown_sources(body.decode("utf-8"))


def _read(src: _Source, section: _Section, label: str, out: _Out) -> list[ParsedRate]:
    if section.reader is not None:
        return section.reader(src.table, section, label, out)
    table = (
        spanned_rows(src.table)
        if "modality" in section.columns or "category" in section.columns
        else src.table
    )
    rates = _token_rates(table, section, label, out)
    return rates + _regional(rates, src.after)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    out = _Out()
    rates: list[ParsedRate] = []
    text_tables = 0
    for src in _sources(body):
        found = _section(src.table.headings, src.ids)
        if found is None:
            where = " > ".join(src.table.headings)
            out.notes.append(f"section {where!r}: table {src.table.header!r} not read (unknown section)")
            continue
        section, named = found
        label = _label(src, section, named)
        if label is None:
            out.notes.append(f"table under {src.table.headings!r} in an unknown tab: not read")
            continue
        rates.extend(_read(src, section, label, out))
        text_tables += section.is_text
    if not text_tables:
        raise ParseError(
            VENDOR,
            f"no text token price table found in {url} "
            "(expected columns 'Model | Input | Cached input | Output')",
        )
    if not is_html(body):
        out.notes.extend(_prose_notes(body.decode("utf-8")))
    return parsed(VENDOR, _merge(rates), out.names, out.notes)
