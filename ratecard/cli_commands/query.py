"""Query commands: prices, history, changes, runs. They import neither Scrapy nor litellm."""

from __future__ import annotations

from typing import Annotated

import typer

from ratecard.cli_commands.common import (
    AsOfOpt,
    ConfigOpt,
    DbOpt,
    FormatOpt,
    VendorOpt,
    console,
    engine,
    known_vendor,
    parse_date,
    settings,
)
from ratecard.output import Format, emit


def register(app: typer.Typer) -> None:
    @app.command("prices")
    def prices(
        vendor: VendorOpt = None,
        model: Annotated[str | None, typer.Option("--model", help="Model id or part of it.")] = None,
        as_of: AsOfOpt = None,
        fmt: FormatOpt = Format.table,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Rates in force on a date, with status (verified / inferred / stale) and provenance."""
        from ratecard.db import session
        from ratecard.query import PRICE_COLUMNS, price_rows

        day = parse_date(as_of, "--as-of")
        cfg = settings(config)
        vendor = known_vendor(cfg, vendor)
        stale_after = {v.id: v.stale_after_days for v in cfg.vendors.values()}
        with session(engine(db)) as s:
            rows = price_rows(s, day, stale_after, vendor, model)
        cols = [
            "vendor",
            "model",
            "field",
            "tier",
            "value",
            "unit",
            "status",
            "since",
            "last_verified",
        ]
        emit(console(), rows, fmt, cols, PRICE_COLUMNS, title=f"rates as of {day}")

    @app.command("history")
    def history(
        model: Annotated[str, typer.Argument(help="Model id (exact, else substring).")],
        field: Annotated[str | None, typer.Option("--field", help="Only this field, e.g. input.")] = None,
        fmt: FormatOpt = Format.table,
        db: DbOpt = None,
    ) -> None:
        """Every value a model's rates have had, with the dates each held."""
        from ratecard.db import session
        from ratecard.query import history_rows

        with session(engine(db)) as s:
            rows = history_rows(s, model, field)
        cols = ["vendor", "model", "field", "tier", "value", "unit", "status", "from", "to"]
        emit(
            console(),
            rows,
            fmt,
            cols,
            [*cols, "usd_per_mtok", "reason", "source_url", "fetch_sha256", "run_id"],
            title="history",
        )

    @app.command("changes")
    def changes(
        since: Annotated[
            str | None, typer.Option("--since", help="Only changes on or after YYYY-MM-DD.")
        ] = None,
        vendor: VendorOpt = None,
        model: Annotated[str | None, typer.Option("--model", help="Only this model id.")] = None,
        include_superseded: Annotated[
            bool,
            typer.Option("--include-superseded", help="Also rows a reparse found were parser artefacts."),
        ] = False,
        fmt: FormatOpt = Format.table,
        db: DbOpt = None,
    ) -> None:
        """The audit changelog: every difference between consecutive snapshots, and corrections."""
        from ratecard.db import session
        from ratecard.query import CHANGE_COLUMNS, change_rows

        day = parse_date(since, "--since") if since else None
        with session(engine(db)) as s:
            rows = change_rows(s, day, vendor, model, include_superseded=include_superseded)
        cols = ["date", "vendor", "model", "field", "tier", "kind", "old", "new", "run_id"]
        emit(console(), rows, fmt, cols, CHANGE_COLUMNS, title="changes")

    @app.command("runs")
    def runs(
        limit: Annotated[int | None, typer.Option("--limit", help="Only the latest N runs.")] = None,
        fmt: FormatOpt = Format.table,
        db: DbOpt = None,
    ) -> None:
        """Runs with their per-vendor outcome and exit code, newest first."""
        from ratecard.db import session
        from ratecard.query import run_rows

        with session(engine(db)) as s:
            rows = run_rows(s, limit)
        cols = ["run_id", "date", "trigger", "exit_code", "started_at", "summary"]
        emit(console(), rows, fmt, cols, cols, title="runs")
