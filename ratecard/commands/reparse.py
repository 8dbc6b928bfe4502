"""`ratecard reparse`: repair history from the raw store with today's parsers (no network)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer
from rich.markup import escape

from ratecard.commands.common import (
    ConfigOpt,
    DbOpt,
    command_app,
    console,
    database_url,
    errors,
    parse_date,
    settings,
    writes_storage,
)
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, EXIT_VENDOR_FAILED


def day_range(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


app = command_app()


@app.command("reparse")
@writes_storage
def reparse(
    on: Annotated[str | None, typer.Option("--date", help="Re-parse this day.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day of a range.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of a range (default: today).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every day with stored bodies.")] = False,
    vendor: Annotated[list[str] | None, typer.Option("--vendor", help="Only these vendors.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Re-run parse -> derive -> snapshot -> changelog from stored raw bodies with today's parsers.

    Differences from what was stored are recorded as corrections; changelog rows an earlier
    parser produced are marked superseded (see `ratecard changes --include-superseded`).
    """
    from ratecard.config.settings import ConfigError
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db
    from ratecard.locations import raw_dir
    from ratecard.lock import LockHeld
    from ratecard.pipeline import select_vendors
    from ratecard.reparse import reparse as run_reparse

    chosen = sum(x is not None for x in (on, start)) + every
    if chosen != 1:
        errors().print("give exactly one of --date D, --from D1 [--to D2], or --all")
        raise typer.Exit(EXIT_USAGE)
    days: set[date] | None = None
    if on is not None:
        days = {parse_date(on, "--date")}
    elif start is not None:
        first, last = parse_date(start, "--from"), parse_date(end, "--to")
        if last < first:
            errors().print(f"--to {last} is before --from {first}")
            raise typer.Exit(EXIT_USAGE)
        days = day_range(first, last)
    cfg = settings(config)
    try:
        vendors = select_vendors(cfg, vendor)
    except ConfigError as exc:
        errors().print(f"configuration error: {exc}", markup=False)
        raise typer.Exit(EXIT_CONFIG) from exc
    url = database_url(db)
    try:
        run_id, results = run_reparse(open_db(url), cfg, RawStore(raw_dir(url)), days, vendors)
    except LockHeld as exc:
        errors().print(f"[yellow]not started:[/yellow] {escape(str(exc))}")
        raise typer.Exit(EXIT_LOCKED) from exc
    out = console()
    if not any(r.days or r.failures for r in results):
        out.print("nothing to re-parse: no stored pages for those days and vendors", markup=False)
    for r in results:
        if not r.days and not r.failures:
            continue
        span = f"{r.days[0]}..{r.days[-1]}" if r.days else "no day"
        out.print(
            f"{r.vendor}: re-parsed {len(r.days)} day(s) ({span}): {r.corrections} correction(s), "
            f"{r.superseded} change row(s) superseded, {r.found} change(s) found that were missing "
            f"(run #{run_id})",
            markup=False,
            highlight=False,
        )
        for f in r.failures:
            errors().print(f"{r.vendor} failed: {f}", markup=False, highlight=False)
    raise typer.Exit(EXIT_VENDOR_FAILED if any(r.failures for r in results) else EXIT_OK)
