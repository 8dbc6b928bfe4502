"""A parser fix repairs history from the raw store: corrections, not vendor-side price changes."""

from __future__ import annotations

import itertools
import json
import sys
import types
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import capture, change_rows, price_rows, run_captures
from sqlalchemy import text
from test_export import raised_haiku_input
from typer.testing import CliRunner

from ratecard.capture_server import Route
from ratecard.cli import app
from ratecard.db import session
from ratecard.parsers import anthropic
from ratecard.parsers.base import Parsed

DAYS = [date(2025, 10, 25), date(2025, 10, 29), date(2025, 11, 19)]


def _buggy(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    """Anthropic's parser with an injected bug: Opus 4.1 input read one digit short (1.5, not 15)."""
    good = anthropic.parse(body, url, fetched_at)
    rates = tuple(
        replace(r, value=r.value / 10)
        if (r.model, r.field, r.tier) == ("claude-opus-4-1", "input", "standard") and r.value
        else r
        for r in good.rates
    )
    return replace(good, rates=rates)


@pytest.fixture
def buggy_parser(monkeypatch: pytest.MonkeyPatch) -> str:
    module = types.ModuleType("ratecard.parsers.buggy_anthropic")
    module.parse = _buggy  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return "buggy_anthropic"


def opus_input(engine, day: date) -> dict:  # type: ignore[no-untyped-def,type-arg]
    with session(engine) as s:
        rows = price_rows(s, day, {"anthropic": 3}, "anthropic", "claude-opus-4-1")
    return next(r for r in rows if r["field"] == "input" and r["tier"] == "standard")


def test_reparse_fixes_an_injected_parser_bug_across_three_dates(
    engine, db_url, settings, raw, server, buggy_parser
) -> None:
    vendor = replace(settings.vendors["anthropic"], parser=buggy_parser)
    buggy = replace(settings, vendors={**settings.vendors, "anthropic": vendor})
    for day in DAYS:
        assert (
            run_captures(
                engine, buggy, raw, server, day, anthropic=capture("anthropic", day.isoformat())
            ).exit_code
            == 0
        )
    assert opus_input(engine, DAYS[1])["usd_per_mtok"] == Decimal("1.5")
    with session(engine) as s:
        before = change_rows(s)
    assert any(
        c["model"] == "claude-opus-4-1" and c["field"] == "input" and c["new"] == Decimal("1.5")
        for c in before
    )

    result = CliRunner().invoke(app, ["reparse", "--all", "--db", db_url])  # bundled config: the fixed parser
    assert result.exit_code == 0, result.output
    assert (
        "anthropic: re-parsed 3 day(s) (2025-10-25..2025-11-19): "
        "1 correction(s), 1 change row(s) superseded, 1 change(s) found" in result.output
    )

    for day in DAYS:
        assert opus_input(engine, day)["usd_per_mtok"] == Decimal(15)
    with session(engine) as s:
        after = change_rows(s)
        everything = change_rows(s, include_superseded=True)
    [fix] = [c for c in after if c["kind"] == "correction"]
    assert (fix["date"], fix["model"], fix["field"], fix["old"], fix["new"]) == (
        DAYS[0],
        "claude-opus-4-1",
        "input",
        Decimal("1.5"),
        Decimal(15),
    )
    assert fix["reason"].startswith("correction by reparse")
    [found] = [c for c in after if c["reason"] and c["reason"].startswith("found by reparse")]
    assert (found["kind"], found["new"]) == ("model_added", Decimal(15))
    [old] = [c for c in everything if c["superseded_by"] is not None]
    assert (old["new"], old["superseded_by"]) == (Decimal("1.5"), fix["run_id"])
    # No vendor-side price change was invented for the fix: every other row is as it was.
    untouched = [
        c for c in after if c["kind"] != "correction" and not (c["reason"] or "").startswith("found by")
    ]
    assert len(untouched) == len(before) - 1


def test_reparse_of_unchanged_history_changes_nothing(engine, db_url, settings, raw, server) -> None:
    for day in DAYS:
        run_captures(engine, settings, raw, server, day, anthropic=capture("anthropic", day.isoformat()))
    with session(engine) as s:
        before = change_rows(s)
    result = CliRunner().invoke(
        app, ["reparse", "--from", "2025-10-29", "--to", "2025-11-19", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "0 correction(s), 0 change row(s) superseded, 0 change(s) found" in result.output
    with session(engine) as s:
        assert change_rows(s) == before
    runs = json.loads(CliRunner().invoke(app, ["runs", "--db", db_url, "--format", "json"]).stdout)
    assert runs[0]["trigger"] == "reparse" and runs[0]["exit_code"] == 0


def spans_of(engine) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with session(engine) as s:
        rows = s.execute(
            text("SELECT model, field, tier, valid_from, valid_to, value FROM rate_spans ORDER BY 1, 2, 3, 4")
        )
        return [tuple(r) for r in rows]


def overlaps(spans: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Spans of one rate that share a day (a snapshot would hold two values of it)."""
    out = []
    for a, b in itertools.pairwise(spans):
        if a[:3] == b[:3] and (a[4] is None or str(a[4]) > str(b[3])):
            out.append(a[:3])
    return out


def test_reparse_of_an_early_day_keeps_the_stored_history_after_it(
    engine, db_url, settings, raw, server
) -> None:
    """The days after the range replay what was stored, and each day's write sees the day before's
    (it once read the table while the previous day's spans were still unwritten in the session,
    and two values of one rate came to hold at once)."""
    raised = raised_haiku_input(capture("anthropic", "2025-10-29").read_text(encoding="utf-8"))
    edited = server.add("/edited/pricing.md", Route(raised.encode(), content_type="text/markdown"))
    pages: list[Path | str] = [capture("anthropic", "2025-10-25"), capture("anthropic", "2025-10-29"), edited]
    for day, page in zip(DAYS, pages, strict=True):
        assert run_captures(engine, settings, raw, server, day, anthropic=page).exit_code == 0
    with session(engine) as s:
        before = change_rows(s)
    spans = spans_of(engine)
    assert overlaps(spans) == [] and len({x[3] for x in spans}) == 3  # changes on each of the days
    result = CliRunner().invoke(app, ["reparse", "--date", DAYS[0].isoformat(), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "0 correction(s), 0 change row(s) superseded, 0 change(s) found" in result.output
    assert spans_of(engine) == spans
    with session(engine) as s:
        assert change_rows(s) == before


def test_reparse_needs_exactly_one_selection(db_url) -> None:
    result = CliRunner().invoke(app, ["reparse", "--db", db_url])
    assert result.exit_code == 2 and "exactly one of" in result.output


def test_reparse_keeps_a_value_a_person_accepted(engine, db_url, settings, raw, server) -> None:
    from ratecard.capture_server import Route

    page = capture("anthropic", "2025-11-19").read_text(encoding="utf-8")
    line = next(x for x in page.splitlines() if x.startswith("| Claude Opus 4.1 ") and "Base" not in x)
    jumped = page.replace(line, line.replace("\\$15 / MTok", "\\$1500 / MTok", 1), 1)
    run_captures(
        engine, settings, raw, server, date(2025, 11, 19), anthropic=capture("anthropic", "2025-11-19")
    )
    url = server.add("/jump.md", Route(jumped.encode(), content_type="text/markdown"))
    assert run_captures(engine, settings, raw, server, date(2025, 11, 20), anthropic=url).exit_code == 1
    runner = CliRunner()
    assert runner.invoke(app, ["accept", "1", "--by", "alice", "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["reparse", "--all", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "0 correction(s), 0 change row(s) superseded, 0 change(s) found" in result.output
    assert opus_input(engine, date(2025, 11, 20))["usd_per_mtok"] == Decimal(1500)
    flags = json.loads(
        runner.invoke(app, ["flags", "--db", db_url, "--kind", "anomaly", "--format", "json"]).stdout
    )
    assert flags == []


def test_reparse_refuses_a_reversed_range_and_an_unknown_vendor(db_url) -> None:
    runner = CliRunner()
    backwards = runner.invoke(app, ["reparse", "--from", "2026-01-01", "--to", "2025-01-01", "--db", db_url])
    assert backwards.exit_code == 2 and "before --from" in backwards.output
    unknown = runner.invoke(app, ["reparse", "--all", "--vendor", "nosuch", "--db", db_url])
    assert unknown.exit_code == 78 and "nosuch" in unknown.output and "Traceback" not in unknown.output
