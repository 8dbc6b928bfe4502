"""OpenAI: the API pricing page, as markdown (platform.openai.com/docs/pricing) or as HTML
(developers.openai.com/api/docs/pricing).

Sections are found by heading text, or by the HTML heading's anchor id, which outlives renames
(the "Text tokens" heading now reads "Flagship models" and keeps id ``text-tokens``). A section
the parser does not know is skipped; a known one with an unknown column or an unreadable cell
raises. Columns are read by header name. A grouped header (``Short context`` / ``Long context``
over Input, Cached input, Cache writes, Output) makes the short-context prices the plain rate
and the long-context ones tier ``context=long``: the table names the group, not its threshold.

Each table's service tab comes from its label on the page, never from its position:

- markdown flattens the Batch / Flex / Standard / Priority tabs into consecutive tables (the
  first is *Batch*): the label is the text just above the table, or a ``<Tab> pricing data``
  heading;
- HTML puts each tab's table in a ``data-content-switcher-pane`` whose ``data-value``, hidden
  label and component props (``tier``) name the tab; they must agree. A table outside any tab
  switcher is untabbed, i.e. standard.

"Fast mode" is Priority renamed: the page says so and both ``service_tier`` values select it, so
it keeps the priority tier key. A tab the parser does not know is skipped; a tabbed table with
no label is refused, and two tables giving one (model, field, tier) different prices are refused.

The HTML page also embeds component props JSON whose rows hold 4 or 5 unnamed values; their
column headers are not on the page, so they are deliberately not read. Only rendered ``<table>``
elements with named columns are (the page renders only the first rows of long tables).

Left out on purpose (no per-model per-token field): Video (per second), Built-in tools and
AgentKit (not per model), Image generation (per image by quality and size), Other models
(per minute / per character), the transcription "Estimated cost" column (an estimate), and every
section not listed in ``_SECTIONS`` (e.g. "Cyber models", "Realtime and audio generation models").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bs4.element import Tag

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, parsed
from ratecard.parsers.htmltables import cell_text, html_tables
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.tabs import SERVICE_LABELS, placed, service_label, trailing_label

VENDOR = "openai"


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


_TEXT_COLUMNS: dict[str, str | None] = {
    "input": "input",
    "cached input": "cache_read",
    "cache writes": "cache_write",
    "output": "output",
}
_TEXT = _Section(_TEXT_COLUMNS, ("batch", "flex", "standard", "priority"), is_text=True)
_FINE_TUNING = _Section(
    {"training": "training", **_TEXT_COLUMNS}, ("batch", "standard"), {"variant": "fine-tuned"}
)
#: Chat, Codex, search, embedding and moderation models, grouped by a Category column.
_SPECIALIZED = _Section({"category": None, **_TEXT_COLUMNS}, SERVICE_LABELS, is_text=True)
_SECTIONS: dict[str, _Section] = {
    "text tokens": _TEXT,
    "flagship models": _TEXT,
    "image tokens": _Section(
        {"input": "image_input", "cached input": "image_cache_read", "output": "image_output"}
    ),
    "audio tokens": _Section(
        {"input": "audio_input", "cached input": "audio_cache_read", "output": "audio_output"}
    ),
    "fine-tuning": _FINE_TUNING,
    "finetuning": _FINE_TUNING,
    "embeddings": _Section({"cost": "input", "batch cost": "batch_input"}),
    "legacy models": _Section({"input": "input", "output": "output"}, ("batch", "standard")),
    "specialized models": _SPECIALIZED,
}
#: HTML heading anchors whose content kept its layout when the heading text was reworded.
_SECTION_IDS: dict[str, _Section] = {
    "text-tokens": _TEXT,
    "fine-tuning": _FINE_TUNING,
    "specialized-models": _SPECIALIZED,
}
#: Sub-sections of "Transcription and speech generation".
_SPEECH: dict[str, _Section] = {
    "text tokens": _Section({"input": "input", "output": "output", "estimated cost": None}),
    "audio tokens": _Section({"input": "audio_input", "output": "audio_output", "estimated cost": None}),
}
#: A rendered HTML table outside any heading: the page's plain (untabbed) text token prices.
_UNSECTIONED = _Section({"category": None, **_TEXT_COLUMNS}, is_text=True)
#: Fields that do not depend on the tab: printed in every tab, they must agree.
_TAB_INDEPENDENT = frozenset({"training"})
#: "Priority processing was renamed Fast mode on July 30, 2026" (the page's own words). Bare
#: "fast" names a tab only where the page marks it as one (pane value, ``Fast pricing data``),
#: never as the last word of markdown prose.
_ALIASES: dict[str, str] = {"fast mode": "priority", "fast": "priority"}
_PROSE_ALIASES: dict[str, str] = {"fast mode": "priority"}
#: Column-group prefixes of grouped headers and the tier dimensions they add.
_GROUPS: tuple[tuple[str, dict[str, str]], ...] = (
    ("short context ", {}),
    ("long context ", {"context": "long"}),
)

_DASHES = frozenset({"-", "–", "—"})
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_DATA_SHARING = re.compile(r"(.+?)\s+with data sharing", re.IGNORECASE)
_CONTEXT_NOTE = re.compile(r"\s*\(\s*[<>≤≥]=?\s*\d[\d,.]*\s*[km]\b[^)]*\)\s*$", re.IGNORECASE)
_LEGACY_NOTE = re.compile(r"\s+legacy\s*$", re.IGNORECASE)
_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(/\s*hour)?", re.IGNORECASE)
_TAB_HEADING = re.compile(r"(.+?) pricing data")
_PANE = "data-content-switcher-pane"
_SWITCHER = "data-content-switcher-root"


@dataclass(frozen=True, slots=True)
class _Source:
    """A table with where it sits: heading anchors and, for HTML, its element."""

    table: Table
    ids: tuple[str, ...] = ()
    element: Tag | None = None


def model_id(name: str) -> str:
    """The API model name exactly as the page prints it, lower-cased (``gpt-4.1``, ``o4-mini``).

    Display names that are not API names (``GPT Image 1``) are refused, never turned into ids.
    """
    low = name.strip().lower()
    if not _ID.fullmatch(low):
        raise ParseError(VENDOR, f"{name!r} is not an API model name")
    return low


def _model(cell: str) -> tuple[str, dict[str, str]]:
    """(model id, extra tier dims) of a model cell: "X with data sharing" is a tier of X.

    Notes after the name are not part of it: ``(<272K context length)`` says which context the
    short-context columns cover (the columns carry that), ``Legacy`` is a label, not a price.
    """
    name = _LEGACY_NOTE.sub("", _CONTEXT_NOTE.sub("", cell)).strip()
    m = _DATA_SHARING.fullmatch(name)
    if m is None:
        return model_id(name), {}
    return model_id(m.group(1)), {"data_sharing": "yes"}


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def _section(headings: tuple[str, ...], ids: tuple[str, ...]) -> tuple[_Section, str | None] | None:
    """The section a table belongs to and the tab its heading names; None to skip the table."""
    if not headings:
        return _UNSECTIONED, None
    name = _plain(headings[-1])
    tab = _TAB_HEADING.fullmatch(name)
    if tab:
        label = service_label(tab.group(1), _ALIASES)
        return (_TEXT, label) if label else None
    speech = any(h.lower().startswith("transcription") for h in headings[:-1])
    known = _SPEECH if speech else _SECTIONS
    if name in known:
        return known[name], None
    anchor = ids[-1] if ids else ""
    return (_SECTION_IDS[anchor], None) if anchor in _SECTION_IDS else None


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
    label = trailing_label(src.table.preface, section.labels, _PROSE_ALIASES)
    if label is None:
        tabs = "/".join(lb.title() for lb in section.labels)
        raise ParseError(
            VENDOR,
            f"cannot tell which tab ({tabs}) a table under {where!r} shows: "
            f"no tab label just above it (found {src.table.preface[-60:]!r})",
        )
    return label


def _amount(cell: str, fld: str, where: str) -> tuple[Decimal, Unit]:
    """Value and unit of ``$1.25`` (per 1M tokens, as every token section states) or
    ``$100.00 / hour`` (training only)."""
    m = _AMOUNT.fullmatch(cell.strip())
    if m is None or (m.group(2) and fld != "training"):
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
    return money(m.group(1)), "usd_per_hour" if m.group(2) else "usd_per_mtok"


def _field_for(fld: str, unit: Unit) -> str:
    """Training billed by the hour is its own field: a field never counts two quantities."""
    return "training_hours" if fld == "training" and unit == "usd_per_hour" else fld


def _grouped(head: str) -> tuple[str, dict[str, str]]:
    """``short context cached input`` -> (``cached input``, {}); long context adds a tier."""
    for prefix, dims in _GROUPS:
        if head.startswith(prefix):
            return head[len(prefix) :], dims
    return head, {}


def _columns(table: Table, section: _Section) -> tuple[int, list[tuple[int, str, dict[str, str]]]]:
    """Index of the Model column and (index, field, dims) of each price column, by header name."""
    heads = [_plain(h) for h in table.header]
    if "model" not in heads:
        raise ParseError(VENDOR, f"table under {table.headings!r} has no 'Model' column")
    cols: list[tuple[int, str, dict[str, str]]] = []
    for i, head in enumerate(heads):
        if head == "model":
            continue
        name, dims = _grouped(head)
        if name not in section.columns:
            raise ParseError(VENDOR, f"unknown price column {table.header[i]!r}: layout changed")
        fld = section.columns[name]
        if fld is not None:
            cols.append((i, fld, dims))
    return heads.index("model"), cols


def _regroup(table: Table) -> Table:
    """Rejoin a grouped header that markdown split in two: a group row (``| | Short context |
    Long context |``) over a first row ``| Model | Input | ... | Input | ... |``. Only when the
    sub-columns repeat identically under every group, so each column's group is certain."""
    heads = [_plain(h) for h in table.header]
    if "model" in heads or not table.rows or _plain(table.rows[0][0]) != "model":
        return table
    groups, sub = table.header[1:], table.rows[0][1:]
    if heads[0] or not groups or len(sub) % len(groups):
        return table
    size = len(sub) // len(groups)
    blocks = [sub[i * size : (i + 1) * size] for i in range(len(groups))]
    if any(block != blocks[0] for block in blocks):
        return table
    header = ("Model", *(f"{g} {c}" for g, block in zip(groups, blocks, strict=True) for c in block))
    return Table(table.headings, header, table.rows[1:], table.preface)


def _rate(mid: str, fld: str, cell: str, label: str, dims: Mapping[str, str]) -> ParsedRate:
    if fld in _TAB_INDEPENDENT:
        name, key = fld, tiers.make(**dims)
    else:
        name, key = placed(fld, label, dims)
    text = cell.strip()
    if text in _DASHES:
        return ParsedRate(mid, name, None, tier=key, status="not_offered", reason="page shows '-'")
    if text.lower() == "free":
        return ParsedRate(mid, name, Decimal(0), tier=key)
    value, unit = _amount(text, fld, f"{mid} {name} ({key})")
    return ParsedRate(mid, _field_for(name, unit), value, unit=unit, tier=key)


def _table_rates(table: Table, section: _Section, label: str, names: dict[str, str]) -> list[ParsedRate]:
    model_col, cols = _columns(table, section)
    out: list[ParsedRate] = []
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid, dims = _model(row[model_col])
        names.setdefault(mid, mid)
        out.extend(_rate(mid, f, row[i], label, {**section.dims, **dims, **extra}) for i, f, extra in cols)
    return out


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


def _sources(body: bytes) -> Iterator[_Source]:
    if body.lstrip()[:1] == b"<":
        for t in html_tables(body):
            yield _Source(_regroup(t.table), t.heading_ids, t.element)
    else:
        yield from (_Source(_regroup(t)) for t in tables(body.decode("utf-8")))


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    names: dict[str, str] = {}
    rates: list[ParsedRate] = []
    text_tables = 0
    for src in _sources(body):
        found = _section(src.table.headings, src.ids)
        if found is None:
            continue
        section, named = found
        label = _label(src, section, named)
        if label is None:
            continue
        rates.extend(_table_rates(src.table, section, label, names))
        text_tables += section.is_text
    if not text_tables:
        raise ParseError(
            VENDOR,
            f"no text token price table found in {url} "
            "(expected columns 'Model | Input | Cached input | Output')",
        )
    return parsed(VENDOR, _merge(rates), names)
