"""simonw/llm-prices files: the price in force at a date, and long-context ids as tiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.registry.llm_prices import in_force, split_key
from ratecard.registry.load import load_registry_source

LLM_PRICES = Path(__file__).parent / "fixtures" / "registries" / "llm-prices"
DEEPSEEK = LLM_PRICES / "2026-08-05__llm-prices-deepseek.json"


@pytest.mark.parametrize("path", sorted(LLM_PRICES.glob("*.json")), ids=lambda p: p.name)
def test_every_vendor_file_loads(path: Path) -> None:
    registry = load_registry_source(str(path))
    assert registry.name == "llm-prices"
    assert registry.date == date(2026, 8, 5)
    assert registry.entries
    assert all(e.provider for e in registry.entries.values())


@pytest.mark.parametrize(
    ("at", "inp", "out"),
    [
        (date(2025, 1, 1), "0.14", "0.28"),
        (date(2025, 2, 7), "0.14", "0.28"),
        (date(2025, 2, 8), "0.27", "1.1"),  # to_date is exclusive, from_date inclusive
        (None, "0.27", "1.1"),  # the file's date
    ],
)
def test_history_entry_in_force(at: date | None, inp: str, out: str) -> None:
    registry = load_registry_source(str(DEEPSEEK), at=at)
    assert registry.price("deepseek-chat", "input") == Decimal(inp)
    assert registry.price("deepseek-chat", "output") == Decimal(out)


def test_scheduled_change_seen_at_its_date() -> None:
    path = str(LLM_PRICES / "2026-08-05__llm-prices-anthropic.json")
    assert load_registry_source(path).price("claude-sonnet-5", "input") == Decimal(2)
    later = load_registry_source(path, at=date(2026, 9, 1))
    assert later.price("claude-sonnet-5", "input") == Decimal(3)


def test_long_context_ids_fold_into_tiers() -> None:
    google = load_registry_source(str(LLM_PRICES / "2026-08-05__llm-prices-google.json"))
    entry = google.entries["gemini-2.5-pro"]
    assert entry.prices["input", "context>200k"] == Decimal("2.5")
    assert entry.prices["cache_read", "context>200k"] == Decimal("0.25")
    assert "gemini-2.5-pro-200k" not in google.entries
    assert split_key("gpt-5.4-272k", "GPT-5.4 >272k") == ("gpt-5.4", "context>272k")
    assert split_key("qwen-32k", "Qwen 32k") == ("qwen-32k", "standard")


def test_no_entry_before_a_model_was_priced() -> None:
    history = [{"input": 1, "output": 2, "from_date": "2025-03-01", "to_date": None}]
    assert in_force(history, date(2025, 2, 28)) is None
    assert in_force(history, date(2025, 3, 1)) == history[0]
