"""`ratecard run` (the nightly job for cron) and `ratecard demo` (the same job, offline)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from ratecard.cli_commands.common import ConfigOpt, DbOpt, console, errors, parse_date, settings
from ratecard.logs import LogFormat, complain, log_event, structured_logging
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, RunReport, VendorOutcome

if TYPE_CHECKING:
    from ratecard.config.settings import Settings


def summary_line(o: VendorOutcome) -> str:
    if o.ok:
        line = f"{o.vendor}: ok, {o.models} models, {o.rates} rates, {o.changes} changes"
        return f"{line} ({o.message})" if o.message else line
    return f"{o.vendor}: FAILED: {o.message}"


def report_run(report: RunReport, fmt: LogFormat) -> None:
    out = console()
    for o in report.outcomes:
        line = summary_line(o)
        out.print(f"{report.day} {line}", markup=False, highlight=False)
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
        out.print(f"{report.day} warning: {w}", markup=False, highlight=False)
        log_event(fmt, "warning", run_id=report.run_id, message=w)
    log_event(fmt, "run_finished", run_id=report.run_id, date=report.day, exit_code=report.exit_code)


def register(app: typer.Typer) -> None:
    @app.command("run")
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
        from ratecard.db import open_db, raw_dir, resolve_url
        from ratecard.lock import LockHeld
        from ratecard.pipeline import run_day

        day = parse_date(date, "--date")
        url = resolve_url(db)
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
                errors().print(f"{o.vendor} failed: {o.message}", markup=False, highlight=False)
        raise typer.Exit(report.exit_code)

    @app.command("demo")
    def demo(
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Offline: serve the bundled captures on 127.0.0.1 and run the real pipeline per capture date."""
        from ratecard.captures import bundled_dir
        from ratecard.crawler.rawstore import RawStore
        from ratecard.db import default_data_dir, open_db, raw_dir
        from ratecard.demo import replay
        from ratecard.demo_report import fresh_demo_db, print_summary

        cfg = settings(config)
        url = db or fresh_demo_db(default_data_dir() / "demo")
        engine = open_db(url)
        raw = RawStore(raw_dir(url))
        fast = _offline(cfg)
        reports = replay(engine, fast, raw, bundled_dir(), on_report=lambda r: report_run(r, LogFormat.text))
        print_summary(console(), engine, fast, reports, url, raw.root)


def _offline(cfg: Settings) -> Settings:
    """The demo talks to its own local server (no politeness delays) and its bundled registry copy."""
    from ratecard.captures import bundled_registry

    crawl = replace(
        cfg.crawl, autothrottle_start_delay=0.0, retry_backoff_base=0.05, retry_times=1, download_timeout=20.0
    )
    return replace(cfg, crawl=crawl, registries=(str(bundled_registry()),))
