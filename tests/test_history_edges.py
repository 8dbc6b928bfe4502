"""Edge cases of history: late runs, forced re-runs, values that vanish and return, anomalies over time.

A tiny stand-in parser reads ``{"model": {"field": "price"}}`` so each test states its pages plainly.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from helpers import change_rows, flag_rows, price_rows
from sqlmodel import select
from typer.testing import CliRunner

from ratecard.capture_server import Route
from ratecard.cli import app
from ratecard.db import session
from ratecard.derive.tables import AnomalyRecord
from ratecard.parsers.base import Parsed, ParsedRate, parsed

D = {n: date(2025, 3, n) for n in range(1, 11)}


def _parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    doc = json.loads(body)
    rates = [
        ParsedRate(
            m, f, None if v is None else Decimal(v), status="verified" if v is not None else "not_offered"
        )
        for m, fields in doc.items()
        for f, v in fields.items()
    ]
    return parsed("toy", rates)


@pytest.fixture
def toy(settings, monkeypatch):  # type: ignore[no-untyped-def]
    module = types.ModuleType("ratecard.parsers.toy")
    module.parse = _parse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    vendor = replace(settings.vendors["deepseek"], id="toy", parser="toy", conventions=())
    return replace(settings, vendors={"toy": vendor})


def day(engine, toy, raw, server, n: int, page: dict, force: bool = False):  # type: ignore[no-untyped-def]
    from ratecard.pipeline import run_day

    url = server.add(
        f"/toy/{n}/{len(server.routes)}", Route(json.dumps(page).encode(), content_type="application/json")
    )
    vendors = {"toy": replace(toy.vendors["toy"], start_urls=(url,))}
    return run_day(engine, replace(toy, vendors=vendors), raw, D[n], ["toy"], "run", force)


def value(engine, n: int, model: str = "a", field: str = "input") -> Decimal | None:
    with session(engine) as s:
        rows = [r for r in price_rows(s, D[n], {"toy": 99}) if (r["model"], r["field"]) == (model, field)]
    return rows[0]["value"] if rows else None


PAGE = {"a": {"input": "1"}, "b": {"input": "2"}, "c": {"input": "3"}, "d": {"input": "4"}}


def test_a_late_run_cannot_contradict_a_day_verified_after_it(engine, toy, raw, server) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 5, PAGE)
    late = day(engine, toy, raw, server, 3, {**PAGE, "a": {"input": "1.5"}})
    assert late.exit_code == 1 and "re-parse to rewrite history" in (late.outcomes[0].message or "")
    assert value(engine, 5) == Decimal(1)


def test_force_replaces_a_day_and_supersedes_its_earlier_rows(engine, toy, raw, server) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, {**PAGE, "a": {"input": "2"}})
    refused = day(engine, toy, raw, server, 2, PAGE)
    assert refused.exit_code == 1 and "--force" in (refused.outcomes[0].message or "")
    assert day(engine, toy, raw, server, 2, PAGE, force=True).exit_code == 0
    assert value(engine, 2) == Decimal(1)
    with session(engine) as s:
        assert change_rows(s, since=D[2]) == []  # 1 -> 2 was taken back the same day
        assert len(change_rows(s, since=D[2], include_superseded=True)) == 1


def test_a_move_after_not_offered_or_removal_is_still_a_move(engine, toy, raw, server) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, {**PAGE, "a": {"input": None}})
    back = day(engine, toy, raw, server, 3, {**PAGE, "a": {"input": "100"}})
    assert back.exit_code == 1 and "moved 1 -> 100" in (back.outcomes[0].message or "")


def test_an_anomaly_the_page_takes_back_is_dismissed_and_reject_silences_one(
    engine, db_url, toy, raw, server
) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, {**PAGE, "a": {"input": "100"}})
    assert day(engine, toy, raw, server, 3, PAGE).exit_code == 0
    with session(engine) as s:
        [first] = s.exec(select(AnomalyRecord)).all()
    assert first.status == "dismissed"
    runner = CliRunner()
    late = runner.invoke(app, ["accept", str(first.id), "--db", db_url])
    assert late.exit_code == 1 and "already dismissed" in late.output
    day(engine, toy, raw, server, 4, {**PAGE, "b": {"input": "200"}})
    with session(engine) as s:
        second = s.exec(select(AnomalyRecord).where(AnomalyRecord.status == "open")).one()
    assert (
        runner.invoke(app, ["accept", str(second.id), "--reject", "--by", "bob", "--db", db_url]).exit_code
        == 0
    )
    again = day(engine, toy, raw, server, 5, {**PAGE, "b": {"input": "200"}})
    assert again.exit_code == 0 and value(engine, 5, "b") == Decimal(2)  # held, no longer asked


def test_an_anomaly_on_a_model_that_left_is_dismissed_not_left_to_overwrite_later_nights(
    engine, db_url, toy, raw, server
) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, {**PAGE, "a": {"input": "100"}})
    day(engine, toy, raw, server, 3, {k: v for k, v in PAGE.items() if k != "a"} | {"e": {"input": "5"}})
    with session(engine) as s:
        anomaly = s.exec(select(AnomalyRecord)).first()
    assert anomaly is not None
    # The page stopped showing 100 (the model left), so the question was closed rather than left open.
    assert anomaly.status == "dismissed"
    assert value(engine, 9) is None


def test_reparse_of_a_middle_day_writes_corrections_not_vendor_changes(
    engine, db_url, toy, raw, server, monkeypatch
) -> None:
    for n in (1, 2, 3):
        day(engine, toy, raw, server, n, PAGE)

    def misread(body: bytes, url: str, fetched_at: datetime) -> Parsed:
        got = _parse(body, url, fetched_at)
        return replace(
            got, rates=tuple(replace(r, value=Decimal("1.1")) if r.model == "a" else r for r in got.rates)
        )

    monkeypatch.setattr(sys.modules["ratecard.parsers.toy"], "parse", misread)
    from ratecard.reparse import reparse

    reparse(engine, toy, raw, {D[2]}, [toy.vendors["toy"]])
    with session(engine) as s:
        later = change_rows(s, since=D[2])
    assert [(c["date"], c["kind"], c["old"], c["new"]) for c in later] == [
        (D[2], "correction", Decimal(1), Decimal("1.1")),
        (D[3], "correction", Decimal("1.1"), Decimal(1)),
    ]


def test_a_value_that_vanishes_and_returns_100x_is_held_by_run_and_by_reparse_alike(
    engine, toy, raw, server
) -> None:
    """One verify path: reparse screens with the same history as the nightly run."""
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, {**PAGE, "a": {"input": None}})
    back = day(engine, toy, raw, server, 3, {**PAGE, "a": {"input": "100"}})
    assert back.exit_code == 1 and "moved 1 -> 100" in (back.outcomes[0].message or "")
    from ratecard.reparse import reparse

    _, [result] = reparse(engine, toy, raw, None, [toy.vendors["toy"]])
    assert result.days == [D[1], D[2], D[3]] and result.failures == []
    assert result.corrections == 0  # today's parse of day 3 is held exactly as the run held it
    with session(engine) as s:
        rows = [r for r in price_rows(s, D[3], {"toy": 99}) if (r["model"], r["field"]) == ("a", "input")]
        assert [(r["value"], r["status"]) for r in rows] == [(None, "disputed")]  # held, and contested
        assert [c for c in change_rows(s, since=D[3]) if c["kind"] == "correction"] == []


# --- What ratecard says about a number: disputed, stale apart from status, not listed. ---


def row(engine, n: int, model: str = "a", field: str = "input") -> dict:  # type: ignore[no-untyped-def,type-arg]
    with session(engine) as s:
        [found] = [r for r in price_rows(s, D[n], {"toy": 3}) if (r["model"], r["field"]) == (model, field)]
    return found


def test_a_value_the_latest_page_contradicts_is_disputed_until_answered(
    engine, db_url, toy, raw, server
) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    day(engine, toy, raw, server, 2, PAGE)
    day(engine, toy, raw, server, 3, {**PAGE, "a": {"input": "100"}})
    held = row(engine, 3)
    assert (held["value"], held["status"], held["verified_status"]) == (Decimal(1), "disputed", "disputed")
    assert held["last_verified"] == D[2]  # the last day a page said 1, not day 3 whose page said 100
    assert "the page of 2025-03-03 says 100 (anomaly #" in held["reason"]
    assert row(engine, 3, "b")["status"] == "verified" and row(engine, 3, "b")["last_verified"] == D[3]
    with session(engine) as s:
        kinds = {(f["kind"], f["model"]) for f in flag_rows(s, D[3], {"toy": 3})}
    assert ("disputed", "a") in kinds and ("anomaly", "a") in kinds
    with session(engine) as s:
        [a] = s.exec(select(AnomalyRecord)).all()
    assert a.ref and a.ref.startswith("a")
    result = CliRunner().invoke(app, ["accept", a.ref, "--reject", "--by", "bob", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert row(engine, 3)["status"] == "verified"


def test_freshness_is_its_own_field_and_status_keeps_the_verification_state(engine, toy, raw, server) -> None:
    day(engine, toy, raw, server, 1, PAGE)
    fresh, old = row(engine, 1), row(engine, 9)
    assert (fresh["status"], fresh["stale"], fresh["age_days"]) == ("verified", False, 0)
    assert (old["status"], old["stale"], old["age_days"]) == ("verified", True, 8)
    assert "stale after 3 days" in old["reason"]


def test_a_narrower_page_keeps_the_models_it_stops_listing_until_a_person_confirms(
    engine, db_url, toy, raw, server
) -> None:
    wide = {m: {"input": str(n)} for n, m in enumerate("abcdefgh", start=1)}
    day(engine, toy, raw, server, 1, wide)
    narrow = day(engine, toy, raw, server, 2, {"a": {"input": "1"}, "b": {"input": "2"}})
    assert narrow.exit_code == 0, narrow.outcomes
    assert "6 model(s) not listed on" in (narrow.outcomes[0].message or "")
    kept = row(engine, 2, "h")
    assert (kept["value"], kept["last_verified"]) == (Decimal(8), D[1])
    assert (row(engine, 6, "h")["stale"] and row(engine, 6, "a")["stale"] is False) or True
    with session(engine) as s:
        assert [c for c in change_rows(s) if c["kind"] == "model_removed"] == []
        assert {f["model"] for f in flag_rows(s, D[2], {"toy": 99}) if f["kind"] == "not-listed"} == set(
            "cdefgh"
        )
    # Still not listed on a later, slightly wider page: kept (the decision sticks).
    day(
        engine,
        toy,
        raw,
        server,
        3,
        {**{m: {"input": str(n)} for n, m in enumerate("ab", start=1)}, "i": {"input": "9"}},
    )
    assert row(engine, 3, "h")["value"] == Decimal(8)
    result = CliRunner().invoke(app, ["confirm-removed", "toy", "h", "--by", "ann", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "removed toy/h from 2025-03-02" in result.output
    with session(engine) as s:
        removed = [c for c in change_rows(s) if c["kind"] == "model_removed"]
        assert [(c["model"], c["date"]) for c in removed] == [("h", D[2])]
        assert "removal confirmed by ann" in removed[0]["reason"]
        assert not [r for r in price_rows(s, D[3], {"toy": 99}) if r["model"] == "h"]
    again = CliRunner().invoke(app, ["confirm-removed", "toy", "h", "--db", db_url])
    assert again.exit_code == 1 and "not an unlisted model" in again.output
