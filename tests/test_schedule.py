"""`ratecard schedule`: APScheduler firing the nightly job under the same lock as cron runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from helpers import capture, with_urls
from sqlalchemy import Engine, func
from sqlmodel import col, select
from test_lock import RATECARD, eventually
from test_run_cli import DAY, serve_day, write_config
from typer.testing import CliRunner, Result

from ratecard.capture_server import CaptureServer, route_for
from ratecard.changelog.tables import ChangeRecord
from ratecard.cli import app
from ratecard.config.settings import ConfigError, Settings, load
from ratecard.crawler.rawstore import RawStore
from ratecard.db import make_engine, session
from ratecard.lock import run_lock
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, RunReport
from ratecard.runs.tables import RunRecord
from ratecard.schedule import (
    JOB_ID,
    MISFIRE_GRACE_SECONDS,
    NightlyJob,
    build_scheduler,
    cron_trigger,
    running,
)

SLOW_SECONDS = 2.0


class Events:
    """Records what a job logs and reports, for assertions from the test thread."""

    def __init__(self) -> None:
        self.logged: list[tuple[str, dict[str, object]]] = []
        self.reports: list[RunReport] = []

    def __call__(self, event: str, /, **fields: object) -> None:
        self.logged.append((event, fields))

    def names(self) -> list[str]:
        return [e for e, _ in self.logged]


def only(settings: Settings, **urls: str) -> Settings:
    """Settings with just the named vendors, at ``urls`` (a scheduled job runs every enabled vendor)."""
    local = with_urls(settings, **urls)
    return replace(local, vendors={v: local.vendors[v] for v in urls})


def job_for(
    engine: Engine, settings: Settings, raw: RawStore, events: Events, force: bool = False
) -> NightlyJob:
    return NightlyJob(engine, settings, raw, events, events.reports.append, force, clock=lambda: DAY)


@dataclass(frozen=True)
class GatedRaw(RawStore):
    """A raw store whose writes wait for the test: a job mid-run, holding the lock, until released."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def put(self, body: bytes) -> str:
        self.entered.set()
        assert self.release.wait(30), "the test never released the run"
        return super().put(body)


def slow_anthropic(server: CaptureServer) -> str:
    """Anthropic's capture, answered after a pause: a run that holds the lock for a while."""
    route = route_for(capture("anthropic", DAY.isoformat()))
    route.delay = SLOW_SECONDS
    return server.add("/slow/pricing.md", route)


def runs(engine: Engine) -> list[RunRecord]:
    with session(engine) as s:
        return list(s.exec(select(RunRecord).order_by(col(RunRecord.id))).all())


def runs_at(url: str) -> list[RunRecord]:
    engine = make_engine(url)
    try:
        return runs(engine)
    finally:
        engine.dispose()


def test_the_default_schedule_is_3am_utc_whatever_the_input_zone() -> None:
    assert load(None).schedule == "0 3 * * *"
    trigger = cron_trigger(load(None).schedule)
    new_york_2am = datetime(2025, 1, 1, 2, 0, tzinfo=ZoneInfo("America/New_York"))  # 07:00 UTC
    assert trigger.get_next_fire_time(None, new_york_2am) == datetime(2025, 1, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weekdays", "first"),
    [("0", 5), ("7", 5), ("1", 6), ("sun", 5), ("1-5", 2), ("0,6", 4), ("5-7", 3)],
)
def test_numeric_weekdays_mean_what_they_mean_to_cron(weekdays: str, first: int) -> None:
    """2025-01-01 is a Wednesday: cron's 0 and 7 are Sunday the 5th, 1 is Monday the 6th."""
    trigger = cron_trigger(f"0 3 * * {weekdays}")
    assert trigger.get_next_fire_time(None, datetime(2025, 1, 1, 4, tzinfo=UTC)).day == first


@pytest.mark.parametrize("expression", ["every night", "61 3 * * *", "0 3 * *", "0 3 * * 8", "0 3 * * */2"])
def test_a_bad_cron_expression_is_a_configuration_error(expression: str) -> None:
    with pytest.raises(ConfigError, match="not a cron expression"):
        cron_trigger(expression)


def test_schedule_with_a_bad_cron_exits_78(tmp_path: Path, sqlite_url: str) -> None:
    (tmp_path / "c.toml").write_text('[settings]\nschedule = "at dawn"\n')
    from_config = CliRunner().invoke(
        app, ["schedule", "--config", str(tmp_path / "c.toml"), "--db", sqlite_url]
    )
    from_option = CliRunner().invoke(app, ["schedule", "--cron", "0 25 * * *", "--db", sqlite_url])
    for result in (from_config, from_option):
        assert result.exit_code == EXIT_CONFIG, result.output
        assert "configuration error" in result.stderr and "not a cron expression" in result.stderr
    as_json = CliRunner().invoke(app, ["schedule", "--cron", "0 3 * * 9", "--log-format", "json"])
    [record] = [json.loads(line) for line in as_json.stderr.splitlines()]
    assert as_json.exit_code == EXIT_CONFIG and record["event"] == "config_error"
    assert "day-of-week '9' is not within 0-7" in record["message"]


def test_the_job_is_configured_against_overlap_and_pile_ups() -> None:
    scheduler = build_scheduler(lambda: None, cron_trigger("30 4 * * 1"), misfire_grace_seconds=600)
    job = scheduler.get_job(JOB_ID)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 600)
    assert str(scheduler.timezone) == "UTC"
    wednesday, monday = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 6, 4, 30, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(None, wednesday) == monday
    default = build_scheduler(lambda: None, cron_trigger("0 3 * * *")).get_job(JOB_ID)
    assert default.misfire_grace_time == MISFIRE_GRACE_SECONDS == 3600


def test_a_slow_job_never_runs_twice_at_once() -> None:
    active, peak, calls = [0], [0], [0]
    lock = threading.Lock()

    def slow() -> None:
        with lock:
            active[0] += 1
            calls[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.3)
        with lock:
            active[0] -= 1

    scheduler = build_scheduler(slow, IntervalTrigger(seconds=0.05), run_now=True)
    with running(scheduler):
        time.sleep(0.8)
    assert peak[0] == 1 and 2 <= calls[0] <= 4


def test_a_fired_job_skips_while_locked_then_runs_once(
    engine: Engine, settings: Settings, raw: RawStore, server: CaptureServer
) -> None:
    events = Events()
    job = job_for(engine, only(settings, anthropic=serve_day(server)["anthropic"]), raw, events)
    scheduler = build_scheduler(job, IntervalTrigger(seconds=0.2), run_now=True)
    with ExitStack() as stack, ExitStack() as lock:
        lock.enter_context(run_lock(engine))  # a cron run holds the lock before the first firing
        stack.enter_context(running(scheduler))
        assert eventually(lambda: "locked" in events.names())
        assert runs(engine) == [] and server.hits == []
        lock.close()
        assert eventually(lambda: "already_verified" in events.names())  # ran, then skipped the done day
    assert [(r.date, r.trigger, r.exit_code) for r in runs(engine)] == [(DAY, "schedule", 0)]
    assert [o.vendor for r in events.reports for o in r.outcomes] == ["anthropic"]


def test_a_cron_run_exits_75_while_a_scheduled_job_holds_the_lock(
    tmp_path: Path, db_url: str, engine: Engine, settings: Settings, server: CaptureServer
) -> None:
    url = serve_day(server)["anthropic"]
    gate = GatedRaw(tmp_path / "raw")
    job = job_for(engine, only(settings, anthropic=url), gate, Events())
    cfg = write_config(tmp_path / "c.toml", anthropic=url)
    with running(build_scheduler(job, cron_trigger("0 3 * * *"), run_now=True)):
        assert gate.entered.wait(30)  # the scheduled job is mid-run, holding the lock
        result = CliRunner().invoke(app, ["run", "--config", str(cfg), "--db", db_url])
        gate.release.set()
        assert result.exit_code == EXIT_LOCKED, result.output
        assert eventually(lambda: job.fired == 1)
    assert [(r.trigger, r.exit_code) for r in runs(engine)] == [("schedule", 0)]
    assert server.hits == ["/robots.txt", "/anthropic/2025-10-25__docs-claude-pricing.md"]


def test_two_machines_on_one_database_verify_a_day_once(
    tmp_path: Path, db_url: str, engine: Engine, settings: Settings, server: CaptureServer
) -> None:
    local = only(settings, anthropic=serve_day(server)["anthropic"])
    gate = GatedRaw(tmp_path / "raw")
    first, second = Events(), Events()
    engines = [make_engine(db_url), make_engine(db_url)]  # one pool each, as on two hosts
    try:
        on_a = job_for(engines[0], local, gate, first)
        on_b = job_for(engines[1], local, gate, second)
        running_a = threading.Thread(target=on_a)
        running_a.start()
        assert gate.entered.wait(30)
        on_b()  # fires while A is mid-run
        gate.release.set()
        running_a.join(30)
        on_b()  # fires again after A finished
    finally:
        for e in engines:
            e.dispose()
    assert first.names() == [] and [r.exit_code for r in first.reports] == [0]
    assert second.names() == ["locked", "already_verified"] and second.reports == []
    assert len(runs(engine)) == 1


def test_force_re_verifies_a_done_day_without_duplicating_it(
    engine: Engine, settings: Settings, raw: RawStore, server: CaptureServer
) -> None:
    local = only(settings, anthropic=serve_day(server)["anthropic"])
    job_for(engine, local, raw, Events())()
    with session(engine) as s:
        changes = s.exec(select(func.count()).select_from(ChangeRecord)).one()
    forced = Events()
    job_for(engine, local, raw, forced, force=True)()
    assert forced.names() == [] and [o.changes for r in forced.reports for o in r.outcomes] == [0]
    assert [r.exit_code for r in runs(engine)] == [0, 0]
    with session(engine) as s:
        assert s.exec(select(func.count()).select_from(ChangeRecord)).one() == changes


def test_a_broken_night_is_logged_and_the_scheduler_goes_on(
    tmp_path: Path, settings: Settings, raw: RawStore
) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables: every query fails
    events = Events()
    job = job_for(unmigrated, only(settings, anthropic="http://127.0.0.1:9/x"), raw, events)
    job()
    unmigrated.dispose()
    [(event, fields)] = events.logged
    assert event == "run_error" and "no such table" in str(fields["message"])
    assert job.fired == 1 and events.reports == []


def schedule_cli(*args: str) -> Result:
    return CliRunner().invoke(app, ["schedule", "--now", "--max-runs", "1", "--log-format", "json", *args])


def test_schedule_now_runs_the_day_and_skips_it_unless_forced(
    tmp_path: Path, sqlite_url: str, server: CaptureServer
) -> None:
    cfg = write_config(tmp_path / "c.toml", **serve_day(server))
    handlers = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]
    first = schedule_cli("--config", str(cfg), "--db", sqlite_url)
    assert first.exit_code == EXIT_OK, first.output
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == handlers  # restored
    today = datetime.now(UTC).date()
    assert [line.split(":")[0] for line in first.stdout.splitlines()] == [
        f"{today} anthropic",
        f"{today} openrouter",
    ]
    events = [json.loads(line) for line in first.stderr.splitlines()]
    assert [e["event"] for e in events] == [
        "schedule_started",
        "vendor",
        "vendor",
        "run_finished",
        "stopping",
        "shutdown",
    ]
    assert events[0]["cron"] == "0 3 * * *"
    assert (events[-1]["reason"], events[-1]["runs"]) == ("max_runs", 1)

    second = schedule_cli("--config", str(cfg), "--db", sqlite_url)
    assert second.exit_code == EXIT_OK and second.stdout == ""
    assert "already_verified" in [json.loads(line)["event"] for line in second.stderr.splitlines()]

    forced = schedule_cli("--config", str(cfg), "--db", sqlite_url, "--force")
    assert forced.exit_code == EXIT_OK and len(forced.stdout.splitlines()) == 2
    assert [(r.date, r.trigger) for r in runs_at(sqlite_url)] == [(today, "schedule")] * 2


def start_schedule(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`ratecard schedule` as a real process, its stderr in a file the test can poll."""
    assert RATECARD.exists(), f"no console script beside {sys.executable}"
    log = tmp_path / "stderr.jsonl"
    env = {**os.environ, "RATECARD_DATA_DIR": str(tmp_path / "data")}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                str(RATECARD),
                "schedule",
                "--log-format",
                "json",
                "--db",
                f"sqlite:///{tmp_path / 's.db'}",
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
    return proc, log


def events_in(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_shuts_the_scheduler_down_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    proc, log = start_schedule(tmp_path)
    try:
        assert eventually(lambda: "schedule_started" in log.read_text(), timeout=30), log.read_text()
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == EXIT_OK
    finally:
        proc.kill()
    events = events_in(log)
    assert [e["event"] for e in events] == ["schedule_started", "stopping", "shutdown"]
    assert events[-1]["reason"] == sig.name and events[-1]["runs"] == 0


def test_sigterm_during_a_run_lets_the_run_finish(tmp_path: Path, server: CaptureServer) -> None:
    cfg = write_config(tmp_path / "c.toml", anthropic=slow_anthropic(server))
    proc, log = start_schedule(tmp_path, "--config", str(cfg), "--now")
    try:
        assert eventually(lambda: "/slow/pricing.md" in server.hits, timeout=30), log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == EXIT_OK
    finally:
        proc.kill()
    assert [e["event"] for e in events_in(log)] == [
        "schedule_started",
        "stopping",
        "vendor",
        "run_finished",
        "shutdown",
    ]
    [run] = runs_at(f"sqlite:///{tmp_path / 's.db'}")
    assert run.ended_at is not None and run.exit_code == 0
