"""`ratecard run` as cron runs it: exit codes, one line per vendor, JSON-lines logs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from helpers import FAST, capture
from sqlalchemy import Engine, func
from sqlmodel import select
from typer.testing import CliRunner, Result

from ratecard.capture_server import CaptureServer, Route
from ratecard.cli import app
from ratecard.config.settings import load
from ratecard.crawler.tables import FetchRecord
from ratecard.db import open_db, session
from ratecard.lock import run_lock
from ratecard.outcome import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, EXIT_VENDOR_FAILED
from ratecard.runs.tables import RunRecord

DAY = date(2025, 10, 25)


def write_config(path: Path, **urls: str) -> Path:
    """A user config file: fast crawling, the named vendors at ``urls``, every other vendor off."""
    lines = ["[settings]", *(f"{k} = {json.dumps(v)}" for k, v in FAST["settings"].items())]
    for vendor in load(None).vendors:
        lines.append(f"[vendors.{vendor}]")
        lines.append(f"start_urls = [{json.dumps(urls[vendor])}]" if vendor in urls else "enabled = false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def serve_day(server: CaptureServer) -> dict[str, str]:
    return {
        "anthropic": server.add_capture("anthropic", capture("anthropic", DAY.isoformat())),
        "openrouter": server.add_capture("openrouter", capture("openrouter", "2025-12-29")),
    }


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["run", "--date", DAY.isoformat(), *args])


def count(engine: Engine, table: type[RunRecord] | type[FetchRecord]) -> int:
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


@contextmanager
def opened(url: str) -> Iterator[Engine]:
    engine = open_db(url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_every_vendor_ok_exits_0_with_one_line_each(
    tmp_path: Path, sqlite_url: str, server: CaptureServer
) -> None:
    cfg = write_config(tmp_path / "c.toml", **serve_day(server))
    result = invoke("--config", str(cfg), "--db", sqlite_url)
    assert result.exit_code == EXIT_OK, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["2025-10-25 anthropic", "2025-10-25 openrouter"]
    assert all(": ok, " in line for line in lines)
    assert "openrouter: ok, 353 models" in result.stdout


def test_a_failing_vendor_exits_1_and_its_line_names_it(
    tmp_path: Path, sqlite_url: str, server: CaptureServer
) -> None:
    urls = serve_day(server) | {"openrouter": server.add("/models", Route(b"down", status=500))}
    result = invoke("--config", str(write_config(tmp_path / "c.toml", **urls)), "--db", sqlite_url)
    assert result.exit_code == EXIT_VENDOR_FAILED
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2025-10-25 anthropic: ok")
    assert lines[1].startswith("2025-10-25 openrouter: FAILED: openrouter: HTTP 500")
    assert len(lines) == 2


def _bad_setting(tmp: Path) -> list[str]:
    (tmp / "bad.toml").write_text("[settings]\nretries = 3\n")
    return ["--config", str(tmp / "bad.toml")]


def _not_toml(tmp: Path) -> list[str]:
    (tmp / "bad.toml").write_text("[settings\nretry_times = 3\n")
    return ["--config", str(tmp / "bad.toml")]


def _missing_file(tmp: Path) -> list[str]:
    return ["--config", str(tmp / "nowhere.toml")]


def _unknown_vendor(tmp: Path) -> list[str]:
    return ["--vendor", "acme"]


@pytest.mark.parametrize("bad", [_bad_setting, _not_toml, _missing_file, _unknown_vendor])
def test_configuration_errors_exit_78_and_run_nothing(
    bad: Callable[[Path], list[str]], tmp_path: Path, sqlite_url: str
) -> None:
    result = invoke(*bad(tmp_path), "--db", sqlite_url)
    assert result.exit_code == EXIT_CONFIG, result.output
    assert "configuration error" in result.stderr
    assert result.stdout == ""
    with opened(sqlite_url) as engine:
        assert count(engine, RunRecord) == 0


def test_lock_held_exits_75_and_touches_nothing(
    tmp_path: Path, db_url: str, engine: Engine, server: CaptureServer
) -> None:
    cfg = write_config(tmp_path / "c.toml", **serve_day(server))
    with run_lock(engine):
        result = invoke("--config", str(cfg), "--db", db_url)
    assert result.exit_code == EXIT_LOCKED, result.output
    assert "not started" in result.stderr and "another ratecard run holds" in result.stderr
    assert result.stdout == ""
    assert (count(engine, RunRecord), count(engine, FetchRecord)) == (0, 0)
    assert server.hits == []  # not even a request went out


def test_json_log_lines_carry_events(tmp_path: Path, sqlite_url: str, server: CaptureServer) -> None:
    cfg = write_config(tmp_path / "c.toml", **serve_day(server))
    result = invoke("--config", str(cfg), "--db", sqlite_url, "--log-format", "json")
    assert result.exit_code == EXIT_OK
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(r["event"], r.get("vendor")) for r in records] == [
        ("vendor", "anthropic"),
        ("vendor", "openrouter"),
        ("run_finished", None),
    ]
    assert records[-1]["exit_code"] == 0 and records[0]["date"] == "2025-10-25"
    assert records[1]["models"] == 353 and records[1]["ok"] is True


@pytest.mark.parametrize(
    ("case", "event", "code"),
    [
        ("vendor_failed", "vendor", EXIT_VENDOR_FAILED),
        ("locked", "locked", EXIT_LOCKED),
        ("config", "config_error", EXIT_CONFIG),
    ],
)
def test_every_stderr_line_is_json_even_when_things_fail(
    case: str, event: str, code: int, tmp_path: Path, sqlite_url: str, server: CaptureServer
) -> None:
    urls = serve_day(server)
    if case == "vendor_failed":
        urls["openrouter"] = server.add("/models", Route(b"down", status=500))
    cfg = write_config(tmp_path / "c.toml", **urls)
    args = ["--config", str(cfg), "--db", sqlite_url, "--log-format", "json"]
    if case == "config":
        args += ["--vendor", "acme"]
    if case == "locked":
        with opened(sqlite_url) as engine, run_lock(engine):
            result = invoke(*args)
    else:
        result = invoke(*args)
    assert result.exit_code == code
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert records and all({"ts", "event"} <= r.keys() for r in records)
    mentioned = [r for r in records if r["event"] == event]
    assert mentioned and all(r["message"] for r in mentioned if r.get("ok") is not True)


def test_help_documents_every_exit_code() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for code in (EXIT_OK, EXIT_VENDOR_FAILED, EXIT_LOCKED, EXIT_CONFIG):
        assert f"{code} " in result.stdout
