"""Prices a page announces for a later day: validity dates, not duplicates; withdrawals never surface.

The 2026-04-17 Anthropic capture, mangled so Opus 4.7 is priced "through" a day and again "starting"
the next, is served for nights before the switch; the pipeline keeps the announced price as a
span that starts in the future.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from golden import mangle
from helpers import capture, change_rows, price_rows, run_captures

from ratecard.db import session

ROW = "| Claude Opus 4.7     | $5 / MTok         | $6.25 / MTok    | $10 / MTok      | $0.50 / MTok | $25 / MTok    |"
THROUGH = ROW.replace("Claude Opus 4.7    ", "Claude Opus 4.7 (through May 31, 2026)")
STARTING = (
    "| Claude Opus 4.7 ([starting June 1, 2026](/docs/en/about-claude/pricing#changes)) "
    "| $6 / MTok | $7.50 / MTok | $12 / MTok | $0.60 / MTok | $30 / MTok |"
)
D1, D2, D3 = date(2026, 4, 20), date(2026, 4, 25), date(2026, 5, 5)
SWITCH = date(2026, 6, 1)


def page(tmp_path: Path, name: str, text: str) -> Path:
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    return out


def opus_input(engine, day: date) -> Decimal | None:  # type: ignore[no-untyped-def]
    with session(engine) as s:
        rows = price_rows(s, day, 99, "anthropic", "claude-opus-4-7")
    found = [r["value"] for r in rows if (r["field"], r["tier"]) == ("input", "standard")]
    return found[0] if found else None


def test_an_announced_price_takes_effect_on_its_day_and_a_withdrawal_never_surfaces(
    engine, settings, raw, server, tmp_path
) -> None:
    original = capture("anthropic", "2026-04-17").read_text(encoding="utf-8")
    announced = mangle(original, ROW, f"{THROUGH}\n{STARTING}")
    first = run_captures(engine, settings, raw, server, D1, anthropic=page(tmp_path, "a.md", announced))
    assert first.exit_code == 0, first.outcomes
    assert opus_input(engine, D1) == Decimal(5)
    assert opus_input(engine, date(2026, 5, 31)) == Decimal(5)
    assert opus_input(engine, SWITCH) == Decimal(6)  # the announced price, from its own day
    with session(engine) as s:
        scheduled = [c for c in change_rows(s) if c["kind"] == "scheduled"]
    assert {(c["field"], c["old"], c["new"], c["date"]) for c in scheduled if c["tier"] == "standard"} >= {
        ("input", Decimal(5), Decimal(6), SWITCH),
        ("output", Decimal(25), Decimal(30), SWITCH),
    }

    # A later night for an earlier day than the switch is not "late": future spans do not block it.
    other = mangle(announced, "| Claude Opus 4.6     | $5 / MTok ", "| Claude Opus 4.6     | $5.50 / MTok ")
    second = run_captures(engine, settings, raw, server, D2, anthropic=page(tmp_path, "b.md", other))
    assert second.exit_code == 0, second.outcomes

    # The page withdraws the change: the announced price is deleted and never was in force.
    third = run_captures(engine, settings, raw, server, D3, anthropic=page(tmp_path, "c.md", original))
    assert third.exit_code == 0, third.outcomes
    assert opus_input(engine, SWITCH) == Decimal(5)
    assert opus_input(engine, date(2026, 9, 1)) == Decimal(5)
    with session(engine) as s:
        rows = change_rows(s)
    withdrawn = [c for c in rows if c["kind"] == "withdrawn" and c["model"] == "claude-opus-4-7"]
    assert ("input", Decimal(6), None, SWITCH) in {
        (c["field"], c["old"], c["new"], c["date"]) for c in withdrawn
    }
    assert not [c for c in rows if c["model"] == "claude-opus-4-7" and c["kind"] == "changed"]
