"""A LiteLLM patch from a cross-check: keys, LiteLLM's field names and numbers, evidence a maintainer
can open, keys found under other prefixes rather than duplicated, and a patch that applies."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from ratecard.parsers import get_parser
from ratecard.registry.base import Registry
from ratecard.registry.crosscheck import CheckResult, OurRate, crosscheck, our_rates
from ratecard.registry.load import load_registry_source, read_registry
from ratecard.registry.match import match_models
from ratecard.registry.patch import (
    FORMAT,
    Evidence,
    candidates,
    litellm_field,
    maintainer_patch,
    per_token,
    refusal,
)

WRAPPED = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
SEEN_ON = date(2025, 11, 19)
REPLAY = "http://127.0.0.1:8123/anthropic/2025-11-19__docs-claude-pricing.md"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry_source(str(WRAPPED))


@pytest.fixture(scope="module")
def anthropic_rates() -> list[OurRate]:
    body = files("ratecard") / "captures" / "anthropic" / "2025-11-19__docs-claude-pricing.md"
    parsed = get_parser("anthropic")(body.read_bytes(), URL, datetime(2025, 11, 19, tzinfo=UTC))
    rates = our_rates(parsed.rates)
    rates.append(("claude-nova-9", "input", "standard", Decimal(2)))
    return rates


def check(
    vendor: str, rates: list[OurRate], registry: Registry, prefixes: tuple[str, ...]
) -> list[CheckResult]:
    matches = match_models(vendor, {r[0] for r in rates}, registry, prefixes=prefixes)
    return crosscheck(vendor, rates, registry, matches)


@pytest.fixture(scope="module")
def results(anthropic_rates: list[OurRate], registry: Registry) -> list[CheckResult]:
    return check("anthropic", anthropic_rates, registry, ("", "anthropic/"))


def evidence_for(rates: list[OurRate], url: str = URL) -> dict[tuple[str, str, str], Evidence]:
    return {(m, f, t): Evidence(url, SEEN_ON) for m, f, t, _ in rates}


@pytest.fixture(scope="module")
def patch(results: list[CheckResult], anthropic_rates: list[OurRate], registry: Registry) -> dict[str, Any]:
    return maintainer_patch(
        results,
        evidence_for(anthropic_rates),
        registry,
        new_key_prefix="anthropic/",
        provider="anthropic",
    )


def change(patch: dict[str, Any], key: str, field: str) -> dict[str, Any]:
    changes: list[dict[str, Any]] = patch["changes"]
    [hit] = [c for c in changes if (c["key"], c["field"]) == (key, field)]
    return hit


def test_the_document_names_its_format_registry_and_vendor(patch: dict[str, Any], registry: Registry) -> None:
    assert patch["format"] == FORMAT
    assert patch["registry"] == {"name": "litellm", "version": registry.version, "date": "2025-12-29"}
    assert patch["vendor"] == "anthropic"
    assert list(patch)[:4] == ["format", "registry", "vendor", "candidates"]  # candidates come first


def test_disagreement_becomes_a_correction_with_evidence(patch: dict[str, Any]) -> None:
    c = change(patch, "claude-3-haiku-20240307", "cache_creation_input_token_cost_above_1hr")
    assert (c["old"], c["new"], c["action"], c["key_match"]) == (6e-06, 5e-07, "correct", "dated")
    assert c["evidence"] == {"url": URL, "captured": "2025-11-19"}
    assert c["ours"] == {"field": "cache_write_1h", "tier": "standard"}
    assert patch["apply"]["claude-3-haiku-20240307"][c["field"]] == 5e-07


def test_vendor_only_becomes_an_addition(patch: dict[str, Any]) -> None:
    c = change(patch, "claude-sonnet-4-5", "input_cost_per_token_batches")
    assert (c["old"], c["new"], c["action"], c["key_match"]) == (None, 1.5e-06, "add", "exact")


def test_unmatched_model_gets_a_new_key_litellm_can_load(patch: dict[str, Any]) -> None:
    c = change(patch, "anthropic/claude-nova-9", "input_cost_per_token")
    assert (c["action"], c["key_match"], c["new"], c["model"]) == ("new_key", "new", 2e-06, "claude-nova-9")
    assert patch["apply"]["anthropic/claude-nova-9"] == {
        "litellm_provider": "anthropic",
        "mode": "chat",
        "input_cost_per_token": 2e-06,
    }


def test_agreements_are_not_in_the_patch(patch: dict[str, Any]) -> None:
    assert not [
        c
        for c in patch["changes"]
        if c["key"] == "claude-sonnet-4-5" and c["field"] == "input_cost_per_token"
    ]


def test_numbers_are_written_as_litellm_writes_them_and_exact(
    patch: dict[str, Any], anthropic_rates: list[OurRate]
) -> None:
    text = json.dumps(patch, indent=2)
    assert '"new": 1.5e-06' in text and '"0.0000015"' not in text
    litellm_map = json.loads(WRAPPED.read_text(encoding="utf-8"))["data"]
    assert litellm_map["claude-3-haiku-20240307"]["cache_creation_input_token_cost_above_1hr"] == 6e-06
    ours = {(m, f, t): v for m, f, t, v in anthropic_rates}
    for c in patch["changes"]:  # each float's shortest form is the exact per-token price
        assert type(c["new"]) is float
        assert Decimal(repr(c["new"])) * 1_000_000 == ours[c["model"], c["ours"]["field"], c["ours"]["tier"]]


def test_applying_the_patch_makes_litellm_agree(
    patch: dict[str, Any], anthropic_rates: list[OurRate]
) -> None:
    doc = json.loads(WRAPPED.read_text(encoding="utf-8"))
    for key, fields in patch["apply"].items():
        doc["data"].setdefault(key, {}).update(fields)
    patched = read_registry(json.dumps(doc).encode(), str(WRAPPED))
    again = check("anthropic", anthropic_rates, patched, ("", "anthropic/"))
    changed = {(c["model"], c["ours"]["field"], c["ours"]["tier"]) for c in patch["changes"]}
    assert len(changed) > 20
    assert {
        (r.model, r.field, r.tier): r.outcome for r in again if (r.model, r.field, r.tier) in changed
    } == (dict.fromkeys(changed, "agree"))


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


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        (URL, False),
        ("https://ai.google.dev/gemini-api/docs/pricing", False),
        (REPLAY, True),
        ("http://localhost:8000/pricing", True),
        ("http://[::1]:8000/pricing", True),
        ("http://10.1.2.3/pricing", True),
        ("file:///tmp/pricing.md", True),
        ("", True),
    ],
)
def test_only_a_public_web_page_is_evidence(url: str, refused: bool) -> None:
    assert (refusal(url) is not None) == refused


def test_a_local_replay_url_is_refused_and_named(
    results: list[CheckResult], anthropic_rates: list[OurRate], registry: Registry
) -> None:
    evidence = evidence_for(anthropic_rates, REPLAY)
    out = maintainer_patch(results, evidence, registry, new_key_prefix="anthropic/", provider="anthropic")
    assert out["changes"] == [] and out["apply"] == {}
    assert out["refused_sources"] == [REPLAY]
    assert all(REPLAY in s["reason"] for s in out["skipped"] if s["reason"] != "no LiteLLM field for it")
    assert "127.0.0.1" not in json.dumps(out["changes"])


AZURE = [
    ("deepseek-r1", "input", "standard", Decimal("1.35")),  # as azure_ai/deepseek-r1 has it
    ("deepseek-r1", "output", "standard", Decimal("5.5")),  # azure_ai/deepseek-r1 says 5.4
    ("grok-3", "input", "standard", Decimal(3)),
    ("mai-nova-1", "input", "standard", Decimal(1)),
]


@pytest.fixture(scope="module")
def azure(registry: Registry) -> dict[str, Any]:
    results = check("azure", AZURE, registry, ("azure/",))
    assert all(r.key is None for r in results)  # LiteLLM has no azure/ key for any of them
    return maintainer_patch(
        results, evidence_for(AZURE, "https://azure.microsoft.com/pricing"), registry,
        new_key_prefix="azure/", provider="azure",
    )  # fmt: skip


def test_a_model_litellm_has_under_another_prefix_is_matched_not_duplicated(azure: dict[str, Any]) -> None:
    assert azure["candidates"][0] == {
        "model": "deepseek-r1",
        "keys": ["azure_ai/deepseek-r1"],
        "chosen": "azure_ai/deepseek-r1",
    }
    c = change(azure, "azure_ai/deepseek-r1", "output_cost_per_token")
    assert (c["old"], c["new"], c["action"], c["key_match"]) == (5.4e-06, 5.5e-06, "correct", "other_prefix")
    assert [c["key"] for c in azure["changes"] if c["model"] == "deepseek-r1"] == ["azure_ai/deepseek-r1"]
    assert not [k for k in azure["apply"] if k.startswith("azure/deepseek")]


def test_several_candidates_are_listed_not_guessed(azure: dict[str, Any]) -> None:
    grok = next(c for c in azure["candidates"] if c["model"] == "grok-3")
    assert grok == {"model": "grok-3", "keys": ["azure_ai/global/grok-3", "azure_ai/grok-3"], "chosen": None}
    [skip] = [s for s in azure["skipped"] if s["model"] == "grok-3"]
    assert "azure_ai/global/grok-3, azure_ai/grok-3" in skip["reason"]
    assert not [c for c in azure["changes"] if c["model"] == "grok-3"]


def test_a_model_no_key_prices_gets_the_vendor_prefix(azure: dict[str, Any], registry: Registry) -> None:
    assert candidates("mai-nova-1", registry, ["azure"]) == []
    c = change(azure, "azure/mai-nova-1", "input_cost_per_token")
    assert (c["action"], c["old"], c["new"]) == ("new_key", None, 1e-06)
    assert azure["apply"]["azure/mai-nova-1"]["litellm_provider"] == "azure"


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


def test_missing_evidence_is_skipped_not_invented(registry: Registry) -> None:
    out = maintainer_patch([result()], {}, registry, new_key_prefix="", provider="v")
    assert out["changes"] == []
    assert out["skipped"] == [
        {"model": "m", "field": "input", "tier": "standard", "reason": "no source recorded"}
    ]


def test_only_litellm_results_make_a_litellm_patch(registry: Registry) -> None:
    evidence = {("m", "input", "standard"): Evidence(URL, SEEN_ON)}
    with pytest.raises(ValueError, match="LiteLLM results"):
        maintainer_patch([result("portkey")], evidence, registry, new_key_prefix="", provider="v")
