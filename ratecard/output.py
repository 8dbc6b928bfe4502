"""Rendering typed rows for people (tables) and programs (JSON arrays, CSV). Money stays exact text.

Every cell of a table goes through :func:`ratecard.safe.visible` and is never read as markup; CSV
cells are neutralised against formula injection (:func:`ratecard.safe.csv_cell`). When stdout is
not a terminal, tables are plain aligned text: as fast as JSON, and still readable in a pipe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any

from ratecard import safe
from ratecard.money import to_text
from ratecard.rows import columns, record


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


Row = Mapping[str, Any]
_RIGHT = {"usd_per_mtok", "old", "new", "value", "ours", "registry", "rel_diff", "usd", "tokens", "quantity"}


def plain(value: Any) -> Any:
    """JSON-ready value: Decimal as decimal string ("0.075"), dates as ISO text, rows as objects."""
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if callable(getattr(value, "to_record", None)):  # a value that says how it is written (a Quote)
        return plain(value.to_record())
    if hasattr(value, "__dataclass_fields__"):
        return plain(record(value))
    return value


def to_json(rows: Any) -> str:
    return json.dumps(plain(rows), indent=2, ensure_ascii=False)


def cell(value: Any) -> str:
    """Text of one cell (lists joined by ``;``), before any escaping."""
    v = plain(value)
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return str(v)


def to_csv(rows: Sequence[Any], names: Sequence[str], raw: bool = False) -> str:
    """RFC 4180 CSV (CRLF rows, so a CR or LF inside a cell is quoted); text cells neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        values = _as_dict(row)
        writer.writerow([_csv_value(values.get(n), raw) for n in names])
    return buf.getvalue()


def _csv_value(value: Any, raw: bool) -> str:
    """Text from a page or API is neutralised; our own numbers and dates are written as they are."""
    return safe.csv_cell(value, raw) if isinstance(value, str) else cell(value)


def _as_dict(row: Any) -> Mapping[str, Any]:
    return row if isinstance(row, Mapping) else record(row)


def text_table(rows: Sequence[Any], names: Sequence[str], title: str | None = None) -> str:
    """Plain aligned columns: a header, a rule, one line per row; numbers right-aligned.

    Each row is turned into a dict once and escaped in one pass (a row without control
    characters, nearly all of them, is left as it is), so a table costs about what JSON does."""
    grid = [_cells(_as_dict(r), names) for r in rows]
    widths = [max([len(n), *(len(line[i]) for line in grid)]) for i, n in enumerate(names)]
    right = [n in _RIGHT for n in names]

    def line(cells: Sequence[str]) -> str:
        fit = zip(cells, widths, right, strict=True)
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in fit).rstrip()

    head = [f"{title}"] if title else []
    return "\n".join([*head, line(names), line(["-" * w for w in widths]), *(line(g) for g in grid)]) + "\n"


def _cells(values: Mapping[str, Any], names: Sequence[str]) -> list[str]:
    cells = [cell(values.get(n)) for n in names]
    joined = "".join(cells)
    return cells if safe.visible(joined) == joined else [safe.visible(c) for c in cells]


def rich_table(rows: Sequence[Any], names: Sequence[str], title: str | None = None) -> Any:
    """The same table for a terminal, drawn by rich; cells are Text, never markup."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for n in names:
        t.add_column(n, justify="right" if n in _RIGHT else "left")
    for r in rows:
        values = _as_dict(r)
        t.add_row(*(Text(safe.visible(cell(values.get(n)))) for n in names))
    return t


def table(rows: Sequence[Any], names: Sequence[str], title: str | None = None) -> Any:
    """A renderable for ``console().print``: kept for callers that print one table among text."""
    return rich_table(rows, names, title)


def write_table(out: IO[str], rows: Sequence[Any], names: Sequence[str], title: str | None = None) -> None:
    """A table on ``out``: drawn by rich on a terminal, plain aligned text otherwise."""
    if out.isatty():
        from rich.console import Console

        Console(file=out, soft_wrap=True).print(rich_table(rows, names, title))
    else:
        out.write(text_table(rows, names, title))


def emit(
    out: IO[str],
    rows: Sequence[Any],
    fmt: Format,
    row_type: type | None = None,
    title: str | None = None,
    csv_raw: bool = False,
) -> None:
    """Print typed rows in the chosen format; JSON is always an array of objects."""
    if fmt is Format.json:
        out.write(to_json(list(rows)) + "\n")
        return
    kind = row_type or (type(rows[0]) if rows else None)
    if fmt is Format.csv:
        out.write(to_csv(rows, columns(kind) if kind else [], csv_raw))
    elif rows and kind is not None:
        write_table(out, rows, columns(kind, table=True), title)
    else:
        out.write(f"no {title or 'rows'}\n")
