"""`ratecard prices`: the rates in force on a date."""

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
    settings,
    unknown_model,
)
from ratecard.output import Format, emit

app = command_app()


@app.command("prices")
def prices(
    vendor: VendorsOpt = None,
    model: Annotated[str | None, typer.Option("--model", help="Model id or part of it.")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Rates in force on a date: value and unit, status (verified, inferred, disputed, not offered),
    freshness (stale, age in days) and provenance (page, capture, sha256)."""
    from ratecard import readmodel
    from ratecard.rows import PriceRow

    day = parse_date(as_of, "--as-of")
    cfg = settings(config)
    vendors = known_vendors(cfg, vendor)
    with reader(db) as r:
        rows = readmodel.prices(r, day, cfg.stale_after, vendors, model)
        if model and not rows:
            unknown_model(r, cfg, vendors, model)  # a typo is not a date without rates
    emit(sys.stdout, rows, fmt, PriceRow, title=f"rates as of {day}", csv_raw=csv_raw)
