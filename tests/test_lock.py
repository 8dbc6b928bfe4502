"""The run lock: one run per database across processes and machines, gone when its holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select
from test_run_cli import serve_day, write_config

from ratecard.capture_server import CaptureServer
from ratecard.crawler.tables import FetchRecord
from ratecard.db import make_engine, session
from ratecard.lock import LockHeld, run_lock
from ratecard.outcome import EXIT_LOCKED
from ratecard.runs.tables import RunRecord

RATECARD = Path(sys.executable).with_name("ratecard")
HOLD = """
import sys, time
from ratecard.db import make_engine
from ratecard.lock import run_lock
with run_lock(make_engine(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def free(engine: Engine) -> bool:
    try:
        with run_lock(engine):
            return True
    except LockHeld:
        return False


def eventually(check: Callable[[], object], timeout: float = 10.0) -> bool:
    """Poll ``check`` until it is true or ``timeout`` seconds pass (other threads and processes act)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_a_second_holder_is_refused_at_once_and_admitted_after(engine: Engine, db_url: str) -> None:
    other = make_engine(db_url)  # a separate pool: another connection, as another process would have
    try:
        with run_lock(engine):
            started = time.monotonic()
            with pytest.raises(LockHeld, match="another ratecard run holds"), run_lock(other):
                pass
            assert time.monotonic() - started < 2  # refused, not queued
        assert free(other)
    finally:
        other.dispose()


def test_the_lock_is_released_when_the_run_raises(engine: Engine) -> None:
    with pytest.raises(RuntimeError), run_lock(engine):
        raise RuntimeError("crawl blew up")
    assert free(engine)


def test_a_killed_holder_does_not_block_the_next_night(engine: Engine, db_url: str) -> None:
    with subprocess.Popen([sys.executable, "-c", HOLD, db_url], stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            assert not free(engine)
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
            assert eventually(lambda: free(engine))
        finally:
            holder.kill()


def test_another_process_run_exits_75_while_the_lock_is_held(
    tmp_path: Path, engine: Engine, db_url: str, server: CaptureServer
) -> None:
    """Two machines on one PostgreSQL (or two processes on one SQLite file) never run together."""
    assert RATECARD.exists(), f"no console script beside {sys.executable}"
    cfg = write_config(tmp_path / "c.toml", **serve_day(server))
    env = {**os.environ, "RATECARD_DATA_DIR": str(tmp_path / "data")}
    with run_lock(engine):
        proc = subprocess.run(
            [str(RATECARD), "run", "--config", str(cfg), "--db", db_url],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    assert proc.returncode == EXIT_LOCKED, proc.stderr
    assert "another ratecard run holds" in proc.stderr
    with session(engine) as s:
        assert s.exec(select(func.count()).select_from(RunRecord)).one() == 0
        assert s.exec(select(func.count()).select_from(FetchRecord)).one() == 0
    assert server.hits == []
