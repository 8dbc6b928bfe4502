"""LiteLLM registry files, plain and wrapped, read exactly into USD per MTok."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.registry.base import Registry
from ratecard.registry.litellm import price_key
from ratecard.registry.load import load_registry_source, read_registry

LITELLM = Path(__file__).parent / "fixtures" / "registries" / "litellm"
WRAPPED = LITELLM / "2025-12-29__model_prices_and_context_window.wrapped.json"


@pytest.fixture(scope="module")
def wrapped() -> Registry:
    return load_registry_source(str(WRAPPED))


def test_wrapped_copy_is_dated_by_its_envelope(wrapped: Registry) -> None:
    assert (wrapped.name, wrapped.date) == ("litellm", date(2025, 12, 29))
    assert "sample_spec" not in wrapped.entries
    assert len(wrapped.entries) == 2250


def test_per_token_floats_become_exact_per_mtok(wrapped: Registry) -> None:
    entry = wrapped.entries["claude-sonnet-4-5-20250929"]
    assert entry.provider == "anthropic"
    assert entry.prices["input", "standard"] == Decimal(3)
    assert str(entry.prices["input", "standard"]) == "3"  # 3e-06 × 1e6, no exponent residue
    assert entry.prices["output", "standard"] == Decimal(15)
    assert entry.prices["cache_read", "standard"] == Decimal("0.3")
    assert entry.prices["cache_write_5m", "standard"] == Decimal("3.75")
    assert entry.prices["input", "context>200k"] == Decimal(6)
    assert entry.prices["output", "context>200k"] == Decimal("22.5")
    assert not entry.free


def test_one_hour_cache_write_and_batch_fields(wrapped: Registry) -> None:
    assert wrapped.price("claude-opus-4-1", "cache_write_1h") == Decimal(30)
    assert wrapped.price("azure/gpt-4.1", "batch_output") is not None
    assert wrapped.price("gemini-1.5-pro", "input", "context>128k") is not None


def test_free_means_every_cost_is_zero(wrapped: Registry) -> None:
    assert wrapped.entries["codestral/codestral-2405"].free
    assert not wrapped.entries["deepseek/deepseek-chat"].free  # one zero cost is not "free"


@pytest.mark.parametrize(
    ("file", "key", "field", "value"),
    [
        ("2024-01-30__tokencost-model_prices.json", "gpt-4", "output", "60"),
        ("2025-05-23__tokencost-model_prices.json", "claude-3-7-sonnet-20250219", "input", "3"),
    ],
)
def test_plain_historical_copies_load(file: str, key: str, field: str, value: str) -> None:
    registry = load_registry_source(str(LITELLM / file))
    assert registry.name == "litellm"
    assert registry.date == date.fromisoformat(file[:10])
    assert registry.price(key, field) == Decimal(value)


def test_oldest_copy_has_no_provider_field() -> None:
    registry = load_registry_source(str(LITELLM / "2024-01-30__tokencost-model_prices.json"))
    assert registry.entries["claude-2"].provider is None


def test_field_names() -> None:
    assert price_key("cache_creation_input_token_cost_above_1hr") == ("cache_write_1h", "standard")
    assert price_key("cache_read_input_token_cost_above_200k_tokens") == (
        "cache_read",
        "context>200k",
    )
    assert price_key("input_cost_per_token_priority") is None
    assert price_key("input_cost_per_character_above_128k_tokens") is None


def test_small_values_stay_exact() -> None:
    body = b'{"m": {"input_cost_per_token": 7.5e-08, "output_cost_per_token": 0, "x": 1}}'
    registry = read_registry(body, "inline.json", fmt="litellm")
    assert registry.price("m", "input") == Decimal("0.075")
    assert registry.price("m", "output") == Decimal(0)
