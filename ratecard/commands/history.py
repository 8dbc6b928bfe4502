"""`ratecard history`: every value a model's rates have had."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ratecard.commands.common import CsvRawOpt, DbOpt, FormatOpt, command_app, reader
from ratecard.output import Format, emit

app = command_app()


@app.command("history")
def history(
    model: Annotated[str, typer.Argument(help="Model id (exact, else substring).")],
    field: Annotated[str | None, typer.Option("--field", help="Only this field, e.g. input.")] = None,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
) -> None:
    """Every value a model's rates have had, with the dates each held."""
    from ratecard import readmodel
    from ratecard.rows import HistoryRow

    with reader(db) as r:
        rows = readmodel.history(r, model, field=field)
    emit(sys.stdout, rows, fmt, HistoryRow, title="history", csv_raw=csv_raw)
