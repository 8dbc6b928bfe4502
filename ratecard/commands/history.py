"""`ratecard history`: every value a model's rates have had."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ratecard.commands.common import (
    AsOfOpt,
    ConfigOpt,
    CsvRawOpt,
    DbOpt,
    FormatOpt,
    VendorsOpt,
    command_app,
    known_vendors,
    parse_date,
    reader,
    resolve_model,
    settings,
)
from ratecard.output import Format, emit

app = command_app()


@app.command("history")
def history(
    model: Annotated[
        str,
        typer.Argument(
            help="Model: vendor/id, an exact id, a configured alias or a unique suffix (sonnet-4-5)."
        ),
    ],
    field: Annotated[str | None, typer.Option("--field", help="Only this field, e.g. input.")] = None,
    vendor: VendorsOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Every value a model's rates have had, with the dates each held (as known on --as-of)."""
    from ratecard import readmodel
    from ratecard.rows import HistoryRow

    cfg = settings(config)
    vendors = known_vendors(cfg, vendor)
    day = parse_date(as_of, "--as-of") if as_of else None
    with reader(db) as r:
        found = resolve_model(r, cfg, vendors, model)
        rows = readmodel.history(r, found.model, [found.vendor], field, day)
    title = f"history of {found.ref}" + (f" as known on {day}" if day else "")
    emit(sys.stdout, rows, fmt, HistoryRow, title=title, csv_raw=csv_raw)
