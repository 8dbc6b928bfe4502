"""A LiteLLM patch from a cross-check: keys, field names, exact per-token values, evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from ratecard.parsers import get_parser
from ratecard.registry.crosscheck import CheckResult, crosscheck, our_rates
from ratecard.registry.load import load_registry_source
from ratecard.registry.match import match_models
from ratecard.registry.patch import litellm_field, litellm_patch, per_token

WRAPPED = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
SEEN_ON = date(2025, 11, 19)


@pytest.fixture(scope="module")
def patch() -> dict[str, Any]:
    body = files("ratecard") / "captures" / "anthropic" / "2025-11-19__docs-claude-pricing.md"
    parsed = get_parser("anthropic")(body.read_bytes(), URL, datetime(2025, 11, 19, tzinfo=UTC))
    rates = our_rates(parsed.rates)
    rates.append(("claude-nova-9", "input", "standard", Decimal(2)))
    registry = load_registry_source(str(WRAPPED))
    matches = match_models("anthropic", {r[0] for r in rates}, registry, prefixes=("", "anthropic/"))
    results = crosscheck("anthropic", rates, registry, matches)
    seen = {(m, f, t): (URL, SEEN_ON) for m, f, t, _ in rates}
    return litellm_patch(results, seen, new_key_prefix="anthropic/")


def change(patch: dict[str, Any], key: str, field: str) -> dict[str, Any]:
    changes: list[dict[str, Any]] = patch["changes"]
    [hit] = [c for c in changes if (c["key"], c["field"]) == (key, field)]
    return hit


def test_disagreement_becomes_a_correction(patch: dict[str, Any]) -> None:
    c = change(patch, "claude-3-haiku-20240307", "cache_creation_input_token_cost_above_1hr")
    assert (c["value"], c["current"], c["outcome"]) == ("0.0000005", "0.000006", "disagree")
    assert (c["source_url"], c["date_seen"], c["new_key"]) == (URL, "2025-11-19", False)
    assert patch["apply"]["claude-3-haiku-20240307"][c["field"]] == "0.0000005"


def test_vendor_only_becomes_an_addition(patch: dict[str, Any]) -> None:
    c = change(patch, "claude-sonnet-4-5", "input_cost_per_token_batches")
    assert (c["value"], c["current"], c["outcome"]) == ("0.0000015", None, "vendor_only")


def test_unmatched_model_gets_a_proposed_key(patch: dict[str, Any]) -> None:
    c = change(patch, "anthropic/claude-nova-9", "input_cost_per_token")
    assert (c["new_key"], c["value"], c["model"]) == (True, "0.000002", "claude-nova-9")


def test_agreements_are_not_in_the_patch(patch: dict[str, Any]) -> None:
    assert not [
        c
        for c in patch["changes"]
        if c["key"] == "claude-sonnet-4-5" and c["field"] == "input_cost_per_token"
    ]


def test_litellm_field_names() -> None:
    assert litellm_field("input", "context>200k") == "input_cost_per_token_above_200k_tokens"
    assert litellm_field("cache_write_5m", "standard") == "cache_creation_input_token_cost"
    assert litellm_field("cache_write", "standard") == "cache_creation_input_token_cost"
    assert litellm_field("batch_input", "context>200k") is None
    assert litellm_field("reasoning", "standard") is None


def test_per_token_strings_are_exact() -> None:
    assert per_token(Decimal(3)) == "0.000003"
    assert per_token(Decimal("0.075")) == "0.000000075"
    assert per_token(Decimal("22.50")) == "0.0000225"


def result(registry_name: str = "litellm") -> CheckResult:
    return CheckResult(
        "v",
        "m",
        "input",
        "standard",
        "vendor_only",
        Decimal(1),
        None,
        None,
        None,
        None,
        registry_name,
    )


def test_missing_evidence_is_skipped_not_invented() -> None:
    out = litellm_patch([result()], {})
    assert out["changes"] == []
    assert out["skipped"] == [
        {"model": "m", "field": "input", "tier": "standard", "reason": "no source recorded"}
    ]


def test_only_litellm_results_make_a_litellm_patch() -> None:
    with pytest.raises(ValueError, match="LiteLLM results"):
        litellm_patch([result("portkey")], {("m", "input", "standard"): (URL, SEEN_ON)})
