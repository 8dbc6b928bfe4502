"""Cross-checking our rates with a registry: the Anthropic page of 2025-11-19 against LiteLLM."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from ratecard.parsers import get_parser
from ratecard.parsers.base import ParsedRate
from ratecard.registry.base import Registry, RegistryEntry
from ratecard.registry.crosscheck import CheckResult, OurRate, crosscheck, our_rates
from ratecard.registry.load import load_registry_source
from ratecard.registry.match import match_models

WRAPPED = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
PAGE = "2025-11-19__docs-claude-pricing.md"
URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"


def anthropic_rates() -> list[OurRate]:
    body = (files("ratecard") / "captures" / "anthropic" / PAGE).read_bytes()
    parsed = get_parser("anthropic")(body, URL, datetime(2025, 11, 19, tzinfo=UTC))
    return our_rates(parsed.rates)


@pytest.fixture(scope="module")
def results() -> list[CheckResult]:
    registry = load_registry_source(str(WRAPPED))
    rates = anthropic_rates()
    matches = match_models("anthropic", {r[0] for r in rates}, registry, prefixes=("", "anthropic/"))
    return crosscheck("anthropic", rates, registry, matches)


def find(results: list[CheckResult], model: str, field: str, tier: str = "standard") -> CheckResult:
    [hit] = [r for r in results if (r.model, r.field, r.tier) == (model, field, tier)]
    return hit


def test_every_rate_of_ours_has_exactly_one_result(results: list[CheckResult]) -> None:
    ours = {(m, f, t) for m, f, t, _ in anthropic_rates()}
    checked = [(r.model, r.field, r.tier) for r in results if r.outcome != "registry_only"]
    assert sorted(checked) == sorted(ours)


def test_agree(results: list[CheckResult]) -> None:
    hit = find(results, "claude-sonnet-4-5", "input")
    assert (hit.outcome, hit.ours, hit.registry) == ("agree", Decimal(3), Decimal(3))
    assert (hit.key, hit.rule, hit.registry_name) == ("claude-sonnet-4-5", "exact", "litellm")
    long = find(results, "claude-sonnet-4-5", "output", "context>200k")
    assert (long.outcome, long.registry) == ("agree", Decimal("22.5"))


def test_disagree_gives_both_values_and_relative_difference(results: list[CheckResult]) -> None:
    hit = find(results, "claude-3-haiku", "cache_write_1h")
    assert hit.outcome == "disagree"
    assert (hit.ours, hit.registry, hit.rel_diff) == (Decimal("0.5"), Decimal(6), Decimal(11))
    assert (hit.key, hit.rule) == ("claude-3-haiku-20240307", "dated")


def test_vendor_only_and_registry_only(results: list[CheckResult]) -> None:
    batch = find(results, "claude-sonnet-4-5", "batch_input")
    assert (batch.outcome, batch.ours, batch.registry) == ("vendor_only", Decimal("1.5"), None)
    extra = find(results, "claude-sonnet-4-5", "cache_read", "context>200k")
    assert (extra.outcome, extra.ours, extra.registry) == ("registry_only", None, Decimal("0.6"))


def one_entry_registry(prices: dict[tuple[str, str], Decimal]) -> Registry:
    entry = RegistryEntry("m", "v", prices)
    return Registry("test", "0" * 64, None, "inline", {"m": entry})


def test_unmatched_model_is_vendor_only_without_key() -> None:
    registry = one_entry_registry({("input", "standard"): Decimal(1)})
    rates: list[OurRate] = [("other", "input", "standard", Decimal(1))]
    matches = match_models("v", ["other"], registry)
    [hit] = crosscheck("v", rates, registry, matches)
    assert (hit.outcome, hit.key, hit.rule) == ("vendor_only", None, None)


def test_relative_tolerance() -> None:
    registry = one_entry_registry({("input", "standard"): Decimal("3.03")})
    rates: list[OurRate] = [("m", "input", "standard", Decimal(3))]
    matches = match_models("v", ["m"], registry)
    [exact] = crosscheck("v", rates, registry, matches)
    [loose] = crosscheck("v", rates, registry, matches, rel_tol=Decimal("0.01"))
    assert (exact.outcome, exact.rel_diff) == ("disagree", Decimal("0.01"))
    assert loose.outcome == "agree"


def test_single_cache_write_compares_with_the_registry_5m_price() -> None:
    registry = one_entry_registry({("cache_write_5m", "standard"): Decimal("1.25")})
    rates: list[OurRate] = [("m", "cache_write", "standard", Decimal("1.25"))]
    [hit] = crosscheck("v", rates, registry, match_models("v", ["m"], registry))
    assert (hit.field, hit.outcome) == ("cache_write", "agree")


def test_only_priced_per_mtok_rates_are_compared() -> None:
    rates = [
        ParsedRate("m", "input", Decimal(1)),
        ParsedRate("m", "deprecated", None, unit="flag"),
        ParsedRate("m", "request", Decimal("0.01"), unit="usd_per_request"),
        ParsedRate("m", "batch_input", None, status="not_offered"),
    ]
    assert our_rates(rates) == [("m", "input", "standard", Decimal(1))]
