"""`ratecard schedule`: the nightly job under APScheduler, sharing the run lock with cron runs.

Every firing calls :func:`ratecard.pipeline.run_day`, which takes :func:`ratecard.lock.run_lock`,
so a scheduled job and a `ratecard run` from cron (or another machine on the same PostgreSQL)
never overlap: whichever comes second logs that the lock is held and skips.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import FrameType
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from ratecard.config.settings import ConfigError, Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.db import session
from ratecard.lock import LockHeld
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day, select_vendors
from ratecard.runs import store as runs

JOB_ID = "ratecard-run"
MISFIRE_GRACE_SECONDS = 3600
"""A firing missed (machine asleep, process busy) still runs if it is at most this late."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
"""Cron's order: 0 (and 7) is Sunday."""
_NUMERIC_WEEKDAYS = re.compile(r"(\d+)(?:-(\d+))?")


class EventLog(Protocol):
    """Where the scheduler reports what it did: ``log("locked", message=...)``."""

    def __call__(self, event: str, /, **fields: object) -> None: ...


def utc_today() -> date:
    return datetime.now(UTC).date()


def crontab_weekdays(field: str) -> str:
    """Cron's numeric weekdays (0 and 7 = Sunday) as names.

    APScheduler 3 numbers weekdays from Monday = 0 even in ``from_crontab`` (agronholm/apscheduler#286),
    so ``0 3 * * 1`` would fire on Tuesdays; names mean the same to both.
    """
    out: list[str] = []
    for part in field.split(","):
        numbers = _NUMERIC_WEEKDAYS.fullmatch(part)
        if numbers is None:
            if "/" in part:
                raise ValueError(f"day-of-week step {part!r} is ambiguous; list the days (mon,wed,fri)")
            out.append(part)
            continue
        first, last = int(numbers[1]), int(numbers[2] or numbers[1])
        if not 0 <= first <= last <= 7:
            raise ValueError(f"day-of-week {part!r} is not within 0-7")
        out.extend(WEEKDAYS[d % 7] for d in range(first, last + 1))
    return ",".join(dict.fromkeys(out))


def cron_trigger(expression: str) -> Any:
    """A five-field crontab expression, evaluated in UTC; a bad one is a configuration error."""
    try:
        fields = expression.split()
        if len(fields) == 5:
            fields[4] = crontab_weekdays(fields[4])
        return CronTrigger.from_crontab(" ".join(fields), timezone=UTC)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"schedule {expression!r} is not a cron expression: {exc}") from exc


def already_verified(engine: Engine, day: date, vendor_ids: Sequence[str]) -> bool:
    """True when some run already verified ``day`` successfully for every one of ``vendor_ids``."""
    if not vendor_ids:
        return False
    with session(engine) as s:
        return runs.ok_vendors(s, day, vendor_ids) == set(vendor_ids)


@dataclass
class NightlyJob:
    """What one firing does. It never raises: a bad night is logged and the scheduler goes on."""

    engine: Engine
    settings: Settings
    raw: RawStore
    log: EventLog
    on_report: Callable[[RunReport], None]
    force: bool = False
    """Run a date that already succeeded for every vendor (otherwise skip it), as ``run --force``."""
    clock: Callable[[], date] = utc_today
    fired: int = field(default=0, init=False)
    """Firings finished so far, whatever their outcome."""

    def __call__(self) -> None:
        try:
            self._run(self.clock())
        finally:
            self.fired += 1

    def _run(self, day: date) -> None:
        vendors = [v.id for v in select_vendors(self.settings, None)]
        try:
            if not self.force and already_verified(self.engine, day, vendors):
                self.log("already_verified", date=day, vendors=vendors)
                return
            report = run_day(self.engine, self.settings, self.raw, day, vendors, "schedule", self.force)
        except LockHeld as exc:
            self.log("locked", date=day, message=str(exc))
            return
        except Exception as exc:  # a database outage must not kill the long-running scheduler
            self.log("run_error", date=day, message=f"{type(exc).__name__}: {exc}")
            return
        self.on_report(report)


def build_scheduler(
    job: Callable[[], None],
    trigger: Any,
    misfire_grace_seconds: int = MISFIRE_GRACE_SECONDS,
    run_now: bool = False,
) -> Any:
    """One job, never two at once in this process (max_instances=1), missed firings run once (coalesce)."""
    scheduler = BackgroundScheduler(timezone=UTC)
    first = {"next_run_time": datetime.now(UTC)} if run_now else {}
    scheduler.add_job(
        job,
        trigger,
        id=JOB_ID,
        name="ratecard run",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=misfire_grace_seconds,
        **first,
    )
    return scheduler


def next_run(scheduler: Any) -> datetime | None:
    job = scheduler.get_job(JOB_ID)
    when: datetime | None = job.next_run_time if job is not None else None
    return when


class Stop:
    """Why the scheduler should stop; set from a signal handler, so it only records a name."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason


@contextmanager
def stop_on_signals(stop: Stop, signals: Sequence[signal.Signals] = STOP_SIGNALS) -> Iterator[Stop]:
    """The first SIGINT/SIGTERM asks for a clean stop; a second one gets the default (immediate) action."""
    previous = {s: signal.getsignal(s) for s in signals}

    def handle(signum: int, _frame: FrameType | None) -> None:
        stop.request(signal.Signals(signum).name)
        for s in signals:
            signal.signal(s, signal.SIG_DFL if s != signal.SIGINT else signal.default_int_handler)

    for s in signals:
        signal.signal(s, handle)
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)


def wait(
    stop: Stop,
    job: NightlyJob,
    max_runs: int | None = None,
    exit_after: float | None = None,
    poll_seconds: float = 0.1,
) -> str:
    """Block until a signal, ``max_runs`` finished firings or ``exit_after`` seconds; say which."""
    deadline = None if exit_after is None else time.monotonic() + exit_after
    while True:
        if stop.reason is not None:
            return stop.reason
        if max_runs is not None and job.fired >= max_runs:
            return "max_runs"
        if deadline is not None and time.monotonic() >= deadline:
            return "exit_after"
        time.sleep(poll_seconds)


@contextmanager
def running(scheduler: Any) -> Iterator[Any]:
    """Start the scheduler; on the way out let a running job finish so its lock and run row close."""
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=True)
