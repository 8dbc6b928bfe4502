"""OpenAI: the API pricing page, as markdown (platform.openai.com/docs/pricing) or as HTML
(developers.openai.com/api/docs/pricing).

Sections are found by heading, columns by header name, and each tabbed table's tier by the tab
label printed just above it: the markdown flattens the Batch / Flex / Standard / Priority tabs
into consecutive tables (the first is *Batch*), so position says nothing. A tabbed table with no
readable label is refused.

The HTML page also embeds component props JSON whose rows hold 4 or 5 unnamed values; its column
headers are not on the page, so it is deliberately not read. Only rendered ``<table>`` elements
with named columns are.

Left out on purpose (no per-model per-token field): Video (per second), Built-in tools and
AgentKit (not per model), Image generation (per image by quality and size), Other models
(per minute / per character), the transcription "Estimated cost" column (an estimate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, parsed, tier
from ratecard.parsers.htmltables import html_tables
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.tabs import placed, trailing_label

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
    "output": "output",
}
_TEXT = _Section(_TEXT_COLUMNS, ("batch", "flex", "standard", "priority"), is_text=True)
_SECTIONS: dict[str, _Section] = {
    "text tokens": _TEXT,
    "image tokens": _Section(
        {"input": "image_input", "cached input": "image_cache_read", "output": "image_output"}
    ),
    "audio tokens": _Section(
        {"input": "audio_input", "cached input": "audio_cache_read", "output": "audio_output"}
    ),
    "fine-tuning": _Section(
        {"training": "training", **_TEXT_COLUMNS}, ("batch", "standard"), {"variant": "fine-tuned"}
    ),
    "embeddings": _Section({"cost": "input", "batch cost": "batch_input"}),
    "legacy models": _Section({"input": "input", "output": "output"}, ("batch", "standard")),
}
#: Sub-sections of "Transcription and speech generation".
_SPEECH: dict[str, _Section] = {
    "text tokens": _Section({"input": "input", "output": "output", "estimated cost": None}),
    "audio tokens": _Section(
        {"input": "audio_input", "output": "audio_output", "estimated cost": None}
    ),
}
#: A rendered HTML table outside any heading: the page's plain (untabbed) text token prices.
_UNSECTIONED = _Section({"category": None, **_TEXT_COLUMNS}, is_text=True)
_IGNORED = frozenset({"video", "built-in tools", "agentkit", "other models", "image generation"})
#: Fields that do not depend on the tab: printed in every tab, they must agree.
_TAB_INDEPENDENT = frozenset({"training"})

_DASHES = frozenset({"-", "–", "—"})
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_DATA_SHARING = re.compile(r"(.+?)\s+with data sharing", re.IGNORECASE)
_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(/\s*hour)?", re.IGNORECASE)


def model_id(name: str) -> str:
    """The API model name exactly as the page prints it, lower-cased (``gpt-4.1``, ``o4-mini``).

    Display names that are not API names (``GPT Image 1``) are refused, never turned into ids.
    """
    low = name.strip().lower()
    if not _ID.fullmatch(low):
        raise ParseError(VENDOR, f"{name!r} is not an API model name")
    return low


def _model(cell: str) -> tuple[str, dict[str, str]]:
    """(model id, extra tier dims) of a model cell: "X with data sharing" is a tier of X."""
    m = _DATA_SHARING.fullmatch(cell.strip())
    if m is None:
        return model_id(cell), {}
    return model_id(m.group(1)), {"data_sharing": "yes"}


def _section(headings: tuple[str, ...]) -> _Section | None:
    """The section a table belongs to; None for sections left out on purpose."""
    if not headings:
        return _UNSECTIONED
    name = headings[-1].strip().lower()
    speech = any(h.lower().startswith("transcription") for h in headings[:-1])
    known = _SPEECH if speech else _SECTIONS
    if name in known:
        return known[name]
    if name in _IGNORED:
        return None
    raise ParseError(VENDOR, f"unknown price section {headings[-1]!r}: the page layout changed")


def _label(table: Table, section: _Section) -> str:
    if not section.labels:
        return "standard"
    label = trailing_label(table.preface, section.labels)
    if label is None:
        tabs = "/".join(lb.title() for lb in section.labels)
        raise ParseError(
            VENDOR,
            f"cannot tell which tab ({tabs}) a table under {table.headings[-1]!r} shows: "
            f"no tab label just above it (found {table.preface[-60:]!r})",
        )
    return label


def _amount(cell: str, fld: str, where: str) -> tuple[Decimal, Unit]:
    """Value and unit of ``$1.25`` (per 1M tokens, as every token section states) or
    ``$100.00 / hour`` (training only)."""
    m = _AMOUNT.fullmatch(cell.strip())
    if m is None or (m.group(2) and fld != "training"):
        raise ParseError(VENDOR, f"unreadable price {cell!r} for {where}")
    return money(m.group(1)), "usd_per_hour" if m.group(2) else "usd_per_mtok"


def _columns(table: Table, section: _Section) -> tuple[int, list[tuple[int, str]]]:
    """Index of the Model column and (index, field) of each price column, by header name."""
    heads = [" ".join(h.lower().split()) for h in table.header]
    if "model" not in heads:
        raise ParseError(VENDOR, f"table under {table.headings!r} has no 'Model' column")
    cols: list[tuple[int, str]] = []
    for i, head in enumerate(heads):
        if head == "model":
            continue
        if head not in section.columns:
            raise ParseError(VENDOR, f"unknown price column {table.header[i]!r}: layout changed")
        fld = section.columns[head]
        if fld is not None:
            cols.append((i, fld))
    return heads.index("model"), cols


def _rate(mid: str, fld: str, cell: str, label: str, dims: Mapping[str, str]) -> ParsedRate:
    if fld in _TAB_INDEPENDENT:
        name, key = fld, tier(**dims) if dims else "standard"
    else:
        name, key = placed(fld, label, dims)
    if cell.strip() in _DASHES:
        return ParsedRate(mid, name, None, tier=key, status="not_offered", reason="page shows '-'")
    value, unit = _amount(cell, fld, f"{mid} {name} ({key})")
    return ParsedRate(mid, name, value, unit=unit, tier=key)


def _table_rates(table: Table, section: _Section, names: dict[str, str]) -> list[ParsedRate]:
    label = _label(table, section)
    model_col, cols = _columns(table, section)
    out: list[ParsedRate] = []
    for row in table.rows:
        if len(row) != len(table.header):
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid, dims = _model(row[model_col])
        names.setdefault(mid, mid)
        out.extend(_rate(mid, f, row[i], label, {**section.dims, **dims}) for i, f in cols)
    return out


def _merge_tab_independent(rates: Iterable[ParsedRate]) -> list[ParsedRate]:
    """Keep one copy of a price every tab repeats (training); refuse if the tabs disagree."""
    seen: dict[tuple[str, str, str], ParsedRate] = {}
    out: list[ParsedRate] = []
    for r in rates:
        key = (r.model, r.field, r.tier)
        if r.field not in _TAB_INDEPENDENT:
            out.append(r)
        elif key not in seen:
            seen[key] = r
            out.append(r)
        elif (seen[key].value, seen[key].unit) != (r.value, r.unit):
            raise ParseError(VENDOR, f"tabs disagree on {key}: {seen[key].value} vs {r.value}")
    return out


def _tables(body: bytes) -> list[Table]:
    if body.lstrip()[:1] == b"<":
        return list(html_tables(body))
    return list(tables(body.decode("utf-8")))


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    names: dict[str, str] = {}
    rates: list[ParsedRate] = []
    text_tables = 0
    for table in _tables(body):
        section = _section(table.headings)
        if section is None:
            continue
        text_tables += section.is_text
        rates.extend(_table_rates(table, section, names))
    if not text_tables:
        raise ParseError(
            VENDOR,
            f"no text token price table found in {url} "
            "(expected columns 'Model | Input | Cached input | Output')",
        )
    return parsed(VENDOR, _merge_tab_independent(rates), names)
