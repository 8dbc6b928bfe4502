"""`ratecard raw`: the raw store of fetched bodies — stats and retention."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ratecard import safe
from ratecard.commands.common import DbOpt, command_app, database_url, fail, writes_storage
from ratecard.outcome import EXIT_LOCKED

if TYPE_CHECKING:
    from ratecard.rawstats import RawStats, Verdict

app = command_app(
    name="raw", help="The raw store of fetched bodies: stats and retention.", no_args_is_help=True
)


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


def print_stats(found: RawStats, fmt: StatsFormat) -> None:
    from ratecard.output import to_json, write_table

    if fmt is StatsFormat.json:
        sys.stdout.write(to_json(asdict(found)) + "\n")
        return
    rows = [{"measure": label, "value": getattr(found, key)} for key, label in STAT_LABELS.items()]
    write_table(sys.stdout, rows, ["measure", "value"], title="raw store")


def verdict_line(v: Verdict, dry_run: bool) -> str:
    f = v.newest
    where = f"{f.sha256} {f.vendor} {f.url} (last fetched {f.fetched_at:%Y-%m-%d}, {f.size} bytes)"
    if v.kept_because:
        return f"kept {where}: {'; '.join(v.kept_because)}"
    return f"{'would delete' if dry_run else 'deleted'} {where}: nothing cites it"


@app.command("stats")
def raw_stats(
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="table or json.")] = StatsFormat.table,
    db: DbOpt = None,
) -> None:
    """Bodies and bytes: fetched (fetch log) against stored (raw store), with orphans and gaps."""
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db, session
    from ratecard.locations import raw_dir
    from ratecard.rawstats import stats

    url = database_url(db)
    engine = open_db(url)
    try:
        with session(engine) as s:
            found = stats(s, RawStore(raw_dir(url)))
    finally:
        engine.dispose()
    print_stats(found, fmt)


@app.command("prune")
@writes_storage
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
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would go; delete nothing.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete old raw bodies that nothing cites; their fetch rows stay.

    Kept whatever their age: bodies cited by a rate span, a change or an anomaly, and the
    latest body of each (vendor, URL).
    """
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db, session
    from ratecard.locations import raw_dir
    from ratecard.lock import LockHeld, run_lock
    from ratecard.rawstats import prune

    url = database_url(db)
    engine = open_db(url)
    cutoff = datetime.now(UTC) - timedelta(days=older_than)
    try:
        with nullcontext() if dry_run else run_lock(engine), session(engine) as s:
            verdicts = prune(s, RawStore(raw_dir(url)), cutoff, dry_run=dry_run)
    except LockHeld as exc:
        raise fail(f"not pruned: {exc}", EXIT_LOCKED) from exc
    finally:
        engine.dispose()
    out = sys.stdout
    old = [v for v in verdicts if v.newest.fetched_at < cutoff]
    for v in old:
        out.write(safe.visible(verdict_line(v, dry_run)) + "\n")
    gone = [v for v in old if not v.kept_because]
    freed = sum(v.newest.size or 0 for v in gone)
    verb = "would delete" if dry_run else "deleted"
    out.write(
        safe.visible(
            f"{verb} {len(gone)} bod{'y' if len(gone) == 1 else 'ies'} ({freed} bytes fetched); "
            f"kept {len(old) - len(gone)} still needed and {len(verdicts) - len(old)} fetched in the last "
            f"{older_than} days",
        )
        + "\n"
    )


@app.command("verify")
def raw_verify(
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="table or json.")] = StatsFormat.table,
    db: DbOpt = None,
) -> None:
    """Re-hash every stored body: list the ones missing or corrupt (a flipped byte, a truncation).

    Exit codes: 0 every body reads back exactly; 1 some are missing or corrupt (listed).
    """
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db, session
    from ratecard.locations import raw_dir
    from ratecard.output import to_json, write_table
    from ratecard.rawstats import verify

    url = database_url(db)
    engine = open_db(url)
    try:
        with session(engine) as s:
            checked, damaged = verify(s, RawStore(raw_dir(url)))
    finally:
        engine.dispose()
    rows = [asdict(d) for d in damaged]
    if fmt is StatsFormat.json:
        sys.stdout.write(to_json({"checked": checked, "damaged": rows}) + "\n")
    else:
        if rows:
            write_table(
                sys.stdout, rows, ["sha256", "problem", "vendor", "url", "fetched_at"], "damaged bodies"
            )
        sys.stdout.write(f"checked {checked} bodies: {len(damaged)} missing or corrupt\n")
    raise typer.Exit(1 if damaged else 0)
