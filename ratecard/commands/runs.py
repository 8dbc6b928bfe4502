"""`ratecard runs`: what each run did."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ratecard.commands.common import DbOpt, FormatOpt, command_app, reader
from ratecard.output import Format, emit

app = command_app()


@app.command("runs")
def runs(
    limit: Annotated[int | None, typer.Option("--limit", help="Only the latest N runs.")] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Runs with their per-vendor outcome and exit code, newest first."""
    from ratecard import readmodel
    from ratecard.rows import RunRow

    with reader(db) as r:
        rows = readmodel.run_rows(r, limit)
    emit(sys.stdout, rows, fmt, RunRow, title="runs")
