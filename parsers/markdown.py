"""Markdown tables with the headings they sit under: the shape most docs pages reduce to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Table:
    """A markdown table: the headings above it (outermost first), its header and its rows."""

    headings: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    preface: str
    """Text between the nearest heading and the table (labels such as "Batch" live here)."""

    def column(self, *names: str) -> int | None:
        """Index of the first header cell whose lower-cased text contains one of ``names``."""
        for i, cell in enumerate(self.header):
            low = cell.lower()
            if any(n in low for n in names):
                return i
        return None


def clean_cell(text: str) -> str:
    """Plain text of a cell: links reduced to their label, tags dropped, escapes undone."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = text.replace("\\$", "$").replace("\\|", "|").replace("\\*", "*").replace("\\_", "_")
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


def tables(text: str) -> Iterator[Table]:
    """Every pipe table in ``text`` with its heading path and preface text."""
    lines = text.splitlines()
    stack: list[tuple[int, str]] = []
    preface: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        h = _HEADING.match(line)
        if h:
            level = len(h.group(1))
            stack = [s for s in stack if s[0] < level] + [(level, clean_cell(h.group(2)))]
            preface = []
            i += 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1].strip()):
            header = _cells(line)
            rows: list[tuple[str, ...]] = []
            j = i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                rows.append(_cells(lines[j]))
                j += 1
            yield Table(tuple(s[1] for s in stack), header, tuple(rows), " ".join(preface).strip())
            preface = []
            i = j
            continue
        if line.strip():
            preface.append(clean_cell(line))
        i += 1
