"""Portkey pricing files: US cents per token to USD per MTok, exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.registry.load import load_registry_source
from ratecard.registry.portkey import provider_of

PORTKEY = Path(__file__).parent / "fixtures" / "registries" / "portkey"


@pytest.mark.parametrize("path", sorted(PORTKEY.glob("*.json")), ids=lambda p: p.name)
def test_every_file_loads_without_its_template(path: Path) -> None:
    registry = load_registry_source(str(path))
    assert registry.name == "portkey"
    assert registry.date == date.fromisoformat(path.name[:10])
    assert "default" not in registry.entries


def test_cents_per_token_become_dollars_per_mtok() -> None:
    registry = load_registry_source(str(PORTKEY / "2026-08-21__portkey-pricing-anthropic.json"))
    entry = registry.entries["claude-sonnet-4-5-20250929"]
    assert entry.provider == "anthropic"
    assert entry.prices["input", "standard"] == Decimal(3)  # 0.0003 cents/token
    assert entry.prices["cache_read", "standard"] == Decimal("0.3")  # 3e-05 cents/token
    assert entry.prices["cache_write_1h", "standard"] == Decimal(6)
    assert entry.prices["batch_output", "standard"] == Decimal("7.5")


def test_older_copy_lacks_what_was_added_later() -> None:
    registry = load_registry_source(str(PORTKEY / "2025-12-26__portkey-pricing-anthropic.json"))
    assert registry.price("claude-sonnet-4-5-20250929", "cache_write_1h") is None
    assert registry.price("claude-sonnet-4-5-20250929", "output") == Decimal(15)


def test_context_tiers_and_batch_from_custom_pricing() -> None:
    registry = load_registry_source(str(PORTKEY / "2026-08-21__portkey-pricing-openai.json"))
    entry = registry.entries["gpt-5.4"]
    assert entry.prices["input", "standard"] == Decimal("2.5")
    assert entry.prices["input", "context>272k"] == Decimal(5)
    assert entry.prices["batch_input", "standard"] == Decimal("1.25")
    assert entry.prices["batch_output", "context>272k"] == Decimal("11.25")
    assert ("input", "priority") not in entry.prices


def test_free_entries() -> None:
    registry = load_registry_source(str(PORTKEY / "2026-08-21__portkey-pricing-openai.json"))
    assert registry.entries["text-moderation-latest"].free
    assert not registry.entries["gpt-5.4"].free


def test_provider_from_file_name() -> None:
    assert provider_of("https://example.org/pricing/azure-openai.json") == "azure-openai"
    assert provider_of("x/2026-08-21__portkey-pricing-x-ai.json") == "x-ai"
