"""The genai-prices v2 export, proved through genai-prices itself: served over HTTP, loaded with
``UpdatePrices``, priced with ``calc_price`` and compared with what our spans say to the last digit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ratecard.capture_server import CaptureServer, Route
from ratecard.config.settings import load
from ratecard.exports import exact_json
from ratecard.exports.genai_prices import (
    COMMENT_LIMIT,
    ORDER,
    OVERLAPS,
    REQUIRES,
    ExportSpan,
    document,
    match_rule,
    place,
    priceable,
)
from ratecard.registry.genai_prices import schema_version
from ratecard.registry.load import read_registry

genai_prices = pytest.importorskip("genai_prices", reason="genai-prices is a development dependency")
from genai_prices import Usage, calc_price  # noqa: E402
from genai_prices.data_snapshot import set_custom_snapshot  # noqa: E402

URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
OPEN, RAISED, AS_OF = date(2025, 10, 15), date(2025, 11, 10), date(2025, 11, 28)
MTOK = Decimal(1_000_000)


@dataclass(frozen=True)
class Span:
    """A stored rate as the export reads it (what a ``RateSpan`` row carries)."""

    vendor: str
    model: str
    field: str
    value: Decimal | None
    tier: str = "standard"
    valid_from: date = OPEN
    valid_to: date | None = None
    unit: str = "usd_per_mtok"
    status: str = "verified"
    reason: str | None = None
    source_url: str = URL


def rates(vendor: str, model: str, tier: str = "standard", **values: str) -> list[Span]:
    return [Span(vendor, model, f, Decimal(v), tier) for f, v in values.items()]


SPANS: list[Span] = [
    *rates("anthropic", "claude-sonnet-4-5", input="3", output="15", cache_read="0.3"),
    *rates("anthropic", "claude-sonnet-4-5", cache_write_5m="3.75", cache_write_1h="6"),
    *rates("anthropic", "claude-sonnet-4-5", "context>200k", input="6", output="22.5", cache_read="0.6"),
    *rates("anthropic", "claude-sonnet-4-5", "context>200k", cache_write_5m="7.5", cache_write_1h="12"),
    *rates("anthropic", "claude-sonnet-4-5", batch_input="1.5", batch_output="7.5"),
    *rates("anthropic", "claude-sonnet-4-5", "context>200k", batch_input="3", batch_output="11.25"),
    *rates("anthropic", "claude-sonnet-4", input="3", output="15"),
    # Claude Haiku 4.5: input raised from $1 to $1.25 on 2025-11-10 (a hand-made change)
    replace(Span("anthropic", "claude-haiku-4-5", "input", Decimal(1)), valid_to=RAISED),
    replace(Span("anthropic", "claude-haiku-4-5", "input", Decimal("1.25")), valid_from=RAISED),
    *rates("anthropic", "claude-haiku-4-5", output="5", cache_write_5m="1.25"),
    replace(
        Span("anthropic", "claude-haiku-4-5", "cache_read", Decimal("0.1")),
        status="inferred",
        reason="cache_read = 0.1 × input (prompt caching docs)",
    ),
    Span("anthropic", "claude-haiku-4-5", "batch_input", Decimal("0.5"), valid_to=RAISED),
    Span("anthropic", "claude-haiku-4-5", "batch_input", Decimal("0.625"), valid_from=RAISED),
    Span("anthropic", "claude-haiku-4-5", "batch_output", Decimal("2.5")),
    Span("anthropic", "claude-haiku-4-5", "batch_cache_read", None, status="not_offered"),
    *rates("openai", "gpt-4o", input="2.5", output="10", cache_read="1.25"),
    *rates("openai", "gpt-4o", batch_input="1.25", batch_output="5"),
    *rates("openai", "gpt-4o", "service=priority", input="4.25", output="17", cache_read="2.125"),
    *rates("openai", "gpt-4o-2024-05-13", input="5", output="15"),
    *rates("openai", "gpt-4o-mini", input="0.15", output="0.6", cache_read="0.075"),
    *rates("openai", "gpt-5", input="1.25", output="10", cache_read="0.125"),
    *rates("openai", "gpt-5", "service=flex", input="0.625", output="5", cache_read="0.0625"),
    *rates("openai", "gpt-5", batch_input="0.625", batch_output="5", batch_cache_read="0.0625"),
    *rates("google", "gemini-2.5-pro", input="1.25", output="10"),
    *rates("google", "gemini-2.5-pro", "context>200k", input="2.5", output="15"),
    replace(Span("google", "gemini-2.5-pro", "web_search", Decimal("0.035")), unit="usd_per_request"),
    *rates("google", "gemini-2.5-pro", "region=eu", input="1.5"),  # a tier the format cannot hold
]


def rate(model: str, field: str, tier: str = "standard", day: date = AS_OF) -> Decimal:
    """What the spans above say one (model, field, tier) cost on ``day``."""
    [value] = [
        s.value
        for s in SPANS
        if (s.model, s.field, s.tier) == (model, field, tier)
        and s.value is not None
        and s.valid_from <= day
        and (s.valid_to is None or day < s.valid_to)
    ]
    assert value is not None
    return value


def cost(tokens: int, model: str, field: str, tier: str = "standard", day: date = AS_OF) -> Decimal:
    return tokens * rate(model, field, tier, day) / MTOK


@pytest.fixture(scope="module")
def doc() -> list[dict[str, Any]]:
    vendors = load(None).vendors
    return document(SPANS, AS_OF, vendors, {"google": "last verified 2025-11-20"})


@pytest.fixture(scope="module")
def loaded(doc: list[dict[str, Any]]) -> Iterator[None]:
    """Our document served from 127.0.0.1 and loaded by genai-prices as its price data."""
    body = exact_json.dumps(doc).encode()
    with CaptureServer() as server:
        url = server.add("/feeds/genai-prices/data.json", Route(body, content_type="application/json"))
        with genai_prices.UpdatePrices(url=url) as updater:
            assert updater.wait(timeout=30)
        assert server.hits == ["/feeds/genai-prices/data.json"]
    try:
        yield
    finally:
        set_custom_snapshot(None)  # later tests get genai-prices' own data back


def price(model: str, usage: Usage, day: date = AS_OF, **context: str) -> Decimal:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    provider = "openai" if model.startswith("gpt") else "google" if "gemini" in model else "anthropic"
    found = calc_price(usage, model, provider_id=provider, genai_request_timestamp=at, price_context=context)
    return found.total_price


def test_a_dated_api_id_is_priced_as_its_model(loaded: None) -> None:
    usage = Usage(input_tokens=12_000, cache_read_tokens=2_000, cache_write_tokens=1_000, output_tokens=700)
    sonnet = "claude-sonnet-4-5"
    expected = (
        cost(9_000, sonnet, "input")
        + cost(2_000, sonnet, "cache_read")
        + cost(1_000, sonnet, "cache_write_5m")
        + cost(700, sonnet, "output")
    )
    assert price("claude-sonnet-4-5-20250929", usage) == expected
    assert price("claude-sonnet-4-5@20250929", usage) == expected
    plain = Usage(input_tokens=1_000, output_tokens=100)
    assert price("gpt-4o-2024-08-06", plain) == cost(1_000, "gpt-4o", "input") + cost(100, "gpt-4o", "output")


def test_distinct_models_are_not_confused(loaded: None) -> None:
    plain = Usage(input_tokens=1_000, output_tokens=100)

    def expected(model: str) -> Decimal:
        return cost(1_000, model, "input") + cost(100, model, "output")

    assert price("gpt-4o-mini", plain) == expected("gpt-4o-mini")
    assert price("gpt-4o-mini-2024-07-18", plain) == expected("gpt-4o-mini")
    assert price("gpt-4o-2024-05-13", plain) == expected("gpt-4o-2024-05-13")  # its own, dearer entry
    assert price("claude-sonnet-4-20250514", plain) == expected("claude-sonnet-4")
    with pytest.raises(LookupError):
        price("gpt-4o-audio-preview", plain)  # another model we do not price: no guess


def test_one_hour_cache_writes_have_their_own_price(loaded: None) -> None:
    usage = Usage(input_tokens=10_000, cache_write_tokens=4_000, cache_write_1h_tokens=3_000, output_tokens=1)
    sonnet = "claude-sonnet-4-5"
    assert price(sonnet, usage) == (
        cost(6_000, sonnet, "input")
        + cost(1_000, sonnet, "cache_write_5m")
        + cost(3_000, sonnet, "cache_write_1h")
        + cost(1, sonnet, "output")
    )


@pytest.mark.parametrize("day", [date(2025, 10, 20), date(2025, 11, 12)])
def test_a_request_is_priced_at_the_rates_in_force_on_its_day(loaded: None, day: date) -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=10_000)
    haiku = "claude-haiku-4-5"
    expected = cost(1_000_000, haiku, "input", day=day) + cost(10_000, haiku, "output", day=day)
    assert price("claude-haiku-4-5-20251001", usage, day) == expected
    assert expected == (Decimal("1.05") if day < RAISED else Decimal("1.30"))  # the change is real


def test_a_batch_request_gets_the_batch_rates(loaded: None) -> None:
    usage = Usage(input_tokens=40_000, cache_read_tokens=10_000, output_tokens=3_000)
    gpt5 = "gpt-5"
    assert price(gpt5, usage, processing="batch") == (
        cost(30_000, gpt5, "batch_input")
        + cost(10_000, gpt5, "batch_cache_read")
        + cost(3_000, gpt5, "batch_output")
    )
    haiku = Usage(input_tokens=2_000, output_tokens=500)
    for day in (date(2025, 10, 20), date(2025, 11, 12)):  # the batch rate changed too
        expected = cost(2_000, "claude-haiku-4-5", "batch_input", day=day)
        assert price("claude-haiku-4-5", haiku, day, processing="batch") == expected + cost(
            500, "claude-haiku-4-5", "batch_output", day=day
        )


def test_flex_and_priority_requests_get_their_service_tier(loaded: None) -> None:
    usage = Usage(input_tokens=8_000, cache_read_tokens=5_000, output_tokens=900)

    def expected(model: str, tier: str) -> Decimal:
        return (
            cost(3_000, model, "input", tier)
            + cost(5_000, model, "cache_read", tier)
            + cost(900, model, "output", tier)
        )

    assert price("gpt-5", usage, service_tier="flex") == expected("gpt-5", "service=flex")
    assert price("gpt-4o-2024-11-20", usage, service_tier="priority") == expected(
        "gpt-4o", "service=priority"
    )
    assert price("gpt-5", usage) == expected("gpt-5", "standard")  # no context: the standard price
    assert price("gpt-5", usage, service_tier="priority") == expected("gpt-5", "standard")  # none published


def test_a_long_prompt_pays_the_long_context_rates(loaded: None) -> None:
    long, short = Usage(input_tokens=250_000, output_tokens=2_000), Usage(input_tokens=1_000, output_tokens=1)
    pro = "gemini-2.5-pro"
    assert price(pro, long) == cost(250_000, pro, "input", "context>200k") + cost(
        2_000, pro, "output", "context>200k"
    )
    assert price(pro, short) == cost(1_000, pro, "input") + cost(1, pro, "output")
    sonnet = "claude-sonnet-4-5-20250929"  # long context in a batch: both at once
    assert price(sonnet, long, processing="batch") == cost(
        250_000, "claude-sonnet-4-5", "batch_input", "context>200k"
    ) + cost(2_000, "claude-sonnet-4-5", "batch_output", "context>200k")


def test_per_request_prices_are_written_per_thousand(loaded: None, doc: list[dict[str, Any]]) -> None:
    pro = models_of(doc, "google")["gemini-2.5-pro"]
    assert pro["prices"][0]["prices"]["web_searches_kcount"] == Decimal(35)
    searched = Usage(input_tokens=1_000, output_tokens=1, web_searches=2)
    plain = Usage(input_tokens=1_000, output_tokens=1)
    assert price("gemini-2.5-pro", searched) - price("gemini-2.5-pro", plain) == 2 * Decimal("0.035")


def models_of(doc: list[dict[str, Any]], vendor: str) -> dict[str, dict[str, Any]]:
    provider = next(p for p in doc if p["id"] == vendor)
    return {m["id"]: m for m in provider["models"]}


def test_history_is_start_dates_and_variants_newest_first(doc: list[dict[str, Any]]) -> None:
    haiku = models_of(doc, "anthropic")["claude-haiku-4-5"]
    assert [(e["constraint"]["start_date"], e["prices"]["input_mtok"]) for e in haiku["prices"]] == [
        ("2025-10-15", Decimal(1)),
        ("2025-11-10", Decimal("1.25")),
    ]
    assert haiku["price_variants"] == [
        {
            "when": {"processing": "batch"},
            "prices": {"input_mtok": Decimal("0.625"), "output_mtok": Decimal("2.5")},
            "constraint": {"start_date": "2025-11-10"},
        },
        {
            "when": {"processing": "batch"},
            "prices": {"input_mtok": Decimal("0.5"), "output_mtok": Decimal("2.5")},
            "constraint": {"start_date": "2025-10-15"},
        },
    ]
    gpt4o = models_of(doc, "openai")["gpt-4o"]
    assert [v["when"] for v in gpt4o["price_variants"]] == [
        {"processing": "batch"},
        {"service_tier": "priority"},
    ]


def test_inferred_and_stale_rates_are_named(doc: list[dict[str, Any]]) -> None:
    haiku = models_of(doc, "anthropic")["claude-haiku-4-5"]
    assert haiku["price_comments"] == (
        "ratecard inferred cache_read: cache_read = 0.1 × input (prompt caching docs)"
    )
    assert models_of(doc, "google")["gemini-2.5-pro"]["price_comments"] == (
        "ratecard: stale, last verified 2025-11-20; "
        "ratecard also has, without a genai-prices key: input (by region)"
    )
    assert "price_comments" not in models_of(doc, "openai")["gpt-5"]


def test_money_stays_exact_in_the_json(doc: list[dict[str, Any]]) -> None:
    text = exact_json.dumps(doc)
    assert '"cache_read_mtok": 0.0625' in text and "0.062500" not in text
    back = json.loads(text, parse_float=Decimal)
    flex = next(
        v for v in models_of(back, "openai")["gpt-5"]["price_variants"] if v["when"].get("service_tier")
    )
    assert flex["prices"] == {
        "input_mtok": Decimal("0.625"),
        "cache_read_mtok": Decimal("0.0625"),
        "output_mtok": Decimal("5"),
    }


def test_our_reader_reads_the_export_back_as_v2(doc: list[dict[str, Any]]) -> None:
    text = exact_json.dumps(doc).encode()
    assert schema_version(json.loads(text)) == 2
    registry = read_registry(text, "ratecard-export.json", at=AS_OF)
    sonnet = registry.entries["anthropic/claude-sonnet-4-5"].prices
    expected = {(s.field, s.tier): s.value for s in SPANS if s.model == "claude-sonnet-4-5"}
    assert dict(sonnet) == expected
    assert registry.price("openai/gpt-5", "input", "service=flex") == Decimal("0.625")
    assert registry.price("google/gemini-2.5-pro", "input", "region=eu") is None  # not exportable
    assert read_registry(text, "x.json", at=date(2025, 10, 20)).price(
        "anthropic/claude-haiku-4-5", "batch_input"
    ) == Decimal("0.5")


def test_match_rule_takes_dates_and_nothing_else() -> None:
    import re

    rule = match_rule("gpt-4o", others=["gpt-4o-mini", "gpt-4o-2024-05-13"])
    [regex] = [c["regex"] for c in rule["or"] if "regex" in c]
    hits = {
        ref: bool(re.search(regex, ref))
        for ref in ("gpt-4o-2024-08-06", "gpt-4o-20240806", "gpt-4o-mini", "gpt-4o-2024-05-13", "gpt-4o-x")
    }
    assert hits == {
        "gpt-4o-2024-08-06": True,
        "gpt-4o-20240806": True,
        "gpt-4o-mini": False,
        "gpt-4o-2024-05-13": False,
        "gpt-4o-x": False,
    }
    assert match_rule("gemini-2.5-pro")["or"][1] == {
        "regex": r"^gemini-2\.5-pro[-@](?:\d{8}|\d{4}-\d{2}-\d{2})$"
    }


def test_keys_genai_prices_would_refuse_are_left_out_and_named() -> None:
    assert priceable({"input_mtok", "cache_write_1h_mtok", "output_mtok"}) == {"input_mtok", "output_mtok"}
    assert priceable({"input_mtok", "input_audio_mtok", "cache_read_mtok"}) == {
        "input_mtok",
        "cache_read_mtok",
    }
    full = {"input_mtok", "input_audio_mtok", "cache_read_mtok", "cache_audio_read_mtok"}
    assert priceable(full) == full
    spans = rates("v", "m", input="1", output="2", cache_write_1h="2")
    [provider] = document(spans, AS_OF, {})
    [model] = provider["models"]
    assert "cache_write_1h_mtok" not in model["prices"][0]["prices"]
    assert "ratecard left out cache_write_1h_mtok" in model["price_comments"]


def test_places_of_rates_the_format_cannot_hold() -> None:
    def where(field: str, tier: str = "standard", unit: str = "usd_per_mtok") -> tuple[Any, ...] | None:
        found = place(replace(Span("v", "m", field, Decimal(1)), tier=tier, unit=unit))
        return None if found is None else (found.variant, found.key, found.start)

    assert where("batch_input", "context>200k") == ("batch", "input_mtok", 200_000)
    assert where("cache_read", "context>200k;service=flex") == ("flex", "cache_read_mtok", 200_000)
    assert where("request", unit="usd_per_1k_requests") == (None, "requests_kcount", None)
    assert where("batch_input", "service=flex") is None
    assert where("input", "service=scale") is None
    assert where("input", "deployment=global;region=eastus") is None
    assert where("reasoning") is None
    assert where("image_generation", unit="usd_per_image") is None


def test_comments_stay_within_the_schema_limit() -> None:
    spans = [
        replace(Span("v", "m", f, Decimal(1)), status="inferred", reason="x" * 300)
        for f in ("input", "output", "cache_read", "cache_write_5m")
    ]
    [provider] = document(spans, AS_OF, {})
    comment = provider["models"][0]["price_comments"]
    assert len(comment) == COMMENT_LIMIT and comment.endswith("…")


def test_rate_spans_fit_the_protocol() -> None:
    from ratecard.snapshots.tables import RateSpan

    row: ExportSpan = RateSpan(
        vendor="v",
        model="m",
        field="input",
        tier="standard",
        unit="usd_per_mtok",
        value=Decimal(1),
        status="verified",
        source_url=URL,
        fetch_sha256="0" * 64,
        fetched_at=datetime(2025, 10, 15, tzinfo=UTC),
        valid_from=OPEN,
        run_id=1,
    )
    [provider] = document([row], AS_OF, {})
    assert provider["models"][0]["prices"] == [
        {"constraint": {"start_date": "2025-10-15"}, "prices": {"input_mtok": Decimal(1)}}
    ]


def test_our_key_rules_are_genai_prices_own() -> None:
    """REQUIRES and OVERLAPS, checked against genai-prices' unit registry for every key we write:
    the keys it needs (its ancestors) and the join of two keys we might write together."""
    from genai_prices.units import _get_registry

    registry = _get_registry()
    units = {key: registry.unit_for_price_key(key) for key in ORDER}

    def needs(key: str) -> set[str]:
        direct = set(REQUIRES.get(key, ()))
        return direct.union(*(needs(k) for k in direct))

    for key, unit in units.items():
        ancestors = {registry.units[a].price_key for a in registry.ancestor_usage_keys(unit.usage_key)}
        assert ancestors - {key} == needs(key), key
    for a, ua in units.items():
        for b, ub in units.items():
            join = registry.find_join(ua, ub) if a < b and ua.is_compatible_with(ub) else None
            if join is None or join.usage_key in (ua.usage_key, ub.usage_key):
                continue
            assert OVERLAPS.get((a, b), OVERLAPS.get((b, a))) == join.price_key, (a, b)
    assert len({u.usage_key for u in units.values()}) == len(ORDER)  # each key its own unit
