"""Cross-check, derivation, staleness and quarantine, on real captures, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from helpers import capture, change_rows, price_rows, run_captures
from sqlmodel import select
from typer.testing import CliRunner

from ratecard.capture_server import Route
from ratecard.cli import app
from ratecard.config.settings import Convention
from ratecard.db import session
from ratecard.derive.tables import AnomalyRecord
from ratecard.registry.tables import CheckRecord

LITELLM = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
PAGE = capture("anthropic", "2025-11-19").read_text(encoding="utf-8")
D1, D2 = date(2025, 11, 19), date(2025, 11, 20)
STALE = {"anthropic": 3}


def serve(server, path: str, text: str) -> str:  # type: ignore[no-untyped-def]
    return server.add(path, Route(text.encode(), content_type="text/markdown"))


def prices(
    engine, day: date, model: str, tier: str = "standard", vendor: str = "anthropic"
) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    with session(engine) as s:
        return {
            r["field"]: r
            for r in price_rows(s, day, STALE, vendor)
            if r["model"] == model and r["tier"] == tier
        }


def test_crosscheck_against_litellm_copy_is_stored_with_the_run(engine, settings, raw, server) -> None:
    checked = replace(settings, registries=(str(LITELLM),))
    report = run_captures(engine, checked, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    with session(engine) as s:
        rows = {(r.model, r.field, r.tier): r for r in s.exec(select(CheckRecord)).all()}
    agree = rows[("claude-sonnet-4-5", "input", "standard")]
    assert (agree.outcome, agree.ours, agree.theirs) == ("agree", Decimal(3), Decimal(3))
    assert (agree.registry_key, agree.match_rule) == ("claude-sonnet-4-5", "exact")
    opus3 = rows[("claude-3-opus", "input", "standard")]
    assert (opus3.registry_key, opus3.match_rule) == ("claude-3-opus-20240229", "dated")
    wrong = rows[("claude-3-opus", "cache_write_1h", "standard")]
    assert (wrong.outcome, wrong.ours, wrong.theirs) == ("disagree", Decimal(30), Decimal(6))
    assert wrong.rel_diff == Decimal("-0.8")
    assert rows[("claude-sonnet-4-5", "batch_input", "standard")].outcome == "vendor_only"
    assert rows[("claude-sonnet-4-5", "cache_read", "context>200k")].outcome == "registry_only"
    assert {r.run_id for r in rows.values()} == {report.run_id}
    assert agree.registry_date == date(2025, 12, 29)
    import hashlib

    assert agree.registry_version == hashlib.sha256(LITELLM.read_bytes()).hexdigest()
    assert not any(
        r.ours is not None
        and r.outcome != "registry_only"
        and r.field == "cache_read"
        and r.tier == "context>200k"
        for r in rows.values()
    )  # derived values are not evidence


def test_missing_rates_are_derived_from_the_documented_convention(engine, settings, raw, server) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    lc = prices(engine, D1, "claude-sonnet-4-5", "context>200k")
    assert lc["input"]["usd_per_mtok"] == Decimal(6) and lc["input"]["status"] == "verified"
    assert lc["cache_read"]["usd_per_mtok"] == Decimal("0.6")
    assert lc["cache_read"]["status"] == "inferred"
    assert (
        lc["cache_read"]["reason"]
        == "cache_read = 0.1 × input: Anthropic documents cache reads at 0.1× base input"
    )
    assert lc["batch_output"]["usd_per_mtok"] == Decimal("11.25")  # 0.5 × 22.50
    std = prices(engine, D1, "claude-sonnet-4-5")
    assert {r["status"] for r in std.values()} == {"verified"}  # published rates win


def test_not_offered_is_recorded_and_never_derived_over(engine, settings, raw, server) -> None:
    line = next(x for x in PAGE.splitlines() if x.startswith("| Claude Haiku 3 ") and "\\$0.50 / MTok" in x)
    page = PAGE.replace(line, line.replace("\\$0.50 / MTok", "-", 1))
    run_captures(engine, settings, raw, server, D1, anthropic=serve(server, "/p.md", page))
    haiku = prices(engine, D1, "claude-3-haiku")
    assert haiku["cache_write_1h"]["status"] == "not_offered" and haiku["cache_write_1h"]["value"] is None


def test_switch_from_inferred_to_published_is_in_the_changelog(engine, settings, raw, server) -> None:
    start = PAGE.index("### Batch processing")
    no_batch = PAGE[:start] + PAGE[PAGE.index("### Long context pricing") :]
    run_captures(engine, settings, raw, server, D1, anthropic=serve(server, "/a.md", no_batch))
    assert prices(engine, D1, "claude-opus-4-1")["batch_input"]["status"] == "inferred"
    run_captures(engine, settings, raw, server, D2, anthropic=serve(server, "/b.md", PAGE))
    with session(engine) as s:
        switched = [
            c for c in change_rows(s, since=D2) if c["model"] == "claude-opus-4-1" and c["tier"] == "standard"
        ]
    assert [(c["field"], c["kind"], c["old_status"], c["new_status"]) for c in switched] == [
        ("batch_input", "status", "inferred", "verified"),
        ("batch_output", "status", "inferred", "verified"),
    ]
    assert switched[0]["reason"].startswith(
        "now published by the vendor (was inferred: batch_input = 0.5 × input"
    )


def test_a_convention_change_re_derives_and_says_why(engine, settings, raw, server) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    vendor = settings.vendors["anthropic"]
    new_rule = Convention("cache_read", "input", Decimal("0.12"), "test: a changed convention")
    changed = replace(
        vendor, conventions=tuple(c if c.field != "cache_read" else new_rule for c in vendor.conventions)
    )
    run_captures(
        engine,
        replace(settings, vendors={**settings.vendors, "anthropic": changed}),
        raw,
        server,
        D2,
        anthropic=capture("anthropic", "2025-11-19"),
    )
    with session(engine) as s:
        rows = change_rows(s, since=D2)
    assert [(c["model"], c["field"], c["tier"], c["old"], c["new"]) for c in rows] == [
        ("claude-sonnet-4", "cache_read", "context>200k", Decimal("0.6"), Decimal("0.72")),
        ("claude-sonnet-4-5", "cache_read", "context>200k", Decimal("0.6"), Decimal("0.72")),
    ]
    assert rows[0]["reason"].startswith(
        "re-derived: cache_read = 0.12 × input: test: a changed convention (was:"
    )


def test_rates_age_to_stale_while_a_vendor_keeps_failing(engine, settings, raw, server) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    down = server.add("/down", Route(b"", status=500))
    for d in range(20, 25):
        report = run_captures(engine, settings, raw, server, date(2025, 11, d), anthropic=down)
        assert report.exit_code == 1
    fresh = prices(engine, date(2025, 11, 22), "claude-opus-4-1")["input"]
    assert (fresh["status"], fresh["stale"]) == ("verified", False)
    late = prices(engine, date(2025, 11, 23), "claude-opus-4-1")["input"]
    assert (late["status"], late["stale"], late["usd_per_mtok"]) == ("verified", True, Decimal(15))
    assert "last verified 2025-11-19, 4 days before 2025-11-23" in late["reason"]
    from helpers import flag_rows

    with session(engine) as s:
        flags = flag_rows(s, date(2025, 11, 24), STALE)
    assert any(f["kind"] == "failing" and "HTTP 500" in f["why"] for f in flags)
    assert sum(f["kind"] == "stale" for f in flags) == 79  # every priced rate (flags are not rates)


def test_a_100x_jump_is_quarantined_until_a_person_accepts_it(engine, db_url, settings, raw, server) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=capture("anthropic", "2025-11-19"))
    line = next(x for x in PAGE.splitlines() if x.startswith("| Claude Opus 4.1 ") and "Base" not in x)
    jumped = PAGE.replace(line, line.replace("\\$15 / MTok", "\\$1500 / MTok", 1), 1)
    report = run_captures(engine, settings, raw, server, D2, anthropic=serve(server, "/j.md", jumped))
    assert report.exit_code == 1
    assert "claude-opus-4-1 input moved 15 -> 1500 (100.0×, limit 10×)" in (report.outcomes[0].message or "")
    assert prices(engine, D2, "claude-opus-4-1")["input"]["usd_per_mtok"] == Decimal(15)
    with session(engine) as s:
        assert change_rows(s, since=D2) == []
        [anomaly] = s.exec(select(AnomalyRecord)).all()
    assert (anomaly.model, anomaly.field, anomaly.old, anomaly.new) == ("claude-opus-4-1", "input", 15, 1500)
    again = run_captures(
        engine, settings, raw, server, date(2025, 11, 21), anthropic=serve(server, "/j.md", jumped)
    )
    assert again.exit_code == 1
    runner = CliRunner()
    flags = runner.invoke(
        app, ["flags", "--db", db_url, "--kind", "anomaly", "--as-of", "2025-11-21", "--format", "json"]
    )
    assert [f["id"] for f in json.loads(flags.stdout)] == [anomaly.id]  # reported once, not every night
    ok = runner.invoke(app, ["accept", str(anomaly.id), "--by", "alice", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert prices(engine, D2, "claude-opus-4-1")["input"]["usd_per_mtok"] == Decimal(1500)
    assert prices(engine, D1, "claude-opus-4-1")["input"]["usd_per_mtok"] == Decimal(15)
    with session(engine) as s:
        [row] = change_rows(s, since=D2)
    assert (row["kind"], row["old"], row["new"], row["date"]) == ("changed", 15, 1500, D2)
    assert row["reason"].startswith("accepted by alice at ")
    twice = runner.invoke(app, ["accept", str(anomaly.id), "--db", db_url])
    assert twice.exit_code == 1 and "already accepted by alice" in twice.output


def test_a_value_in_the_wrong_unit_is_held_and_accept_warns(engine, db_url, settings, raw, server) -> None:
    google = capture("google", "2025-11-21").read_text(encoding="utf-8")
    run_captures(engine, settings, raw, server, D1, google=serve(server, "/g1.md", google))
    # Gemini 2.5 Pro's Maps grounding printed at its per-token input price: $1.25/MTok is $0.00000125
    # a token, and "$0.00125 / 1,000" is $0.00000125 a request
    start = google.index("*`gemini-2.5-pro`*")
    maps = "then $25 / 1,000 grounded prompts"
    at = google.index(maps, start)
    edited = google[:at] + "then $0.00125 / 1,000 grounded prompts" + google[at + len(maps) :]
    report = run_captures(engine, settings, raw, server, D2, google=serve(server, "/g2.md", edited))
    assert report.exit_code == 1
    message = report.outcomes[0].message or ""
    assert "gemini-2.5-pro maps_grounding" in message and "a change of unit at the source" in message
    assert prices(engine, D2, "gemini-2.5-pro", vendor="google")["maps_grounding"]["value"] == Decimal(
        25
    )  # kept
    with session(engine) as s:
        [anomaly] = s.exec(select(AnomalyRecord)).all()
    assert anomaly.kind == "unit_change"
    ok = CliRunner().invoke(app, ["accept", str(anomaly.id), "--by", "alice", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "looks like a change of unit" in ok.stderr and "a value in the wrong unit" in ok.stderr
    assert "equals input per token (1.25 per MTok)" in ok.stderr
    assert prices(engine, D2, "gemini-2.5-pro", vendor="google")["maps_grounding"]["value"] == Decimal(
        "0.00125"
    )


def test_crosscheck_and_flags_commands_report_and_write_a_patch(
    db_url, settings, raw, server, tmp_path
) -> None:
    from datetime import UTC, datetime

    from ratecard.db import open_db
    from ratecard.manifest import Origin
    from ratecard.pipeline import run_day

    engine = open_db(db_url)
    served = server.add_capture("anthropic", capture("anthropic", "2025-11-19"))
    page = "https://docs.claude.com/en/docs/about-claude/pricing.md"  # the capture's own URL (an archive's)
    vendor = replace(settings.vendors["anthropic"], start_urls=(served,), allowed_hosts=())
    checked = replace(settings, registries=(str(LITELLM),), vendors={**settings.vendors, "anthropic": vendor})
    origins = {served: Origin(page, datetime(2025, 11, 19, 12, tzinfo=UTC))}
    run_day(engine, checked, raw, D1, ["anthropic"], origins=origins)
    runner = CliRunner()
    out = runner.invoke(app, ["crosscheck", "--db", db_url, "--registry", "litellm", "--format", "json"])
    rows = json.loads(out.stdout)
    opus = next(r for r in rows if r["model"] == "claude-3-opus" and r["field"] == "cache_write_1h")
    assert (opus["outcome"], opus["ours"], opus["registry"], opus["rel_diff"]) == (
        "disagree",
        "30",
        "6",
        "-0.8",
    )
    flags = runner.invoke(
        app, ["flags", "--db", db_url, "--kind", "disagree", "--as-of", "2025-11-19", "--format", "json"]
    )
    assert {(f["model"], f["field"]) for f in json.loads(flags.stdout)} == {
        ("claude-3-haiku", "cache_write_1h"),
        ("claude-3-5-haiku", "cache_write_1h"),
        ("claude-3-opus", "cache_write_1h"),
    }
    target = tmp_path / "patch.json"
    done = runner.invoke(app, ["crosscheck", "--db", db_url, "--patch", "litellm", "-o", str(target)])
    assert done.exit_code == 0, done.output
    doc = json.loads(target.read_text())["anthropic"]
    assert doc["format"] == "ratecard-litellm-patch/1" and doc["refused_sources"] == []
    change = next(
        c
        for c in doc["changes"]
        if c["key"] == "claude-3-opus-20240229" and c["field"] == "cache_creation_input_token_cost_above_1hr"
    )
    # Per-token numbers as LiteLLM writes them, the vendor's page and the capture date as evidence.
    assert (change["new"], change["old"], change["action"]) == (3e-05, 6e-06, "correct")
    assert change["evidence"] == {"url": page, "captured": "2025-11-19"}
    assert doc["apply"]["claude-3-opus-20240229"]["cache_creation_input_token_cost_above_1hr"] == 3e-05
    engine.dispose()
