"""Markdown tables with the headings they sit under: the shape most docs pages reduce to.

Besides :func:`tables`, the readers here undo what HTML-to-markdown converters do to tables, so
that vendor parsers read each shape once, by meaning:

- :func:`blocks` walks a page in document order (headings, text lines, tables), for pages whose
  tables are attributed by text between them (a model id under a heading, a note under a table);
- :func:`grouped_header` rejoins a two-row header (``Short context`` over ``Input``...);
- :func:`spanned_rows` restores the cells a ``rowspan`` held (``| Text | $4.00 |`` under a model);
- :func:`subtables` splits a table that a converter glued from several, each with its own header;
- :func:`amounts` splits one cell that holds several prices (``$0.20$0.50``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
_AMOUNT_START = re.compile(r"[$€£¥￥]\s*\d")
#: Words after which a second amount restates or continues the first (``$3.00 or $0.005/min``).
_CONNECTORS = frozenset({"or", "to", "then", "and", "at", "from"})


@dataclass(frozen=True, slots=True)
class Table:
    """A markdown table: the headings above it (outermost first), its header and its rows."""

    headings: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    preface: str
    """Text between the nearest heading and the table (labels such as "Batch" live here)."""
    preface_lines: tuple[str, ...] = ()
    """The same text line by line: a bare label line is told apart from prose ending in a word."""

    def column(self, *names: str) -> int | None:
        """Index of the first header cell whose lower-cased text contains one of ``names``."""
        for i, cell in enumerate(self.header):
            low = cell.lower()
            if any(n in low for n in names):
                return i
        return None


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line, its level (1 for ``#``) and its text."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """One non-blank line of text outside tables, cleaned like a cell."""

    text: str


Block = Heading | Text | Table


def clean_cell(text: str) -> str:
    """Plain text of a cell: links reduced to their label, tags dropped, escapes undone."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = text.replace("\\$", "$").replace("\\|", "|").replace("\\*", "*").replace("\\_", "_")
    text = text.replace("\\<", "<").replace("\\>", ">").replace("\\[", "[").replace("\\]", "]")
    text = text.replace("**", "").replace("`", "")
    return " ".join(text.split())


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    parts = re.split(r"(?<!\\)\|", inner)
    return tuple(clean_cell(p) for p in parts)


def _lines(text: str) -> list[str]:
    """Lines split at newlines only: a stray U+0085 or U+2028 (mojibake) is not a line break."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _is_row(lines: list[str], i: int) -> bool:
    return lines[i].lstrip().startswith("|")


def _title(lines: list[str], i: int) -> int | None:
    """Index of the bare line that titles an empty heading at ``i - 1``: the docs ``.md`` export
    writes ``### `` and the section title on a line of its own."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or _HEADING.match(lines[j]) or _is_row(lines, j):
        return None
    return j if not lines[j].lstrip().startswith(("-", "*", ">")) else None


def blocks(text: str, *, title_empty_headings: bool = False) -> Iterator[Block]:
    """Headings, text lines and tables of ``text`` in document order.

    With ``title_empty_headings`` an empty heading (``### ``) takes the next bare line as its
    text; otherwise it stays empty (pages that write prose there keep it as text).
    """
    lines = _lines(text)
    stack: list[tuple[int, str]] = []
    preface: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        h = _HEADING.match(line)
        if h:
            level, title = len(h.group(1)), clean_cell(h.group(2))
            i += 1
            found = _title(lines, i) if title_empty_headings and not title else None
            if found is not None:
                title, i = clean_cell(lines[found]), found + 1
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            preface = []
            yield Heading(level, title)
            continue
        if _is_row(lines, i) and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1].strip()):
            header = _cells(line)
            rows: list[tuple[str, ...]] = []
            j = i + 2
            while j < len(lines) and _is_row(lines, j):
                rows.append(_cells(lines[j]))
                j += 1
            text_before = " ".join(preface).strip()
            yield Table(tuple(s[1] for s in stack), header, tuple(rows), text_before, tuple(preface))
            preface = []
            i = j
            continue
        if line.strip():
            cleaned = clean_cell(line)
            preface.append(cleaned)
            yield Text(cleaned)
        i += 1


def tables(text: str, *, title_empty_headings: bool = False) -> Iterator[Table]:
    """Every pipe table in ``text`` with its heading path and preface text."""
    for block in blocks(text, title_empty_headings=title_empty_headings):
        if isinstance(block, Table):
            yield block


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def grouped_header(table: Table, first: str) -> Table:
    """Rejoin a two-row header whose column names sit in the first row, under a group row.

    Converters keep the group row (``| | Short context | | | Long context | | |``, or compacted
    to ``| | Short context | Long context |``) as the header and push the names (``| Model |
    Input | ... |``) into the first row. Each column becomes ``<group> <name>``
    (``Short context Input``); the first column must read ``first``. A group row with blanks
    spans rightwards, as ``colspan`` did; a compacted one only when every group holds the same
    names, so each column's group is certain. Any other table is returned unchanged.
    """
    if _plain(first) in (_plain(h) for h in table.header):
        return table
    if not table.rows or _plain(table.rows[0][0]) != _plain(first) or table.header[0].strip():
        return table
    groups, names = list(table.header[1:]), list(table.rows[0][1:])
    if not groups or not groups[0].strip():
        return table
    if len(groups) == len(names):
        for k in range(1, len(groups)):
            groups[k] = groups[k] or groups[k - 1]
    elif len(names) % len(groups) == 0:
        size = len(names) // len(groups)
        blocks_ = [names[k * size : (k + 1) * size] for k in range(len(groups))]
        if any(b != blocks_[0] for b in blocks_):
            return table
        groups = [g for g in groups for _ in range(size)]
    else:
        return table
    header = (table.rows[0][0], *(f"{g} {n}" for g, n in zip(groups, names, strict=True)))
    return replace(table, header=header, rows=table.rows[1:])


def spanned_rows(table: Table) -> Table:
    """Rows with fewer cells than the header, filled from the row above.

    HTML-to-markdown converters drop a ``rowspan`` cell from the rows it spans: under a model
    row ``| gpt-realtime-2 | Audio | $32.00 | ...`` the next row reads ``| Text | $4.00 | ...``.
    The missing cells are the leading ones, so they are taken from the previous full row. A
    short first row has nothing to inherit and is kept as it is (the caller refuses it).
    """
    width = len(table.header)
    out: list[tuple[str, ...]] = []
    for row in table.rows:
        if 0 < len(row) < width and out:
            row = out[-1][: width - len(row)] + row
        out.append(row)
    return replace(table, rows=tuple(out))


def subtables(table: Table) -> list[Table]:
    """A table split where a converter glued several into one.

    A row repeating the header's first cell (``| Model | Quality | 1024 x 1792 | ...``) starts a
    new table with that row as its header; blank rows separate them. Rows after a blank row
    with no header row of their own get an empty header: their columns are unknown, and the
    caller must not read them with the first table's header.
    """
    key = _plain(table.header[0]) if table.header else ""
    parts: list[Table] = []
    header: tuple[str, ...] = table.header
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        if not any(c.strip() for c in row):
            if rows or header:
                parts.append(replace(table, header=header, rows=tuple(rows)))
            header, rows = (), []
        elif key and _plain(row[0]) == key:
            if rows:
                parts.append(replace(table, header=header, rows=tuple(rows)))
            header, rows = row, []
        else:
            rows.append(row)
    if rows:
        parts.append(replace(table, header=header, rows=tuple(rows)))
    return [p for p in parts if p.rows]


def amounts(cell: str) -> list[str]:
    """The prices of one cell, each with the words that follow it up to the next price.

    ``$0.20$0.50`` -> ``["$0.20", "$0.50"]``; ``$2.00, prompts <= 200k tokens $4.00, prompts >
    200k`` -> two runs. Text before the first amount stays with it (``then $35 / 1,000``). An
    amount after a connector (``or``, ``to``, ``then``...) or an opening parenthesis
    (``$0.05 / min ($3.00 / hr)``) restates or continues the run before it rather than starting
    a price of its own. A cell without an amount is one run.
    """
    starts = [m.start() for m in _AMOUNT_START.finditer(cell)]
    cuts = [0]
    for s in starts[1:]:
        before = cell[cuts[-1] : s].rstrip()
        words = before.split()
        restates = before.endswith("(") or (words and words[-1].lower().strip("(,") in _CONNECTORS)
        if s > cuts[-1] and not restates:
            cuts.append(s)
    runs = [cell[a:b] for a, b in zip(cuts, [*cuts[1:], len(cell)], strict=True)]
    return [r.strip().rstrip(",;").strip() for r in runs if r.strip()]
