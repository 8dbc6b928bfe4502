"""The pure core, tested directly (no crawl, no HTTP): screen, derive, diff, record, check_rows, verify."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from ratecard.changelog.store import record
from ratecard.changelog.tables import ChangeRecord
from ratecard.config.settings import Convention, Settings, load
from ratecard.crawler.fetch import Fetched
from ratecard.db import open_db, session
from ratecard.derive.conventions import derive
from ratecard.derive.quarantine import Limits, screen
from ratecard.outcome import VendorFailure
from ratecard.registry.base import Registry, RegistryEntry
from ratecard.registry.record import check_rows
from ratecard.runs.tables import RunRecord
from ratecard.snapshots.diff import diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.verify import Known, verify

AT = datetime(2025, 3, 1, 12, tzinfo=UTC)
LIMITS = Limits(Decimal(2000), Decimal(10))


def fact(
    value: str | None, status: str = "verified", unit: str = "usd_per_mtok", reason: str | None = None
) -> Fact:
    amount = None if value is None else Decimal(value)
    return Fact(unit, amount, status, "https://vendor.example/pricing", "a" * 64, AT, reason)


def key(model: str = "m", field: str = "input", tier: str = "standard") -> Key:
    return (model, field, tier)


# --- screen: absurd values are held, the previous value kept ---


def test_screen_holds_a_tenfold_move_and_keeps_the_previous_value() -> None:
    held, anomalies = screen({key(): fact("1")}, {key(): fact("11")}, LIMITS)
    assert held[key()].value == Decimal(1)
    [a] = anomalies
    assert (a.kind, a.old and a.old.value, a.new.value) == ("moved", Decimal(1), Decimal(11))
    assert "11.0×" in a.message


def test_screen_lets_a_move_within_the_limit_through() -> None:
    held, anomalies = screen({key(): fact("1")}, {key(): fact("9.99")}, LIMITS)
    assert (held[key()].value, anomalies) == (Decimal("9.99"), [])


def test_screen_remembers_a_value_that_vanished_through_history() -> None:
    """Not offered yesterday, 100 today: the last priced value (1) is what it moved from."""
    previous = {key(): fact(None, "not_offered")}
    held, [a] = screen(previous, {key(): fact("100")}, LIMITS, history={key(): fact("1")})
    assert a.kind == "moved" and held[key()].value is None
    held_without, none = screen(previous, {key(): fact("100")}, LIMITS)
    assert (held_without[key()].value, none) == (Decimal(100), [])


@pytest.mark.parametrize(
    ("value", "kind"), [("-1", "negative"), ("2000.01", "above_ceiling"), ("0", "zero_not_free")]
)
def test_screen_refuses_impossible_values_of_new_keys(value: str, kind: str) -> None:
    held, [a] = screen({}, {key(): fact(value)}, LIMITS)
    assert a.kind == kind and key() not in held


def test_screen_accepts_zero_for_a_model_listed_as_free_and_an_accepted_value() -> None:
    new = {key(): fact("0"), key("m", "free"): fact(None, unit="flag")}
    assert screen({}, new, LIMITS)[1] == []
    _, anomalies = screen({key(): fact("1")}, {key(): fact("50")}, LIMITS, accepted={(key(), Decimal(50))})
    assert anomalies == []


# --- derive: fills silence only, from the vendor's documented convention ---

CACHE = Convention("cache_read", "input", Decimal("0.1"), "the vendor documents 0.1x input")


def test_derive_fills_a_missing_field_marked_inferred_with_its_rule() -> None:
    out = derive({key(): fact("3")}, [CACHE])
    derived = out[key("m", "cache_read")]
    assert (derived.value, derived.status) == (Decimal("0.3"), "inferred")
    assert derived.reason == "cache_read = 0.1 × input: the vendor documents 0.1x input"


def test_derive_never_overrides_a_published_or_not_offered_field() -> None:
    published = {key(): fact("3"), key("m", "cache_read"): fact("0.25")}
    assert derive(published, [CACHE])[key("m", "cache_read")].value == Decimal("0.25")
    dash = {key(): fact("3"), key("m", "cache_read"): fact(None, "not_offered")}
    assert derive(dash, [CACHE])[key("m", "cache_read")].status == "not_offered"
    assert key("m", "cache_read") not in derive({key(): fact(None, "not_offered")}, [CACHE])


def test_derive_from_an_inferred_base_says_so() -> None:
    out = derive({key(): fact("3", "inferred", reason="converted from CNY")}, [CACHE])
    assert "base input is itself inferred: converted from CNY" in (out[key("m", "cache_read")].reason or "")


# --- diff: one delta per difference, named by what changed ---


def test_diff_names_every_kind_of_difference() -> None:
    old = {key("a"): fact("1"), key("b"): fact("2"), key("c"): fact("3"), key("d", "x"): fact("4")}
    new = {
        key("a"): fact("1.5"),
        key("b"): fact("2", "inferred", reason="why"),
        key("c", "output"): fact("9"),
        key("e"): fact("5"),
    }
    kinds = {(d.key, d.kind) for d in diff(old, new)}
    assert kinds == {
        (key("a"), "changed"),
        (key("b"), "status"),
        (key("c"), "removed"),
        (key("c", "output"), "added"),
        (key("d", "x"), "model_removed"),
        (key("e"), "model_added"),
    }


def test_diff_ignores_provenance_only_differences() -> None:
    moved = Fact("usd_per_mtok", Decimal(1), "verified", "https://elsewhere.example", "b" * 64, AT)
    assert diff({key(): fact("1")}, {key(): moved}) == []


# --- record: audit rows cite the page that shows each change ---


def test_record_cites_the_new_page_and_the_page_that_dropped_a_value(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = open_db(f"sqlite:///{tmp_path / 'core.db'}")
    deltas = diff({key("a"): fact("1"), key("b"): fact("2")}, {key("a"): fact("1.5")})
    with session(engine) as s:
        run = RunRecord(date=date(2025, 3, 1), started_at=AT)
        s.add(run)
        s.flush()
        assert run.id is not None
        record(
            s, "v", date(2025, 3, 1), deltas, run.id, removal_source=("https://vendor.example/new", "c" * 64)
        )
        s.commit()
        rows = {r.model: r for r in s.exec(select(ChangeRecord)).all()}
    engine.dispose()
    assert (rows["a"].kind, rows["a"].old, rows["a"].new) == ("changed", Decimal(1), Decimal("1.5"))
    assert rows["a"].source_url == "https://vendor.example/pricing"
    assert (rows["b"].kind, rows["b"].source_url, rows["b"].fetch_sha256) == (
        "model_removed",
        "https://vendor.example/new",
        "c" * 64,
    )


# --- check_rows: our verified per-MTok rates against a registry ---


def test_check_rows_compares_only_verified_token_rates(settings: Settings) -> None:
    vendor = settings.vendors["anthropic"]
    registry = Registry(
        "litellm",
        "0" * 64,
        date(2025, 3, 1),
        "inline",
        {"claude-x-1": RegistryEntry("claude-x-1", "anthropic", {("input", "standard"): Decimal("3.3")})},
    )
    facts = {
        key("claude-x-1"): fact("3"),
        key("claude-x-1", "cache_read"): fact("0.3", "inferred", reason="derived"),
        key("claude-x-1", "request"): fact("0.01", unit="usd_per_request"),
    }
    [check] = check_rows(vendor, facts, [registry], date(2025, 3, 2))
    assert (check.model, check.field, check.outcome) == ("claude-x-1", "input", "disagree")
    assert (check.ours, check.theirs, check.rel_diff) == (Decimal(3), Decimal("3.3"), Decimal("0.1"))
    assert (check.registry_name, check.seen, check.source_url) == (
        "litellm",
        date(2025, 3, 2),
        "https://vendor.example/pricing",
    )


# --- verify: the whole path on fetched bodies, no network ---

PAGE = b"""| Model | Base Input Tokens | 5m Cache Writes | 1h Cache Writes | Cache Hits & Refreshes | Output Tokens |
|---|---|---|---|---|---|
| Claude Sonnet 4.5 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |
"""


def test_verify_parses_screens_and_derives_one_vendor_day() -> None:
    cfg = load()
    vendor = cfg.vendors["anthropic"]
    fetched = [Fetched("anthropic", "https://docs.example/pricing.md", 200, "text/markdown", PAGE, AT)]
    previous = {key("claude-sonnet-4-5"): fact("0.2")}
    found = verify(cfg, vendor, fetched, date(2025, 3, 1), Known(previous, previous))
    assert found.facts[key("claude-sonnet-4-5")].value == Decimal("0.2")  # 3 is a 15x move: held
    assert [a.kind for a in found.anomalies] == ["moved"]
    batch = found.facts[key("claude-sonnet-4-5", "batch_input")]
    assert (batch.status, batch.value) == ("inferred", Decimal("0.1"))  # derived from the held value
    assert found.facts[key("claude-sonnet-4-5", "output")].value == Decimal(15)
    with pytest.raises(VendorFailure, match=r"^anthropic: "):
        verify(
            cfg,
            vendor,
            [Fetched("anthropic", "https://x", 500, None, None, AT, "HTTP 500")],
            AT.date(),
            Known({}, {}),
        )
