"""HTML tables read into the same :class:`~ratecard.parsers.markdown.Table` shape as markdown.

Parsers then find columns by header text whatever format the page was captured in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from ratecard.parsers.markdown import Table

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LEADING_COMMENTS = re.compile(rb"^\s*(?:<!--.*?-->\s*)*", re.DOTALL)
_DOCUMENT = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_FIRST_TAG = re.compile(rb"<\s*([a-z][a-z0-9]*)", re.IGNORECASE)
#: Tags markdown pages carry inline (``<br />`` between paragraphs): they do not make a page HTML.
_INLINE = frozenset({b"br", b"img", b"a", b"span", b"sup", b"sub", b"b", b"i", b"em", b"strong", b"code"})


def is_html(body: bytes) -> bool:
    """Whether a fetched body is markup rather than markdown with some tags in it: it declares a
    document (``<html>``, ``<!DOCTYPE html>``), or opens, past comments, with a block tag. A
    markdown mirror starting ``<!-- source: ... -->`` or ``<br />`` is markdown."""
    start = _LEADING_COMMENTS.match(body)
    rest = body[start.end() if start else 0 :]
    if _DOCUMENT.search(rest[:4096]):
        return True
    tag = _FIRST_TAG.match(rest)
    return tag is not None and tag.group(1).lower() not in _INLINE


def cell_lines(cell: Tag) -> list[str]:
    """The text of ``cell`` split at ``<br>``: one entry per visible line, whitespace collapsed."""
    parts: list[list[str]] = [[]]
    for node in cell.descendants:
        if isinstance(node, Tag) and node.name == "br":
            parts.append([])
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts[-1].append(str(node))
    lines = (" ".join("".join(p).split()) for p in parts)
    return [line for line in lines if line]


def cell_text(cell: Tag) -> str:
    """All text of ``cell`` on one line."""
    return " ".join(cell_lines(cell))


def _span(cell: Tag, attr: str) -> int:
    """A cell's ``rowspan``/``colspan`` (lxml lower-cases ``rowSpan``); 1 when absent or junk."""
    raw = cell.get(attr)
    try:
        return max(1, int(str(raw))) if raw is not None else 1
    except ValueError:
        return 1


def _grid(rows: list[Tag]) -> list[tuple[str, ...]]:
    """Cell texts row by row, with ``rowspan``/``colspan`` cells repeated where they span."""
    pending: dict[tuple[int, int], str] = {}
    out: list[tuple[str, ...]] = []
    for r, tr in enumerate(rows):
        row: dict[int, str] = {}
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in pending:
                row[col] = pending.pop((r, col))
                col += 1
            text = cell_text(cell)
            for dr in range(_span(cell, "rowspan")):
                for dc in range(_span(cell, "colspan")):
                    if dr == 0:
                        row[col + dc] = text
                    else:
                        pending[(r + dr, col + dc)] = text
            col += _span(cell, "colspan")
        for pr, pc in list(pending):
            if pr == r:
                row[pc] = pending.pop((pr, pc))
        out.append(tuple(row[i] for i in sorted(row)))
    return out


def _heading_path(table: Tag) -> tuple[tuple[str, str], ...]:
    """(text, id) of the headings a table sits under, outermost first."""
    path: list[tuple[str, str]] = []
    level = 7
    for h in table.find_all_previous(_HEADINGS):
        hl = int(h.name[1])
        if hl < level:
            path.append((cell_text(h), str(h.get("id") or "")))
            level = hl
    return tuple(reversed(path))


def _header(grid: list[tuple[str, ...]], n_head: int) -> tuple[str, ...]:
    """One name per column: a grouped header (``Short context`` over ``Input``) is joined into
    ``Short context Input``, so repeated sub-columns keep the group that tells them apart."""
    rows = grid[:n_head]
    width = max(len(r) for r in rows)
    names: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for row in rows:
            text = row[col] if col < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        names.append(" ".join(parts))
    return tuple(names)


@dataclass(frozen=True, slots=True)
class HtmlTable:
    """A rendered table with what only the HTML knows: heading anchors and the element itself."""

    table: Table
    heading_ids: tuple[str, ...]
    """``id`` of each heading in ``table.headings`` ("" where it has none): anchors outlive
    wording changes (OpenAI's ``text-tokens`` heading now reads "Flagship models")."""
    element: Tag


def html_tables(body: bytes) -> Iterator[HtmlTable]:
    """Every ``<table>`` of an HTML document (script text is not markup, so never a table)."""
    soup = BeautifulSoup(body, "lxml")
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        if not rows:
            continue
        head = table.find("thead")
        head_rows = head.find_all("tr") if isinstance(head, Tag) else []
        grid = _grid(rows)
        n_head = len(head_rows) if head_rows else 1
        path = _heading_path(table)
        yield HtmlTable(
            table=Table(
                headings=tuple(text for text, _ in path),
                header=_header(grid, n_head),
                rows=tuple(grid[n_head:]),
                preface="",
            ),
            heading_ids=tuple(anchor for _, anchor in path),
            element=table,
        )
