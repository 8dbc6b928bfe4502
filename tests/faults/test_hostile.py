"""Hostile pages, odd archives and mistyped settings: nothing gets through, nothing crashes (issue 13).

Real runs against a real HTTP server on 127.0.0.1, real SQLite and PostgreSQL, the real CLI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from helpers import capture, run_captures
from rich.console import Console
from typer.testing import CliRunner

from ratecard.capture_server import CaptureServer, Route
from ratecard.cli import app
from ratecard.output import rich_table, to_csv

runner = CliRunner()
DAY = date(2025, 12, 29)
ANSI = "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\x1b[2J"
HOSTILE = [
    ANSI,
    "[bold red]x[/bold red]",
    "[/nope]",
    "=cmd|' /c calc'!a0",
    "+1+1",
    "-2+3",
    "@sum(1)",
    "<script>alert(1)</script>",
    "x" * 300,
]


def openrouter_page(server: CaptureServer) -> str:
    models = [
        {"id": m, "name": m, "pricing": {"prompt": "0.000001", "completion": "0.000002"}} for m in HOSTILE
    ] + [
        {"id": f"plain/model-{i}", "name": "p", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
        for i in range(4)
    ]
    return server.add(
        "/api/v1/models", Route(json.dumps({"data": models}).encode(), content_type="application/json")
    )


def test_hostile_ids_are_refused_or_stored_inert_in_every_output(
    engine, db_url, settings, raw, server
) -> None:
    report = run_captures(engine, settings, raw, server, DAY, openrouter=openrouter_page(server))
    [outcome] = report.outcomes
    assert outcome.ok, outcome
    note = outcome.message or ""
    # Control characters and over-long ids are refused by name, on SQLite and PostgreSQL alike.
    assert "refused model '\\x1b]8;;http://evil.example\\x07click" in note
    assert "refused model 'xxxxxxxx" in note and "longer than 255 characters" in note
    assert "\x1b" not in note

    prices = runner.invoke(app, ["prices", "--vendor", "openrouter", "--as-of", str(DAY), "--db", db_url])
    assert prices.exit_code == 0, prices.output
    assert "[bold red]x[/bold red]" in prices.stdout and "[/nope]" in prices.stdout  # shown, not interpreted
    assert "\x1b" not in prices.stdout

    rows = json.loads(
        runner.invoke(
            app, ["prices", "--vendor", "openrouter", "--as-of", str(DAY), "--format", "json", "--db", db_url]
        ).stdout
    )
    stored = {r["model"] for r in rows}
    assert {"[bold red]x[/bold red]", "[/nope]", "=cmd|' /c calc'!a0", "<script>alert(1)</script>"} <= stored
    assert not [m for m in stored if "\x1b" in m or len(m) > 255]

    text = runner.invoke(
        app, ["prices", "--vendor", "openrouter", "--as-of", str(DAY), "--format", "csv", "--db", db_url]
    ).stdout
    cells = {row[1] for row in csv.reader(io.StringIO(text))}
    assert {"'=cmd|' /c calc'!a0", "'+1+1", "'-2+3", "'@sum(1)"} <= cells  # a spreadsheet shows them as text
    raw_csv = runner.invoke(
        app,
        [
            "prices",
            "--vendor",
            "openrouter",
            "--as-of",
            str(DAY),
            "--format",
            "csv",
            "--csv-raw",
            "--db",
            db_url,
        ],
    ).stdout
    assert "=cmd|' /c calc'!a0" in {row[1] for row in csv.reader(io.StringIO(raw_csv))}

    history = ["history", "openrouter/[bold red]x[/bold red]"]
    for command in (["changes"], history, ["flags", "--as-of", "2026-02-01"]):
        result = runner.invoke(app, [*command, "--db", db_url])
        assert result.exit_code == 0, (command, result.output)
        assert "\x1b" not in result.stdout


def test_a_terminal_table_never_reads_markup_or_control_characters() -> None:
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=200).print(
        rich_table([{"model": "[/nope]"}, {"model": ANSI}], ["model"])
    )
    shown = out.getvalue()
    assert "[/nope]" in shown and "\\x1b]8;;http://evil.example\\x07click" in shown
    assert "\x1b]8;;http" not in shown and "\x1b[2J" not in shown


def test_csv_quotes_carriage_returns_and_newlines() -> None:
    text = to_csv([{"a": "one\rtwo", "b": "x\ny"}, {"a": "3", "b": "4"}], ["a", "b"])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a", "b"], ["one\rtwo", "x\ny"], ["3", "4"]]


def archive_with(tmp_path: Path, *names: bytes) -> Path:
    root = tmp_path / "archive"
    (root / "anthropic").mkdir(parents=True)
    page = capture("anthropic", "2025-11-19").read_bytes()
    folder = os.fsencode(root / "anthropic")
    for name in names:
        with open(os.path.join(folder, name), "wb") as out:  # noqa: PTH118, PTH123 - bytes, maybe not UTF-8
            out.write(page)
    return root


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (b"2099-12-31__p.md", "2099-12-31 is in the future"),
        (b"2025-02-30__p.md", "2025-02-30 is not a date"),
        (b"2026-13-01__p.md", "2026-13-01 is not a date"),
        (b"2025-11-19__\xff\xfe.md", "the file name is not UTF-8"),
    ],
)
def test_an_archive_with_impossible_names_is_refused_up_front(
    tmp_path: Path, sqlite_url: str, name: bytes, said: str
) -> None:
    root = archive_with(tmp_path, b"2025-11-19__good.md", name)
    result = runner.invoke(app, ["backfill", str(root), "--db", sqlite_url])
    assert result.exit_code == 2, result.output
    assert "refused, nothing imported" in result.output and said in result.output
    assert "Traceback" not in result.output
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists() or _runs(sqlite_url) == 0


def _runs(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_odd_but_valid_file_names_are_served_and_read(tmp_path: Path, sqlite_url: str) -> None:
    root = archive_with(tmp_path, b"2025-11-19__pricing page?v=2#top.md")
    result = runner.invoke(app, ["backfill", str(root), "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "2025-11-19 anthropic: ok" in result.output


def test_a_future_run_date_is_refused(sqlite_url: str) -> None:
    result = runner.invoke(app, ["run", "--date", "2099-01-01", "--db", sqlite_url])
    assert result.exit_code == 2 and "is in the future" in result.output


def test_a_corrupt_raw_body_is_found_and_reparse_goes_on_without_it(
    engine, db_url, settings, raw, server
) -> None:
    for day, vendor in ((date(2025, 11, 19), "anthropic"), (date(2025, 12, 20), "deepseek")):
        run_captures(engine, settings, raw, server, day, **{vendor: capture(vendor, day.isoformat())})
    [damaged] = [d for d in raw.digests() if raw.get(d).startswith(b"---") or b"Claude" in raw.get(d)][:1]
    path = raw.path(damaged)
    body = bytearray(path.read_bytes())
    body[len(body) // 2] ^= 0xFF
    path.write_bytes(bytes(body))
    verify = runner.invoke(app, ["raw", "verify", "--db", db_url, "--format", "json"])
    assert verify.exit_code == 1
    found = json.loads(verify.stdout)
    assert [d["sha256"] for d in found["damaged"]] == [damaged] and found["damaged"][0]["problem"].startswith(
        "corrupt"
    )
    again = runner.invoke(app, ["reparse", "--all", "--db", db_url])
    assert again.exit_code == 1, again.output
    assert f"raw body {damaged} is corrupt" in again.output and "Traceback" not in again.output
    assert "deepseek: re-parsed 1 day(s)" in again.output  # the other vendor went on
    runs = json.loads(runner.invoke(app, ["runs", "--db", db_url, "--format", "json"]).stdout)
    assert runs[0]["trigger"] == "reparse" and runs[0]["state"] == "finished" and runs[0]["exit_code"] == 1


def test_history_treats_percent_and_underscore_as_text(engine, db_url, settings, raw, server) -> None:
    run_captures(
        engine, settings, raw, server, date(2025, 11, 19), anthropic=capture("anthropic", "2025-11-19")
    )
    for pattern in ("%", "_", "claude%"):  # never a LIKE wildcard: no model has that name
        result = runner.invoke(app, ["history", pattern, "--db", db_url, "--format", "json"])
        assert result.exit_code == 2 and f"no model matches {pattern!r}" in result.output, pattern
        assert result.stdout == ""
        listed = runner.invoke(app, ["prices", "--model", pattern, "--db", db_url, "--format", "json"])
        assert listed.exit_code == 2 and f"no model matches {pattern!r}" in listed.output, pattern


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ("[settings]\ndownload_timeout = -1\n", "download_timeout: -1 must be above 0"),
        ("[settings]\nmax_body_bytes = 0\n", "max_body_bytes: 0 must be above 0"),
        ('[vendors.anthropic]\nparser = "nosuch"\n', "no parser named 'nosuch'"),
    ],
)
def test_bad_settings_exit_78_in_one_line(tmp_path: Path, sqlite_url: str, toml: str, said: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    result = runner.invoke(app, ["run", "--config", str(config), "--db", sqlite_url])
    assert result.exit_code == 78 and said in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("db", "said"),
    [("nosuch://x", "unsupported database URL scheme 'nosuch'"), ("/plain/path.db", "is not a database URL")],
)
@pytest.mark.parametrize("command", [["run"], ["prices"], ["backfill", "."]])
def test_bad_database_urls_exit_78_in_one_line(db: str, said: str, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--db", db])
    assert result.exit_code == 78, result.output
    assert said in result.output and "Traceback" not in result.output


def test_a_read_command_never_creates_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "ratecard.db"
    result = runner.invoke(app, ["prices", "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 78 and "no database at" in result.output
    assert not missing.exists() and not missing.parent.exists()
