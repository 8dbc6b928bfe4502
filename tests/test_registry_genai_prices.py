"""genai-prices data.json, v1 and v2: per-MTok prices, context tiers, dated changes, price variants."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ratecard import tiers
from ratecard.registry.base import Registry
from ratecard.registry.genai_prices import BATCH_FIELDS, FIELDS, VARIANTS, schema_version
from ratecard.registry.load import load_registry_source, read_registry

DATA = Path(__file__).parent / "fixtures/registries/genai-prices/2026-07-25__genai-prices-data.json"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry_source(str(DATA))


def test_keys_carry_the_provider(registry: Registry) -> None:
    assert (registry.name, registry.date) == ("genai-prices", date(2026, 7, 25))
    entry = registry.entries["anthropic/claude-sonnet-4-5"]
    assert entry.provider == "anthropic"
    assert entry.prices["input", "standard"] == Decimal(3)
    assert entry.prices["cache_write_5m", "standard"] == Decimal("3.75")


def test_tiered_prices_become_context_tiers(registry: Registry) -> None:
    entry = registry.entries["anthropic/claude-sonnet-4-5"]
    assert entry.prices["input", "context>200k"] == Decimal(6)
    assert entry.prices["output", "context>200k"] == Decimal("22.5")


def test_start_date_prices_follow_the_date() -> None:
    at_file_date = load_registry_source(str(DATA))
    after = load_registry_source(str(DATA), at=date(2026, 9, 1))
    before = load_registry_source(str(DATA), at=date(2025, 6, 9))
    assert at_file_date.price("anthropic/claude-sonnet-5", "input") == Decimal(2)
    assert after.price("anthropic/claude-sonnet-5", "input") == Decimal(3)
    assert before.price("openai/o3", "input") == Decimal(10)
    assert at_file_date.price("openai/o3", "input") == Decimal(2)


def test_time_of_day_prices_are_their_own_tier(registry: Registry) -> None:
    entry = registry.entries["deepseek/deepseek-chat"]
    assert entry.prices["input", "utc=00:30:00Z-16:30:00Z"] == Decimal("0.27")
    assert entry.prices["input", "standard"] == Decimal("0.135")


def test_first_published_shape_with_nulls_reads() -> None:
    doc = [
        {
            "id": "anthropic",
            "models": [
                {
                    "id": "claude-2",
                    "matches": {"starts_with": "claude-2"},
                    "prices": {"input_mtok": 8.0, "cache_read_mtok": None, "output_mtok": 24.0},
                }
            ],
        }
    ]
    registry = read_registry(json.dumps(doc).encode(), "2025-06-22__data.json")
    assert registry.name == "genai-prices"
    assert dict(registry.entries["anthropic/claude-2"].prices) == {
        ("input", "standard"): Decimal(8),
        ("output", "standard"): Decimal(24),
    }


V2 = Path(__file__).parent / "fixtures/registries/genai-prices/2026-11-28__genai-prices-v2-data.json"


@pytest.fixture(scope="module")
def v2() -> Registry:
    return load_registry_source(str(V2))


def test_the_version_is_told_by_shape() -> None:
    assert schema_version(json.loads(DATA.read_bytes())) == 1
    assert schema_version(json.loads(V2.read_bytes())) == 2
    one_hour = [{"id": "p", "models": [{"id": "m", "match": {}, "prices": {"cache_write_1h_mtok": 2}}]}]
    assert schema_version(one_hour) == 2


def test_v2_reads_one_hour_cache_writes_and_their_tiers(v2: Registry) -> None:
    assert (v2.name, v2.date) == ("genai-prices", date(2026, 11, 28))
    assert v2.price("anthropic/claude-haiku-4-5", "cache_write_1h") == Decimal(2)
    assert v2.price("anthropic/claude-sonnet-4-5", "cache_write_1h", "context>200k") == Decimal(12)
    assert v2.price("anthropic/claude-sonnet-4-5", "cache_write_5m") == Decimal("3.75")


def test_batch_variants_become_batch_fields_of_the_same_tier(v2: Registry) -> None:
    sonnet = v2.entries["anthropic/claude-sonnet-4-5"].prices
    assert sonnet["batch_input", "standard"] == Decimal("1.5")
    assert sonnet["batch_output", "context>200k"] == Decimal("11.25")
    assert sonnet["batch_cache_read", "standard"] == Decimal("0.15")
    assert sonnet["batch_cache_write", "standard"] == Decimal("1.875")
    assert v2.price("google/gemini-2.5-pro", "batch_input", "context>200k") == Decimal("1.25")
    assert v2.price("openai/gpt-4o", "batch_cache_read") is None  # OpenAI's batch table has none


def test_flex_and_priority_variants_become_service_tiers(v2: Registry) -> None:
    gpt5 = v2.entries["openai/gpt-5"].prices
    assert gpt5["input", "service=flex"] == Decimal("0.625")
    assert gpt5["cache_read", "service=priority"] == Decimal("0.25")
    assert gpt5["output", "standard"] == Decimal(10)
    assert not [t for _, t in gpt5 if t in ("service=fast", "service=default")]  # not read


def test_v2_prices_follow_the_date() -> None:
    before = load_registry_source(str(V2), at=date(2026, 1, 1))
    later = load_registry_source(str(V2), at=date(2026, 12, 2))
    at_file_date = load_registry_source(str(V2))
    assert before.price("openai/gpt-5", "batch_input") is None  # the variant starts 2026-10-14
    assert before.price("openai/gpt-5", "input", "service=flex") is None
    assert before.price("anthropic/claude-opus-4-6", "input", "context>200k") == Decimal(10)
    assert at_file_date.price("anthropic/claude-opus-4-6", "input", "context>200k") is None
    argon = "google/gemini-4-argon"
    assert (at_file_date.price(argon, "input"), at_file_date.price(argon, "batch_input")) == (2, 1)
    assert (later.price(argon, "input"), later.price(argon, "batch_input")) == (4, 2)


def _ours(price: Any, field: str, dims: dict[str, str]) -> dict[tuple[str, str], Decimal]:
    """genai-prices' resolved price of one key as our (field, tier) -> value."""
    if price is None:
        return {}
    tier = tiers.make(**dims)
    if not hasattr(price, "tiers"):  # a flat Decimal, else genai-prices' TieredPrices
        return {(field, tier): price}
    out = {(field, tier): price.base}
    for t in price.tiers:
        out[field, tiers.make(context=tiers.context(t.start).removeprefix("context"), **dims)] = t.price
    return out


def _beside_context(tier: str) -> dict[str, str]:
    return {k: v for k, v in tiers.parse(tier).items() if k != "context"}


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 11, 28), date(2026, 12, 2)])
def test_v2_reading_agrees_with_genai_prices_own_resolution(day: date) -> None:
    """Every model of the fixture, every variant we read, on three dates: what genai-prices itself
    charges is what we read (off-peak hours, which DeepSeek's first price is for)."""
    genai = pytest.importorskip("genai_prices.types", reason="genai-prices is a development dependency")
    providers = genai._providers_from_raw(json.loads(V2.read_bytes()))  # as UpdatePrices.fetch does
    read = load_registry_source(str(V2), at=day)
    at = datetime(day.year, day.month, day.day, 20, tzinfo=UTC)
    contexts: list[tuple[dict[str, str] | None, dict[str, str], dict[str, str]]] = [
        (None, FIELDS, {}),
        (VARIANTS["batch"], BATCH_FIELDS, {}),
        (VARIANTS["flex"], FIELDS, {"service": "flex"}),
        (VARIANTS["priority"], FIELDS, {"service": "priority"}),
    ]
    compared = 0
    for provider in providers:
        for model in provider.models:
            ours = read.entries[f"{provider.id}/{model.id}"].prices
            standard = model.get_prices(at)
            for when, fields, dims in contexts:
                resolved, overridden = model.get_prices(at, when), set()
                theirs: dict[str, Any] = {}  # our field -> genai-prices' price (the later key wins)
                for key, field in fields.items():
                    if getattr(resolved, key) is not None:
                        theirs[field] = getattr(resolved, key)
                    if getattr(resolved, key) != getattr(standard, key):
                        overridden.add(field)
                for field in set(fields.values()):
                    mine = {k: v for k, v in ours.items() if k[0] == field and _beside_context(k[1]) == dims}
                    if when is not None and field not in overridden:
                        assert not mine, (model.id, when, field)  # the variant does not set it
                        continue
                    assert mine == _ours(theirs.get(field), field, dims), (model.id, when, field)
                    compared += len(mine)
    assert compared > 80  # so a reading that finds nothing cannot pass
