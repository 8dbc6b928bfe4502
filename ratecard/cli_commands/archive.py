"""`ratecard backfill` (seed history from an archive of captures) and `ratecard raw` (the raw store)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from ratecard.cli_commands.common import ConfigOpt, DbOpt, console, errors, settings
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, EXIT_USAGE

if TYPE_CHECKING:
    from ratecard.outcome import RunReport
    from ratecard.rawstats import RawStats, Verdict


class StatsFormat(StrEnum):
    table = "table"
    json = "json"


STAT_LABELS = {
    "fetch_rows": "fetch rows",
    "rows_with_body": "fetch rows with a body",
    "distinct_bodies": "distinct bodies (sha256)",
    "bytes_fetched": "bytes fetched (sum of sizes)",
    "files": "files in the raw store",
    "bytes_stored": "bytes stored (compressed, on disk)",
    "orphan_files": "orphan files (no fetch row)",
    "pruned_rows": "fetch rows whose body was pruned",
    "missing_rows": "fetch rows whose body is missing",
}


def backfill_summary(reports: list[RunReport]) -> str:
    outcomes = [o for r in reports for o in r.outcomes]
    failed = sum(1 for o in outcomes if not o.ok)
    span = f" ({reports[0].day} .. {reports[-1].day})" if reports else ""
    return (
        f"backfilled {len(reports)} date(s){span}: {len(outcomes) - failed} vendor-days ok, {failed} failed"
    )


def print_stats(found: RawStats, fmt: StatsFormat) -> None:
    from ratecard.output import table, to_json

    out = console()
    if fmt is StatsFormat.json:
        out.file.write(to_json(asdict(found)) + "\n")
        return
    rows = [{"measure": label, "value": getattr(found, key)} for key, label in STAT_LABELS.items()]
    out.print(table(rows, ["measure", "value"], title="raw store"))


def verdict_line(v: Verdict, dry_run: bool) -> str:
    f = v.newest
    where = f"{f.sha256} {f.vendor} {f.url} (last fetched {f.fetched_at:%Y-%m-%d}, {f.size} bytes)"
    if v.kept_because:
        return f"kept {where}: {'; '.join(v.kept_because)}"
    return f"{'would delete' if dry_run else 'deleted'} {where}: nothing cites it"


def register(app: typer.Typer) -> None:
    @app.command("backfill")
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
        from ratecard.cli_commands.run import report_run
        from ratecard.config.settings import ConfigError
        from ratecard.crawler.rawstore import RawStore
        from ratecard.db import open_db, raw_dir, resolve_url
        from ratecard.lock import LockHeld
        from ratecard.logs import LogFormat
        from ratecard.pipeline import select_vendors

        cfg = settings(config)
        try:
            select_vendors(cfg, vendor)
            archive = survey(directory, cfg.vendors, vendor)
        except ConfigError as exc:
            errors().print(f"[red]configuration error:[/red] {escape(str(exc))}")
            raise typer.Exit(EXIT_CONFIG) from exc
        except ArchiveError as exc:
            errors().print(f"[red]not an archive of captures:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from exc
        out = console()
        for line in archive.skipped:
            out.print(f"skipped {line}", markup=False, highlight=False)
        url = resolve_url(db)
        reports: list[RunReport] = []

        def progress(report: RunReport) -> None:
            reports.append(report)
            report_run(report, LogFormat.text)

        engine = open_db(url)
        try:
            run_backfill(engine, cfg, RawStore(raw_dir(url)), archive.captures, on_report=progress)
        except LockHeld as exc:
            errors().print(f"[yellow]stopped:[/yellow] {escape(str(exc))}")
            raise typer.Exit(EXIT_LOCKED) from exc
        finally:
            engine.dispose()
        out.print(backfill_summary(reports), markup=False, highlight=False)
        raise typer.Exit(max((r.exit_code for r in reports), default=0))

    raw = typer.Typer(help="The raw store of fetched bodies: stats and retention.", no_args_is_help=True)
    app.add_typer(raw, name="raw")

    @raw.command("stats")
    def raw_stats(
        fmt: Annotated[
            StatsFormat, typer.Option("--format", "-f", help="table or json.")
        ] = StatsFormat.table,
        db: DbOpt = None,
    ) -> None:
        """Bodies and bytes: fetched (fetch log) against stored (raw store), with orphans and gaps."""
        from ratecard.crawler.rawstore import RawStore
        from ratecard.db import open_db, raw_dir, resolve_url, session
        from ratecard.rawstats import stats

        url = resolve_url(db)
        engine = open_db(url)
        try:
            with session(engine) as s:
                found = stats(s, RawStore(raw_dir(url)))
        finally:
            engine.dispose()
        print_stats(found, fmt)

    @raw.command("prune")
    def raw_prune(
        older_than: Annotated[
            int,
            typer.Option(
                "--older-than",
                min=0,
                metavar="DAYS",
                help="Delete bodies last fetched more than DAYS days ago, unless something cites them.",
            ),
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Say what would go; delete nothing.")
        ] = False,
        db: DbOpt = None,
    ) -> None:
        """Delete old raw bodies that nothing cites; their fetch rows stay.

        Kept whatever their age: bodies cited by a rate span, a change or an anomaly, and the
        latest body of each (vendor, URL).
        """
        from ratecard.crawler.rawstore import RawStore
        from ratecard.db import open_db, raw_dir, resolve_url, session
        from ratecard.lock import LockHeld, run_lock
        from ratecard.rawstats import prune

        url = resolve_url(db)
        engine = open_db(url)
        cutoff = datetime.now(UTC) - timedelta(days=older_than)
        try:
            with nullcontext() if dry_run else run_lock(engine), session(engine) as s:
                verdicts = prune(s, RawStore(raw_dir(url)), cutoff, dry_run=dry_run)
        except LockHeld as exc:
            errors().print(f"[yellow]not pruned:[/yellow] {escape(str(exc))}")
            raise typer.Exit(EXIT_LOCKED) from exc
        finally:
            engine.dispose()
        out = console()
        old = [v for v in verdicts if v.newest.fetched_at < cutoff]
        for v in old:
            out.print(verdict_line(v, dry_run), markup=False, highlight=False)
        gone = [v for v in old if not v.kept_because]
        freed = sum(v.newest.size or 0 for v in gone)
        verb = "would delete" if dry_run else "deleted"
        out.print(
            f"{verb} {len(gone)} bod{'y' if len(gone) == 1 else 'ies'} ({freed} bytes fetched); "
            f"kept {len(old) - len(gone)} still needed and {len(verdicts) - len(old)} fetched in the last "
            f"{older_than} days",
            markup=False,
            highlight=False,
        )
