"""Rendering rows for people (rich tables) and programs (JSON arrays, CSV). Money stays exact text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from ratecard.snapshots.money import to_text


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


Row = Mapping[str, Any]


def plain(value: Any) -> Any:
    """JSON-ready value: Decimal as decimal string ("0.075"), dates as ISO text."""
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_json(rows: Sequence[Row] | Row) -> str:
    return json.dumps(plain(rows), indent=2, ensure_ascii=False)


def to_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return buf.getvalue()


def _cell(value: Any) -> str:
    v = plain(value)
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return str(v)


def table(rows: Sequence[Row], columns: Sequence[str], title: str | None = None) -> Table:
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, justify="right" if c in {"usd_per_mtok", "old", "new", "value"} else "left")
    for row in rows:
        t.add_row(*(_cell(row.get(c)) for c in columns))
    return t


def emit(
    console: Console,
    rows: Sequence[Row],
    fmt: Format,
    table_columns: Sequence[str],
    csv_columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print rows in the chosen format; JSON is always an array of objects."""
    if fmt is Format.json:
        console.file.write(to_json(rows) + "\n")
    elif fmt is Format.csv:
        console.file.write(to_csv(rows, csv_columns or table_columns))
    elif rows:
        console.print(table(rows, table_columns, title))
    else:
        console.print(f"[dim]no {title or 'rows'}[/dim]")
