"""`ratecard changes`: the audit changelog."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ratecard.commands.common import CsvRawOpt, DbOpt, FormatOpt, VendorOpt, command_app, parse_date, reader
from ratecard.output import Format, emit

app = command_app()


@app.command("changes")
def changes(
    since: Annotated[str | None, typer.Option("--since", help="Only changes on or after YYYY-MM-DD.")] = None,
    vendor: VendorOpt = None,
    model: Annotated[str | None, typer.Option("--model", help="Only this model id.")] = None,
    include_superseded: Annotated[
        bool,
        typer.Option("--include-superseded", help="Also rows a reparse found were parser artefacts."),
    ] = False,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
) -> None:
    """The audit changelog: every difference between consecutive snapshots, and corrections."""
    from ratecard import readmodel
    from ratecard.rows import ChangeRow

    day = parse_date(since, "--since") if since else None
    with reader(db) as r:
        rows = readmodel.changes(
            r, day, [vendor] if vendor else None, model, include_superseded=include_superseded
        )
    emit(sys.stdout, rows, fmt, ChangeRow, title="changes", csv_raw=csv_raw)
