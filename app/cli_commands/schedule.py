"""`ratecard schedule`: the nightly job in a long-running process, for hosts without cron."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer
from ratecard.cli_commands.common import ConfigOpt, DbOpt, errors, settings
from ratecard.cli_commands.run import LogFormat, log_event, report_run
from ratecard.outcome import EXIT_CONFIG, EXIT_OK


class JsonLines(logging.Formatter):
    """Library log records (Scrapy, APScheduler) as JSON lines, so stderr stays machine-readable."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "event": "log",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


@contextmanager
def structured_logging(fmt: LogFormat) -> Iterator[None]:
    """ratecard's own events at INFO, everyone else's warnings, all on stderr in ``fmt``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines()
        if fmt is LogFormat.json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root, ours = logging.getLogger(), logging.getLogger("ratecard")
    level = ours.level
    root.addHandler(handler)
    ours.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)


def register(app: typer.Typer) -> None:
    @app.command("schedule")
    def schedule(
        config: ConfigOpt = None,
        db: DbOpt = None,
        cron: Annotated[
            str | None,
            typer.Option(
                "--cron", help='Crontab expression in UTC (default: [settings] schedule, "0 3 * * *").'
            ),
        ] = None,
        log_format: Annotated[
            LogFormat, typer.Option("--log-format", help="text or json (JSON lines on stderr).")
        ] = LogFormat.text,
        force: Annotated[
            bool, typer.Option("--force", help="Re-verify a date that already succeeded for every vendor.")
        ] = False,
        now: Annotated[
            bool, typer.Option("--now", help="Also run once right away, then follow the schedule.")
        ] = False,
        misfire_grace: Annotated[
            int, typer.Option("--misfire-grace", min=1, help="Seconds late a missed firing may still start.")
        ] = 3600,
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
        from ratecard.config.settings import ConfigError
        from ratecard.crawler.rawstore import RawStore
        from ratecard.db import open_db, raw_dir, resolve_url
        from ratecard.pipeline import select_vendors
        from ratecard.schedule import (
            NightlyJob,
            Stop,
            build_scheduler,
            cron_trigger,
            next_run,
            running,
            stop_on_signals,
            wait,
        )

        cfg = settings(config)
        expression = cron or cfg.schedule
        try:
            trigger = cron_trigger(expression)
            select_vendors(cfg, None)
        except ConfigError as exc:
            errors().print(f"[red]configuration error:[/red] {exc}")
            raise typer.Exit(EXIT_CONFIG) from exc

        def log(event: str, /, **fields: object) -> None:
            log_event(log_format, event, **fields)

        url = resolve_url(db)
        engine = open_db(url)
        job = NightlyJob(engine, cfg, RawStore(raw_dir(url)), log, lambda r: report_run(r, log_format), force)
        scheduler = build_scheduler(job, trigger, misfire_grace, run_now=now)
        with structured_logging(log_format), stop_on_signals(Stop()) as stop:
            with running(scheduler):
                log(
                    "schedule_started",
                    cron=expression,
                    timezone="UTC",
                    next_run=next_run(scheduler),
                    pid=os.getpid(),
                )
                reason = wait(stop, job, max_runs, exit_after)
                log("stopping", reason=reason)
            log("shutdown", reason=reason, runs=job.fired)
        engine.dispose()
        raise typer.Exit(EXIT_OK)
