"""The in-process API: exact prices at the rates in force when a request was made, from memory."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import capture, rate_row, run_captures
from index_check import disagreements, telling_days
from test_export import (  # noqa: F401  (replays, built per module)
    CHANGE,
    D1,
    D2,
    HAIKU,
    LONG,
    checked,
    history,
    raised_haiku_input,
)

import ratecard
from ratecard import AmbiguousModel, MissingRate, NoRates, RateBook, UnknownModel, Usage, ratebook
from ratecard.capture_server import Route
from ratecard.config.settings import load
from ratecard.db_read import open_reader
from ratecard.dbapi import DatabaseMissing, sqlite_file
from ratecard.output import to_json
from ratecard.resolve import resolve
from ratecard.rows import PriceRow
from ratecard.vendor_index import VendorIndex

SONNET = "anthropic/claude-sonnet-4-5"
TOKENS = Usage(input_tokens=1000, cache_read_tokens=2000, output_tokens=500)


def test_a_past_request_is_priced_at_the_rates_then_with_their_provenance(history: str) -> None:  # noqa: F811
    book = RateBook.open(history)
    before = book.price(f"anthropic/{HAIKU}", TOKENS, datetime(2025, 11, 5, 12, tzinfo=UTC))
    after = book.price(f"anthropic/{HAIKU}", TOKENS, date(2025, 11, 12))
    # 1000 × $1 + 2000 × $0.10 + 500 × $5 per MTok, then the input rate raised to $1.25
    assert (before.total_usd, after.total_usd) == (Decimal("0.0037"), Decimal("0.00395"))
    assert [(x.field, x.quantity, x.unit, x.rate, x.usd) for x in before.lines] == [
        ("input", 1000, "usd_per_mtok", Decimal(1), Decimal("0.001")),
        ("cache_read", 2000, "usd_per_mtok", Decimal("0.1"), Decimal("0.0002")),
        ("output", 500, "usd_per_mtok", Decimal(5), Decimal("0.0025")),
    ]
    raised = after.rates_used[0]
    assert isinstance(raised, PriceRow) and (raised.value, raised.since) == (Decimal("1.25"), CHANGE)
    assert raised.source_url.endswith("/edited/pricing.md") and len(raised.fetch_sha256) == 64
    assert (after.vendor, after.model, after.day) == ("anthropic", HAIKU, date(2025, 11, 12))
    assert (before.rates_used[0].status, before.rates_used[0].stale) == (
        "verified",
        True,
    )  # last verified 10-29, stale after 3 days
    assert any("input rate of the standard tier is stale" in n for n in before.notes)


def test_the_request_day_is_its_utc_day(history: str) -> None:  # noqa: F811
    book = RateBook.open(history)
    new_york = datetime.fromisoformat("2025-11-09T23:30:00-05:00")  # 04:30 UTC on the day of the change
    assert book.price(f"anthropic/{HAIKU}", TOKENS, new_york).day == CHANGE
    assert book.price(f"anthropic/{HAIKU}", TOKENS, datetime(2025, 11, 9, 23, 30)).day == date(2025, 11, 9)


def test_answers_come_from_memory_until_refresh(tmp_path: Path, history: str) -> None:  # noqa: F811
    path = sqlite_file(history)
    if path is None:
        pytest.skip("the file is removed to prove no read happens: SQLite only")
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())
    book = RateBook.open(f"sqlite:///{copy}")
    first = book.price(f"anthropic/{HAIKU}", TOKENS, CHANGE)
    copy.unlink()
    again = book.price(f"anthropic/{HAIKU}", Usage(input_tokens=7), CHANGE)  # same model and day
    assert first.total_usd == Decimal("0.00395") and again.total_usd == Decimal("0.00000875")
    with pytest.raises(DatabaseMissing):
        book.refresh()


def test_the_index_gives_the_rows_prices_reads_with_sql_on_every_day(history: str) -> None:  # noqa: F811
    days = telling_days(history)
    assert len(days) > 10 and CHANGE in days
    assert disagreements(history, days) == []


def test_a_model_s_spans_are_found_by_date(history: str) -> None:  # noqa: F811
    with open_reader(history) as r:
        index = VendorIndex.load(r, "anthropic", load(None).stale_after)
    haiku = index.spans(HAIKU)
    assert haiku.days[0] == date(2025, 10, 25) and CHANGE in haiku.days
    inputs = {d: [s.value for s in haiku.at(d) if s.field == "input"] for d in (D1, CHANGE, date(2030, 1, 1))}
    assert inputs == {D1: [Decimal(1)], CHANGE: [Decimal("1.25")], date(2030, 1, 1): [Decimal("1.25")]}
    assert haiku.at(date(2025, 10, 24)) == () and index.prices(HAIKU, date(2025, 10, 24)) == []
    assert index.prices("no-such-model", CHANGE) == []


def test_names_resolve_by_one_set_of_rules(history: str) -> None:  # noqa: F811
    book = RateBook.open(history)
    assert book.resolve("openrouter/anthropic/claude-3.5-haiku").rule == "vendor/id"
    # no Anthropic model of that id: OpenRouter's id contains the slash
    assert book.resolve("anthropic/claude-3.5-haiku").ref == "openrouter/anthropic/claude-3.5-haiku"
    exact = book.resolve("anthropic/claude-3.5-sonnet")
    assert (exact.ref, exact.rule) == ("openrouter/anthropic/claude-3.5-sonnet", "exact id")
    suffix = book.resolve("CLAUDE-3.5-Sonnet")
    assert (suffix.ref, suffix.rule) == ("openrouter/anthropic/claude-3.5-sonnet", "unique suffix")
    with pytest.raises(AmbiguousModel) as two:
        book.resolve(HAIKU)
    assert two.value.candidates == (f"anthropic/{HAIKU}", f"mirror/{HAIKU}")
    with pytest.raises(UnknownModel) as none:
        book.resolve("claude-haiku")
    assert f"anthropic/{HAIKU}" in none.value.suggestions and isinstance(none.value, LookupError)
    noted = book.price("claude-3.5-sonnet", Usage(output_tokens=1), date(2026, 1, 1))
    assert "'claude-3.5-sonnet' is openrouter/anthropic/claude-3.5-sonnet (by unique suffix)" in noted.notes


def test_configured_aliases_name_models(tmp_path: Path, history: str) -> None:  # noqa: F811
    config = tmp_path / "aliases.toml"
    config.write_text('[vendors.anthropic.aliases]\nclaude-opus-4-1 = "claude-opus-4-1-20250805"\n')
    book = RateBook.open(history, config=config)
    for name in ("claude-opus-4-1-20250805", "anthropic/claude-opus-4-1-20250805"):
        assert (book.resolve(name).ref, book.resolve(name).rule) == ("anthropic/claude-opus-4-1", "alias")
    assert resolve("x-20250805", [("a", "x"), ("b", "x")], {"a": {"x": "x-20250805"}}).ref == "a/x"


def test_no_model_and_no_rates_that_day_are_different_errors(history: str) -> None:  # noqa: F811
    book = RateBook.open(history)
    with pytest.raises(NoRates, match=f"no rates for anthropic/{HAIKU} on 2025-10-01"):
        book.price(f"anthropic/{HAIKU}", TOKENS, date(2025, 10, 1))
    with pytest.raises(UnknownModel, match="no model matches 'gpt-99'"):
        book.price("gpt-99", TOKENS, CHANGE)


def test_a_rate_the_request_needs_and_the_model_lacks_is_named(history: str) -> None:  # noqa: F811
    book = RateBook.open(history)
    model = "openrouter/anthropic/claude-3.5-sonnet"
    assert book.price(model, Usage(input_tokens=5, output_tokens=5), date(2026, 1, 1)).total_usd > 0
    with pytest.raises(
        MissingRate, match="has no cache_read rate on 2026-01-01, needed for cache_read_tokens"
    ):
        book.price(model, Usage(input_tokens=5, cache_read_tokens=1), date(2026, 1, 1))
    with pytest.raises(MissingRate, match="no 'service=flex' tier"):
        book.price(f"anthropic/{HAIKU}", Usage(input_tokens=5, service_tier="flex"), CHANGE)
    with pytest.raises(ValueError, match="must not be negative"):
        Usage(input_tokens=-1)
    with pytest.raises(ValueError, match="nothing to price"):  # never a $0 answer to an empty question
        book.price(f"anthropic/{HAIKU}", Usage(), CHANGE)
    with pytest.raises(TypeError, match="not a float"):
        Usage(seconds=2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="at must be a date"):
        book.price(f"anthropic/{HAIKU}", TOKENS, "2025-11-10")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fresh", "cached", "tier", "total"),
    [
        (199_999, 0, "standard", Decimal("0.629997")),  # 199,999 × $3 + 2,000 × $15 per MTok
        (200_000, 0, "standard", Decimal("0.63")),  # the threshold itself is not exceeded
        (250_000, 0, "context>200k", Decimal("1.545")),  # every token at $6 / $22.50
        (150_000, 60_000, "context>200k", Decimal("0.981")),  # cached tokens count toward it
    ],
)
def test_long_prompts_are_billed_at_the_long_context_rates_throughout(
    checked: str,  # noqa: F811
    fresh: int,
    cached: int,
    tier: str,
    total: Decimal,
) -> None:
    quote = RateBook.open(checked).price(
        SONNET, Usage(input_tokens=fresh, cache_read_tokens=cached, output_tokens=2000), LONG
    )
    assert (quote.tier, quote.total_usd) == (tier, total)
    assert {line.tier for line in quote.lines} == {tier}
    assert bool(quote.notes) is (tier != "standard")


def test_batch_prices_with_the_batch_fields_and_a_forced_tier_is_explained(checked: str) -> None:  # noqa: F811
    book = RateBook.open(checked)
    batch = book.price(SONNET, Usage(input_tokens=1000, output_tokens=100, service_tier="batch"), LONG)
    assert [(x.field, x.rate) for x in batch.lines] == [
        ("batch_input", Decimal("1.5")),
        ("batch_output", Decimal("7.5")),
    ]
    assert batch.total_usd == Decimal("0.00225")
    forced = book.price(SONNET, Usage(input_tokens=1000, output_tokens=100), LONG, tier="context>200k")
    assert forced.total_usd == Decimal("0.00825")  # 1000 × $6 + 100 × $22.50
    assert any("do not exceed the context>200k tier's threshold" in n for n in forced.notes)


UNIT_ROWS = [
    rate_row("search", "input", "1", "usd_per_mtok"),
    rate_row("search", "output", "1", "usd_per_mtok"),
    *(
        rate_row("search", "request", p, "usd_per_1k_requests", f"search_context={c}")
        for c, p in (("low", "5"), ("medium", "8"), ("high", "12"))
    ),
    rate_row("search", "web_search", "5", "usd_per_1k_requests"),
    rate_row("painter", "image_generation", "0.04", "usd_per_image", "quality=standard;size=1024x1024"),
    rate_row("painter", "image_generation", "0.08", "usd_per_image", "quality=hd;size=1024x1024"),
    rate_row("speaker", "speech_generation", "15", "usd_per_mchars"),
    rate_row("listener", "transcription", "0.006", "usd_per_minute"),
    rate_row("filmer", "video_generation", "0.1", "usd_per_second", "resolution=720p"),
    rate_row("gpt-x", "input", "2", "usd_per_mtok"),
    rate_row("gpt-x", "input", "4", "usd_per_mtok", "context=long"),
]


@pytest.fixture
def exported(tmp_path: Path) -> RateBook:
    path = tmp_path / "rates.json"
    path.write_text(to_json(UNIT_ROWS))  # what `ratecard export --format json` writes
    return RateBook.from_export(path)


def test_other_units_are_priced_exactly_by_their_tiers(exported: RateBook) -> None:
    day = date(2026, 2, 1)
    search = exported.price("v/search", Usage(input_tokens=100, searches=3, search_context="high"), day)
    # 100 tokens × $1/MTok + one request at $12/1k + three searches at $5/1k
    assert search.total_usd == Decimal("0.0001") + Decimal("0.012") + Decimal("0.015")
    assert [x.field for x in search.lines] == ["input", "request", "web_search"]
    with pytest.raises(MissingRate, match="search_context"):
        exported.price("search", Usage(input_tokens=100), day)
    image = exported.price("painter", Usage(images=3, image_size="1024x1024", image_quality="hd"), day)
    assert (image.total_usd, image.lines[0].tier) == (Decimal("0.24"), "quality=hd;size=1024x1024")
    assert exported.price("speaker", Usage(characters=2000), day).total_usd == Decimal("0.03")
    assert exported.price("listener", Usage(minutes=Decimal("2.5")), day).total_usd == Decimal("0.015")
    video = exported.price("filmer", Usage(seconds=8, video_resolution="720p"), day)
    assert video.total_usd == Decimal("0.8")
    with pytest.raises(MissingRate, match="no speech_generation rate"):
        exported.price("filmer", Usage(characters=1), day)


def test_a_long_context_tier_without_threshold_applies_only_when_asked(exported: RateBook) -> None:
    day = date(2026, 2, 1)
    plain = exported.price("gpt-x", Usage(input_tokens=1_000_000), day)
    assert plain.total_usd == Decimal(2) and any("context=long" in n for n in plain.notes)
    asked = exported.price("gpt-x", Usage(input_tokens=1_000_000), day, tier="context=long")
    assert asked.total_usd == Decimal(4) and any("states no threshold" in n for n in asked.notes)


def test_an_export_knows_no_rate_before_its_since(exported: RateBook) -> None:
    with pytest.raises(NoRates):
        exported.price("gpt-x", Usage(input_tokens=1), date(2025, 12, 31))
    assert "v/gpt-x" in exported.models()


def test_the_public_names_load_lazily_and_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom ratecard import RateBook, Usage\n"
        "heavy = sorted(m for m in ('scrapy', 'litellm', 'typer', 'rich', 'sqlalchemy', 'sqlmodel', 'pydantic')"
        " if m in sys.modules)\nprint(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert ratecard.RateBook is RateBook and "RateBook" in ratecard.__all__
    with pytest.raises(AttributeError):
        _ = ratecard.NotAThing  # type: ignore[attr-defined]


def test_an_explicit_vendor_wins_over_a_bare_id_with_a_slash() -> None:
    known = {("openai", "gpt-4o"), ("openrouter", "openai/gpt-4o"), ("azure", "gpt-4o")}
    assert resolve("openai/gpt-4o", known).ref == "openai/gpt-4o"
    assert resolve("openrouter/openai/gpt-4o", known).ref == "openrouter/openai/gpt-4o"
    with pytest.raises(AmbiguousModel, match="azure/gpt-4o, openai/gpt-4o"):
        resolve("gpt-4o", known)


def test_a_long_lived_book_sees_a_run_that_ended_since_it_read(
    engine, db_url, settings, raw, server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Within a minute of a nightly run, and without a refresh() call, requests made now are priced
    at the new rates with the new run's verification; a past request keeps its day's rates."""
    for day in (D1, D2):
        page = capture("anthropic", day.isoformat())
        assert run_captures(engine, settings, raw, server, day, anthropic=page).exit_code == 0
    now = [datetime(2025, 11, 10, 12, tzinfo=UTC).timestamp()]
    monkeypatch.setattr(ratebook, "_time", lambda: now[0])
    book = RateBook.open(db_url)
    usage = Usage(input_tokens=1_000_000)
    before = book.price(f"anthropic/{HAIKU}", usage)
    assert (before.total_usd, before.rates_used[0].last_verified) == (Decimal(1), D2)
    frozen = RateBook.open(db_url, recheck_s=None)  # never looks: only refresh() reloads it
    assert frozen.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal(1)
    raised = raised_haiku_input(capture("anthropic", "2025-10-29").read_text(encoding="utf-8"))
    edited = server.add("/edited/pricing.md", Route(raised.encode(), content_type="text/markdown"))
    assert run_captures(engine, settings, raw, server, CHANGE, anthropic=edited).exit_code == 0
    assert book.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal(1)  # from memory, until...
    now[0] += ratebook.RECHECK_S
    after = book.price(f"anthropic/{HAIKU}", usage)
    assert (after.total_usd, after.rates_used[0].last_verified, after.day) == (
        Decimal("1.25"),
        CHANGE,
        CHANGE,
    )
    assert book.price(f"anthropic/{HAIKU}", usage, D2).total_usd == Decimal(1)
    assert frozen.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal(1)
    frozen.refresh()
    assert frozen.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal("1.25")
    # a database that cannot be reached at the next look: the book goes on answering from memory
    book.source = type(book.source)("sqlite:////nonexistent/x.db", load(None).stale_after)
    now[0] += 2 * ratebook.RECHECK_S
    assert book.price(f"anthropic/{HAIKU}", usage).total_usd == Decimal("1.25")


def test_a_failed_night_neither_verifies_nor_confirms_anything(engine, db_url, settings, raw, server) -> None:  # type: ignore[no-untyped-def]
    """A run that fails after verified ones (a 500: a fetch logged without a body) changes no row:
    the index agrees with `ratecard prices` on every day around it."""
    for day in (D1, D2):
        page = capture("anthropic", day.isoformat())
        assert run_captures(engine, settings, raw, server, day, anthropic=page).exit_code == 0
    broken = server.add("/broken/pricing.md", Route(b"oops", status=500))
    assert run_captures(engine, settings, raw, server, CHANGE, anthropic=broken).exit_code != 0
    days = telling_days(db_url)
    assert CHANGE in days and disagreements(db_url, days) == []
    row = RateBook.open(db_url).price(f"anthropic/{HAIKU}", TOKENS, CHANGE).rates_used[0]
    d2_page = hashlib.sha256(capture("anthropic", D2.isoformat()).read_bytes()).hexdigest()
    assert (row.last_verified, row.stale, row.last_fetch_sha256) == (D2, True, d2_page)
