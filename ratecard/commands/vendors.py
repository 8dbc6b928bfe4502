"""`ratecard vendors`: each configured vendor's health at a glance."""

from __future__ import annotations

import sys

from ratecard.commands.common import (
    AsOfOpt,
    ConfigOpt,
    DbOpt,
    FormatOpt,
    command_app,
    parse_date,
    reader,
    settings,
)
from ratecard.output import Format, emit

app = command_app()


@app.command("vendors")
def vendors(
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Each configured vendor: last verified day and days since, the source it was read from, models
    and rates in force, the last failure and its message, and any alternative source failing."""
    from ratecard import readmodel
    from ratecard.rows import VendorRow

    day = parse_date(as_of, "--as-of")
    cfg = settings(config)
    with reader(db) as r:
        rows = readmodel.vendors(r, day, cfg.vendors, cfg.stale_after)
    emit(sys.stdout, rows, fmt, VendorRow, title=f"vendors as of {day}")
