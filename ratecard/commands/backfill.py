"""`ratecard backfill`: seed history from an archive of dated captures, through the nightly pipeline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ratecard import safe
from ratecard.commands.common import (
    ConfigOpt,
    DbOpt,
    command_app,
    database_url,
    fail,
    settings,
    writes_storage,
)
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, EXIT_USAGE

if TYPE_CHECKING:
    from ratecard.outcome import RunReport

app = command_app()


def backfill_summary(reports: list[RunReport]) -> str:
    outcomes = [o for r in reports for o in r.outcomes]
    failed = sum(1 for o in outcomes if not o.ok)
    span = f" ({reports[0].day} .. {reports[-1].day})" if reports else ""
    return (
        f"backfilled {len(reports)} date(s){span}: {len(outcomes) - failed} vendor-days ok, {failed} failed"
    )


@app.command("backfill")
@writes_storage
def backfill(
    directory: Annotated[
        Path, typer.Argument(help="Archive folder: one folder per vendor of YYYY-MM-DD__name.ext files.")
    ],
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Only these vendor ids (repeatable).")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Import dated captures through the nightly pipeline, oldest date first.

    Each date is one real run (Scrapy against a local server on 127.0.0.1, offline), recorded
    with trigger "backfill". Folders that are not vendors and undated files are skipped.

    Exit codes: 0 every vendor ok on every date; 1 some vendor failed; 2 not an archive;
    75 another run holds the lock; 78 configuration error.
    """

    from ratecard.backfill import ArchiveError, survey
    from ratecard.backfill import backfill as run_backfill
    from ratecard.commands.run import report_run
    from ratecard.config.settings import ConfigError
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db
    from ratecard.locations import raw_dir
    from ratecard.lock import LockHeld
    from ratecard.logs import LogFormat
    from ratecard.pipeline import select_vendors

    cfg = settings(config)
    url = database_url(db)
    try:
        select_vendors(cfg, vendor)
        archive = survey(directory, cfg.vendors, vendor)
    except ConfigError as exc:
        raise fail(f"configuration error: {exc}", EXIT_CONFIG) from exc
    except ArchiveError as exc:
        raise fail(f"not an archive of captures: {exc}", EXIT_USAGE) from exc
    out = sys.stdout
    for line in archive.skipped:
        out.write(safe.visible(f"skipped {line}") + "\n")
    reports: list[RunReport] = []

    def progress(report: RunReport) -> None:
        reports.append(report)
        report_run(report, LogFormat.text)

    engine = open_db(url)
    try:
        run_backfill(engine, cfg, RawStore(raw_dir(url)), archive.captures, on_report=progress)
    except LockHeld as exc:
        raise fail(f"stopped: {exc}", EXIT_LOCKED) from exc
    finally:
        engine.dispose()
    out.write(safe.visible(backfill_summary(reports)) + "\n")
    raise typer.Exit(max((r.exit_code for r in reports), default=0))
