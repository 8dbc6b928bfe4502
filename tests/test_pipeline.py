"""The spine end to end: real Scrapy against real captures into SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from helpers import capture, change_rows, price_rows, run_captures
from sqlalchemy import func
from sqlmodel import select

from ratecard.changelog.tables import ChangeRecord
from ratecard.crawler.tables import FetchRecord
from ratecard.db import session
from ratecard.runs.tables import RunRecord, VendorRunRecord
from ratecard.snapshots.store import snapshot
from ratecard.snapshots.tables import RateSpan

D1, D2, D3 = date(2025, 10, 25), date(2025, 10, 29), date(2025, 11, 19)
ANTHROPIC = {d: capture("anthropic", d.isoformat()) for d in (D1, D2, D3)}


def count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


def test_anthropic_replay_yields_exactly_the_visible_changes(engine, settings, raw, server) -> None:
    for day in (D1, D2, D3):
        report = run_captures(engine, settings, raw, server, day, anthropic=ANTHROPIC[day])
        assert report.exit_code == 0, report.outcomes
    with session(engine) as s:
        rows = change_rows(s)
    first = [r for r in rows if r["date"] == D1]
    assert len(first) == 78 + 10 and {r["kind"] for r in first} == {"model_added"}
    derived = [r for r in first if r["new_status"] == "inferred"]  # long-context cache/batch rates
    assert len(derived) == 10 and {r["tier"] for r in derived} == {"context>200k"}
    later = [
        (r["date"], r["model"], r["field"], r["tier"], r["kind"], r["old"], r["new"])
        for r in rows
        if r["date"] != D1
    ]
    removed = "model_removed"
    assert later == [
        (D2, "claude-3-5-sonnet", "batch_input", "standard", removed, Decimal("1.5"), None),
        (D2, "claude-3-5-sonnet", "batch_output", "standard", removed, Decimal("7.5"), None),
        (D2, "claude-3-5-sonnet", "cache_read", "standard", removed, Decimal("0.3"), None),
        (D2, "claude-3-5-sonnet", "cache_write_1h", "standard", removed, Decimal("6"), None),
        (D2, "claude-3-5-sonnet", "cache_write_5m", "standard", removed, Decimal("3.75"), None),
        (D2, "claude-3-5-sonnet", "deprecated", "standard", removed, None, None),
        (D2, "claude-3-5-sonnet", "input", "standard", removed, Decimal("3"), None),
        (D2, "claude-3-5-sonnet", "output", "standard", removed, Decimal("15"), None),
        (D2, "claude-3-7-sonnet", "deprecated", "standard", "added", None, None),
    ]
    assert all(
        r["run_id"] and r["source_url"].endswith("2025-10-29__docs-claude-pricing.md")
        for r in rows
        if r["date"] == D2
    )


def test_same_date_twice_changes_nothing(engine, settings, raw, server) -> None:
    run_captures(engine, settings, raw, server, D1, anthropic=ANTHROPIC[D1])
    spans, changes = count(engine, RateSpan), count(engine, ChangeRecord)
    again = run_captures(engine, settings, raw, server, D1, anthropic=ANTHROPIC[D1])
    assert again.exit_code == 0 and again.outcomes[0].changes == 0
    assert (count(engine, RateSpan), count(engine, ChangeRecord)) == (spans, changes)
    assert count(engine, RunRecord) == 2  # the re-verification itself is on record


def test_storage_grows_with_changes_not_days(engine, settings, raw, server) -> None:
    days = [date(2025, 11, d) for d in range(1, 11)]
    for day in days:
        run_captures(engine, settings, raw, server, day, anthropic=ANTHROPIC[D3])
    assert count(engine, RateSpan) == 81  # one span per rate (71 read + 10 derived), however many nights
    assert len(list(raw.digests())) == 1  # the same body is stored once
    assert count(engine, FetchRecord) == 10
    with session(engine) as s:
        assert len(snapshot(s, date(2025, 11, 5))) == 81
        assert snapshot(s, date(2025, 10, 31)) == []  # before the first run: nothing
        verified = {r["last_verified"] for r in price_rows(s, date(2025, 11, 7), {"anthropic": 3})}
    assert verified == {date(2025, 11, 7)}


def test_snapshot_of_a_date_is_exact(engine, settings, raw, server) -> None:
    for day in (D1, D2):
        run_captures(engine, settings, raw, server, day, anthropic=ANTHROPIC[day])
    with session(engine) as s:
        before = {(r.model, r.field) for r in snapshot(s, date(2025, 10, 28))}
        after = {(r.model, r.field) for r in snapshot(s, D2)}
    assert ("claude-3-5-sonnet", "input") in before
    assert ("claude-3-5-sonnet", "input") not in after
    assert len(before) - len(after) == 8 - 1  # 8 removed, 1 flag added


def test_failing_vendor_keeps_its_rates_and_does_not_stop_others(engine, settings, raw, server) -> None:
    from ratecard.capture_server import Route

    run_captures(engine, settings, raw, server, D1, anthropic=ANTHROPIC[D1])
    broken = server.add("/pricing.md", Route(b"oops", status=500))
    report = run_captures(
        engine,
        settings,
        raw,
        server,
        D2,
        anthropic=broken,
        openrouter=capture("openrouter", "2025-12-29"),
    )
    assert report.exit_code == 1
    failed = {o.vendor: o for o in report.outcomes}
    assert not failed["anthropic"].ok and "anthropic" in (failed["anthropic"].message or "")
    assert "HTTP 500" in (failed["anthropic"].message or "")
    assert failed["openrouter"].ok and failed["openrouter"].models == 353
    assert server.hits.count("/pricing.md") == 2  # retried once, then gave up
    with session(engine) as s:
        assert {r.vendor for r in snapshot(s, D2)} == {"anthropic", "openrouter"}
        assert not [c for c in change_rows(s, since=D2) if c["vendor"] == "anthropic"]
        anth = price_rows(s, date(2025, 10, 30), {"anthropic": 3}, vendor="anthropic")
        assert {r["last_verified"] for r in anth} == {D1}
        outcomes = s.exec(select(VendorRunRecord).where(VendorRunRecord.vendor == "anthropic")).all()
        assert [o.status for o in outcomes] == ["ok", "failed"]
        fetch = s.exec(select(FetchRecord).where(FetchRecord.status == 500)).one()
        assert fetch.vendor == "anthropic" and fetch.sha256 is not None


def test_unreadable_page_and_truncated_json_fail_their_vendor(engine, settings, raw, server) -> None:
    from ratecard.capture_server import Route

    run_captures(engine, settings, raw, server, D1, anthropic=ANTHROPIC[D1])
    body = capture("openrouter", "2025-12-29").read_bytes()
    page = server.add(
        "/changed.md", Route(b"# Pricing\n\nSee our new pricing calculator.", content_type="text/markdown")
    )
    trunc = server.add("/models", Route(body[: len(body) // 2], content_type="application/json"))
    report = run_captures(engine, settings, raw, server, D2, anthropic=page, openrouter=trunc)
    messages = {o.vendor: o.message or "" for o in report.outcomes}
    assert "no model pricing table" in messages["anthropic"]
    assert messages["openrouter"].startswith("openrouter:") and "JSON" in messages["openrouter"]
    assert report.exit_code == 1
    with session(engine) as s:
        assert len(snapshot(s, D2, ["anthropic"])) == 88
        assert change_rows(s, since=D2) == []


def test_timeout_fails_the_vendor_with_a_clear_message(engine, settings, raw, server) -> None:
    from dataclasses import replace

    from ratecard.capture_server import Route

    slow = server.add("/slow", Route(b"late", delay=2.5))
    quick = replace(settings, crawl=replace(settings.crawl, download_timeout=0.5, retry_times=0))
    report = run_captures(engine, quick, raw, server, D1, anthropic=slow)
    assert report.exit_code == 1
    assert "anthropic" in (report.outcomes[0].message or "")
    assert "Timeout" in (report.outcomes[0].message or "") or "timed out" in (
        report.outcomes[0].message or ""
    )


def test_far_fewer_models_is_kept_as_not_listed_never_a_mass_removal(engine, settings, raw, server) -> None:
    """A page listing far fewer models (a narrower source, or a changed layout) fails nothing and
    removes nothing: the models it drops are kept, ageing toward stale, until a person confirms."""
    import json

    from ratecard.capture_server import Route

    run_captures(engine, settings, raw, server, D1, openrouter=capture("openrouter", "2025-12-29"))
    doc = json.loads(capture("openrouter", "2025-12-29").read_bytes())
    few = server.add(
        "/few", Route(json.dumps({"data": doc["data"][:20]}).encode(), content_type="application/json")
    )
    report = run_captures(engine, settings, raw, server, D2, openrouter=few)
    [outcome] = report.outcomes
    assert outcome.ok and f"333 model(s) not listed on {few}: kept, ageing toward stale" in (
        outcome.message or ""
    )
    with session(engine) as s:
        assert [c for c in change_rows(s, since=D2) if c["kind"] in ("removed", "model_removed")] == []
        before, kept = price_rows(s, D1, 3, "openrouter"), price_rows(s, D2, 3, "openrouter")
    assert {r["model"] for r in kept} == {r["model"] for r in before}


def test_two_pages_pricing_one_key_keep_the_later_effective_price() -> None:
    """Azure pages may repeat a meter with another effectiveStartDate: the later one is in force."""
    import json
    from datetime import UTC, datetime

    import pytest

    from ratecard.config.settings import load
    from ratecard.crawler.fetch import Fetched
    from ratecard.outcome import VendorFailure
    from ratecard.verify import parse_all

    item = {
        "currencyCode": "USD",
        "unitPrice": 10.0,
        "retailPrice": 10.0,
        "armRegionName": "spaincentral",
        "effectiveStartDate": "2025-06-01T00:00:00Z",
        "meterName": "GPT 5 Rsng outpt Glbl 1M Tokens",
        "productName": "Azure OpenAI GPT5",
        "skuName": "GPT 5 Rsng outpt Glbl",
        "serviceName": "Cognitive Services",
        "unitOfMeasure": "1M",
        "type": "Consumption",
    }
    newer = {**item, "unitPrice": 12.0, "retailPrice": 12.0, "effectiveStartDate": "2025-08-01T00:00:00Z"}
    at = datetime(2025, 8, 25, tzinfo=UTC)

    def page(*items: dict) -> bytes:  # type: ignore[type-arg]
        return json.dumps({"Items": list(items), "NextPageLink": None, "Count": len(items)}).encode()

    vendor = load(None).vendors["azure"]
    pages = [
        Fetched("azure", f"http://x/{i}", 200, "application/json", body, at)
        for i, body in enumerate([page(newer), page(item)])
    ]
    [rate] = [s.rate for s in parse_all(vendor, pages, D3)]
    assert (rate.model, rate.field, rate.value) == ("gpt-5", "output", Decimal(12))
    # The same meter twice is one price; two prices from one effective date are ambiguous.
    twice = [Fetched("azure", f"http://x/{i}", 200, "application/json", page(item), at) for i in range(2)]
    assert [s.rate.value for s in parse_all(vendor, twice, D3)] == [Decimal(10)]
    other = {**item, "unitPrice": 11.0, "retailPrice": 11.0}
    clash = [
        Fetched("azure", f"http://x/{i}", 200, "application/json", page(x), at)
        for i, x in enumerate([item, other])
    ]
    with pytest.raises(VendorFailure, match="appears on both"):
        parse_all(vendor, clash, D3)


def test_prices_cite_the_page_that_confirmed_a_rate_last(engine, settings, raw, server) -> None:
    from ratecard.capture_server import Route

    page = capture("anthropic", "2025-11-19").read_bytes()
    server.add("/p.md", Route(page, content_type="text/markdown"))
    url = server.url("/p.md")
    run_captures(engine, settings, raw, server, D1, anthropic=url)
    server.add("/p.md", Route(page + b"\nA footnote added later.\n", content_type="text/markdown"))
    run_captures(engine, settings, raw, server, D2, anthropic=url)
    with session(engine) as s:
        [row] = [
            r
            for r in price_rows(s, D2, {"anthropic": 3}, "anthropic")
            if r["model"] == "claude-opus-4-1" and r["field"] == "input"
        ]
    assert row["since"] == D1 and row["fetch_sha256"] != row["last_fetch_sha256"]
    with session(engine) as s:
        fetched = s.exec(select(FetchRecord).order_by(FetchRecord.id)).all()
    assert (row["fetch_sha256"], row["last_fetch_sha256"]) == (fetched[0].sha256, fetched[-1].sha256)


def test_a_failing_primary_source_falls_back_to_the_next_in_the_same_run(
    engine, settings, raw, server
) -> None:
    from dataclasses import replace

    from ratecard.capture_server import Route
    from ratecard.pipeline import run_day

    primary = server.add("/pricing", Route(b"<html>gone</html>", status=503))
    unreadable = server.add(
        "/pricing.txt", Route(b"# Pricing\n\nNothing here.", content_type="text/markdown")
    )
    good = server.add_capture("anthropic", capture("anthropic", "2025-11-19"))

    def with_sources(*fallback: str) -> object:
        vendor = replace(settings.vendors["anthropic"], start_urls=(primary,), fallback_urls=fallback)
        return replace(settings, vendors={**settings.vendors, "anthropic": vendor})

    report = run_day(engine, with_sources(unreadable, good), raw, D1, ["anthropic"])  # type: ignore[arg-type]
    [outcome] = report.outcomes
    assert outcome.ok and outcome.models > 0, outcome
    assert "primary source failed (anthropic: HTTP 503" in (outcome.message or "")
    assert f"used fallback {good}" in (outcome.message or "")
    with session(engine) as s:
        urls = {r.url: r.status for r in s.exec(select(FetchRecord)).all()}
        cited = {r.source_url for r in s.exec(select(RateSpan)).all()}
    assert urls == {primary: 503, unreadable: 200, good: 200}  # every attempt is in the fetch log
    assert cited == {good}

    failed = run_day(engine, with_sources(unreadable), raw, D2, ["anthropic"])  # type: ignore[arg-type]
    [outcome] = failed.outcomes
    assert not outcome.ok
    assert (outcome.message or "").startswith("anthropic: every source failed: anthropic: HTTP 503")
    assert f"(from {unreadable})" in (outcome.message or "")  # each alternative named with its reason


def test_a_backfill_carries_history_between_days_exactly(engine, settings, raw, server) -> None:
    """The history a backfill carries from day to day is the one a reload would read, including
    a model the page stopped listing; any write in between (a span added here) forces a reload."""
    from helpers import with_urls

    from ratecard.pipeline import run_day
    from ratecard.snapshots import store
    from ratecard.vendor_step import Carry, known

    carry: Carry = {}
    days = ["2025-10-25", "2025-10-29", "2025-11-19"]
    for name in days:
        day = date.fromisoformat(name)
        url = server.add_capture("anthropic", capture("anthropic", name))
        report = run_day(engine, with_urls(settings, anthropic=url), raw, day, ["anthropic"], carry=carry)
        assert report.exit_code == 0, report
        nxt = date.fromordinal(day.toordinal() + 1)
        with session(engine) as s:
            assert carry["anthropic"].history == store.last_values(s, "anthropic", nxt)
            assert known(s, "anthropic", nxt, carry).history is carry["anthropic"].history  # reused
    # the 10-25 page priced Claude Sonnet 3.5, gone on 10-29: its last value is still remembered
    assert any(k[0].startswith("claude-3-5-sonnet") for k in carry["anthropic"].history)
    with session(engine) as s:
        s.add(RateSpan(**{**snapshot(s, date(2025, 11, 19), ["anthropic"])[0].model_dump(), "id": None}))
        s.commit()
        later = date(2025, 11, 20)
        assert known(s, "anthropic", later, carry).history == store.last_values(s, "anthropic", later)
        assert known(s, "anthropic", later, carry).history is not carry["anthropic"].history  # reloaded
