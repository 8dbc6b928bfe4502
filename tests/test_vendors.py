"""`ratecard vendors` shows each vendor's health; `ratecard runs` tells an interrupted run from a live one."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import UTC, date, datetime

from helpers import capture, run_captures
from typer.testing import CliRunner

from ratecard.capture_server import Route
from ratecard.cli import app
from ratecard.db import session
from ratecard.runs.tables import RunRecord

D1, D2 = date(2025, 11, 19), date(2025, 11, 20)


def test_vendors_lists_last_verified_source_failures_and_counts(
    engine, db_url, settings, raw, server
) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    broken = server.add("/deepseek", Route(b"down", status=500))
    run_captures(engine, settings, raw, server, D2, deepseek=broken)
    result = CliRunner().invoke(app, ["vendors", "--as-of", "2025-11-21", "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.output
    rows = {r["vendor"]: r for r in json.loads(result.stdout)}
    assert set(rows) == set(settings.vendors)
    a = rows["anthropic"]
    assert (a["state"], a["last_verified"], a["days_since"], a["stale"]) == ("ok", "2025-11-19", 2, False)
    assert (
        a["models"] >= 9
        and a["rates"] > 70
        and a["source_url"].endswith("2025-11-19__docs-claude-pricing.md")
    )
    d = rows["deepseek"]
    assert (d["state"], d["last_verified"], d["last_failure"]) == ("never", None, "2025-11-20")
    assert "HTTP 500" in d["last_failure_message"]
    assert rows["openai"]["state"] == "never" and rows["openai"]["rates"] == 0
    table = CliRunner().invoke(app, ["vendors", "--as-of", "2025-11-21", "--db", db_url])
    assert table.exit_code == 0 and "anthropic" in table.stdout and "deepseek" in table.stdout


def test_a_run_whose_process_died_shows_as_interrupted(engine, db_url) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    with session(engine) as s:
        s.add(
            RunRecord(
                date=D1, started_at=datetime.now(UTC), trigger="run", host=socket.gethostname(), pid=dead_pid
            )
        )
        s.add(
            RunRecord(
                date=D2, started_at=datetime.now(UTC), trigger="run", host=socket.gethostname(), pid=None
            )
        )
        s.commit()
    result = CliRunner().invoke(app, ["runs", "--format", "json", "--db", db_url])
    states = {r["date"]: r["state"] for r in json.loads(result.stdout)}
    assert states == {"2025-11-19": "interrupted", "2025-11-20": "running"}
