"""`ratecard run`: the nightly job for cron, and the one-line-per-vendor report every run prints."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import typer

from ratecard import safe
from ratecard.captures import latest_day
from ratecard.commands.common import (
    ConfigOpt,
    DbOpt,
    command_app,
    database_url,
    fail,
    parse_date,
    writes_storage,
)
from ratecard.logs import LogFormat, complain, log_event, structured_logging
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, RunReport, VendorOutcome


def summary_line(o: VendorOutcome) -> str:
    if o.ok:
        line = f"{o.vendor}: ok, {o.models} models, {o.rates} rates, {o.changes} changes"
        return f"{line} ({o.message})" if o.message else line
    return f"{o.vendor}: FAILED: {o.message}"


def report_run(report: RunReport, fmt: LogFormat) -> None:
    """One line per vendor on stdout (escaped: messages quote pages), and a log event each."""
    for o in report.outcomes:
        sys.stdout.write(safe.message(f"{report.day} {summary_line(o)}", 1000) + "\n")
        log_event(
            fmt,
            "vendor",
            run_id=report.run_id,
            date=report.day,
            vendor=o.vendor,
            ok=o.ok,
            message=o.message,
            models=o.models,
            rates=o.rates,
            changes=o.changes,
        )
    for w in report.warnings:
        sys.stdout.write(safe.visible(f"{report.day} {w}") + "\n")
        log_event(fmt, "registry", run_id=report.run_id, message=w)
    log_event(fmt, "run_finished", run_id=report.run_id, date=report.day, exit_code=report.exit_code)


app = command_app()


@app.command("run")
@writes_storage
def run(
    date: Annotated[
        str | None,
        typer.Option("--date", help="Snapshot date YYYY-MM-DD (default: today, UTC)."),
    ] = None,
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Only these vendor ids (repeatable).")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="text or json (JSON lines on stderr).")
    ] = LogFormat.text,
    registry: Annotated[
        list[str] | None,
        typer.Option("--registry", help="Registry FILE or URL to cross-check against (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the snapshot of a day already verified.")
    ] = False,
) -> None:
    """Crawl, parse, verify and store a day's rates (the cron job).

    Idempotent per day: a second run re-verifies and writes nothing twice; if the pages changed
    since the day was verified, the vendor fails unless --force.

    Exit codes: 0 every vendor ok; 1 some vendor failed (the others landed); 75 another run
    holds the lock (nothing touched); 78 configuration error.
    """
    from ratecard.config.settings import ConfigError, load
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db
    from ratecard.locations import raw_dir
    from ratecard.lock import LockHeld
    from ratecard.pipeline import run_day

    day = parse_date(date, "--date")
    if day > latest_day():
        raise fail(
            f"--date {day} is in the future (after {latest_day()}): a run records what pages say now", 2
        )
    url = database_url(db)
    engine = None
    try:
        cfg = load(config)
        if registry:
            cfg = replace(cfg, registries=tuple(registry))
        engine = open_db(url)
        with structured_logging(log_format):
            report = run_day(engine, cfg, RawStore(raw_dir(url)), day, vendor, "run", force)
    except LockHeld as exc:
        complain(log_format, "locked", f"not started: {exc}")
        raise typer.Exit(EXIT_LOCKED) from exc
    except ConfigError as exc:
        complain(log_format, "config_error", f"configuration error: {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc
    finally:
        if engine is not None:
            engine.dispose()
    report_run(report, log_format)
    for o in report.outcomes:
        if not o.ok and log_format is LogFormat.text:
            sys.stderr.write(safe.message(f"{o.vendor} failed: {o.message}", 1000) + "\n")
    raise typer.Exit(report.exit_code)
