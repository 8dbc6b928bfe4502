"""genai-prices data.json: per-MTok prices, context tiers, and dated price changes."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.registry.base import Registry
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
