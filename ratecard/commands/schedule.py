"""`ratecard schedule`: the nightly job in a long-running process, for hosts without cron."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ratecard.commands.common import ConfigOpt, DbOpt, command_app, database_url, writes_storage
from ratecard.commands.run import report_run
from ratecard.logs import LogFormat, complain, log_event, structured_logging
from ratecard.outcome import EXIT_CONFIG, EXIT_OK

app = command_app()


@app.command("schedule")
@writes_storage
def schedule(
    config: ConfigOpt = None,
    db: DbOpt = None,
    cron: Annotated[
        str | None,
        typer.Option("--cron", help="Crontab expression, in UTC (default: the config's schedule key)."),
    ] = None,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="text or json (JSON lines on stderr).")
    ] = LogFormat.text,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Run a date already verified for every vendor (replacing its snapshot, as run --force).",
        ),
    ] = False,
    now: Annotated[
        bool, typer.Option("--now", help="Also run once right away, then follow the schedule.")
    ] = False,
    misfire_grace: Annotated[
        int | None,
        typer.Option("--misfire-grace", min=1, help="Seconds late a missed firing may still start (1 h)."),
    ] = None,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, help="Exit after this many firings (for testing).")
    ] = None,
    exit_after: Annotated[
        float | None,
        typer.Option("--exit-after", min=0, help="Exit after this many seconds (for testing)."),
    ] = None,
) -> None:
    """Run the nightly job on a cron schedule (UTC) until SIGINT or SIGTERM.

    Each firing does what `ratecard run` does and shares its lock: if another run (cron, or another
    machine on the same PostgreSQL) holds it, the firing logs `locked` and skips. A date already
    verified for every vendor is skipped unless --force. Exit codes: 0 clean shutdown; 78
    configuration error.
    """
    from ratecard import schedule as sched
    from ratecard.config.settings import ConfigError, load
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db
    from ratecard.locations import raw_dir

    try:
        cfg = load(config)
        expression = cron or cfg.schedule
        trigger = sched.cron_trigger(expression)
    except ConfigError as exc:
        complain(log_format, "config_error", f"configuration error: {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc

    def log(event: str, /, **fields: object) -> None:
        log_event(log_format, event, **fields)

    url = database_url(db)
    engine = open_db(url)
    job = sched.NightlyJob(
        engine, cfg, RawStore(raw_dir(url)), log, lambda r: report_run(r, log_format), force
    )
    scheduler = sched.build_scheduler(job, trigger, misfire_grace or sched.MISFIRE_GRACE_SECONDS, now)
    try:
        with structured_logging(log_format), sched.stop_on_signals(sched.Stop()) as stop:
            with sched.running(scheduler):
                first = sched.next_run(scheduler)
                log(
                    "schedule_started",
                    cron=expression,
                    timezone="UTC",
                    next_run=first.isoformat() if first else None,
                    pid=os.getpid(),
                )
                reason = sched.wait(stop, job, max_runs, exit_after)
                log("stopping", reason=reason)
            log("shutdown", reason=reason, runs=job.fired)
    finally:
        engine.dispose()
    raise typer.Exit(EXIT_OK)
