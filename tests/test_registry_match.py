"""Matching our model ids to registry keys: explicit rules, in order, with the rule recorded."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.registry.base import Registry, RegistryEntry
from ratecard.registry.load import load_registry_source
from ratecard.registry.match import match_models

WRAPPED = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
ANTHROPIC = ("", "anthropic/")


@pytest.fixture(scope="module")
def litellm() -> Registry:
    return load_registry_source(str(WRAPPED))


def test_exact_key(litellm: Registry) -> None:
    m = match_models("anthropic", ["claude-sonnet-4-5"], litellm, prefixes=ANTHROPIC)
    assert (m["claude-sonnet-4-5"].key, m["claude-sonnet-4-5"].rule) == (
        "claude-sonnet-4-5",
        "exact",
    )


def test_dated_suffix(litellm: Registry) -> None:
    m = match_models("anthropic", ["claude-3-7-sonnet"], litellm, prefixes=ANTHROPIC)
    assert m["claude-3-7-sonnet"].key == "claude-3-7-sonnet-20250219"
    assert m["claude-3-7-sonnet"].rule == "dated"
    assert m["claude-3-7-sonnet"].note == ""


def test_latest_of_several_dated_keys_says_so(litellm: Registry) -> None:
    m = match_models("anthropic", ["claude-3-5-sonnet"], litellm, prefixes=ANTHROPIC)
    match = m["claude-3-5-sonnet"]
    assert match.key == "claude-3-5-sonnet-20241022"
    assert "claude-3-5-sonnet-20240620" in match.note
    assert match.note.startswith("latest of 2 dated keys")


def test_alias_comes_first(litellm: Registry) -> None:
    m = match_models(
        "anthropic",
        ["claude-sonnet-4-5"],
        litellm,
        prefixes=ANTHROPIC,
        aliases={"claude-sonnet-4-5": "claude-sonnet-4-5-20250929"},
    )
    assert (m["claude-sonnet-4-5"].key, m["claude-sonnet-4-5"].rule) == (
        "claude-sonnet-4-5-20250929",
        "alias",
    )


def test_prefixes_are_tried_in_order(litellm: Registry) -> None:
    # LiteLLM keeps two different deepseek-chat entries; the config order decides.
    first = match_models("deepseek", ["deepseek-chat"], litellm, prefixes=("deepseek/", ""))
    second = match_models("deepseek", ["deepseek-chat"], litellm, prefixes=("", "deepseek/"))
    assert first["deepseek-chat"].key == "deepseek/deepseek-chat"
    assert second["deepseek-chat"].key == "deepseek-chat"


def test_provider_names_come_from_the_parameter(litellm: Registry) -> None:
    gemini = match_models(
        "google",
        ["gemini-2.5-pro"],
        litellm,
        prefixes=("gemini/", ""),
        providers={"google": {"gemini"}},
    )
    assert gemini["gemini-2.5-pro"].key == "gemini/gemini-2.5-pro"
    refused = match_models("google", ["gemini-2.5-pro"], litellm, prefixes=("gemini/",))
    assert refused["gemini-2.5-pro"].key is None
    assert refused["gemini-2.5-pro"].rejected == ("gemini/gemini-2.5-pro (provider 'gemini')",)


def test_incompatible_provider_is_refused_not_guessed(litellm: Registry) -> None:
    m = match_models("anthropic", ["claude-sonnet-4"], litellm, prefixes=("vertex_ai/",))
    match = m["claude-sonnet-4"]
    assert match.key is None
    provider = "(provider 'vertex_ai-anthropic_models')"
    assert match.rejected == (
        f"vertex_ai/claude-sonnet-4 {provider}",
        f"vertex_ai/claude-sonnet-4@20250514 {provider}",
    )


def test_openrouter_ids_with_slashes(litellm: Registry) -> None:
    m = match_models("openrouter", ["anthropic/claude-sonnet-4.5"], litellm, prefixes=("openrouter/",))
    assert m["anthropic/claude-sonnet-4.5"].key == "openrouter/anthropic/claude-sonnet-4.5"


def test_unmatched_models_are_reported(litellm: Registry) -> None:
    m = match_models("anthropic", ["claude-sonnet-4-5", "claude-nova-9"], litellm, prefixes=ANTHROPIC)
    missing = [x for x in m.values() if x.key is None]
    assert [x.model for x in missing] == ["claude-nova-9"]
    assert missing[0].rule is None
    assert "'anthropic/claude-nova-9'" in missing[0].note


def test_no_near_miss_is_taken() -> None:
    entry = RegistryEntry("claude-sonnet-4-5-v1:0", "anthropic", {("input", "standard"): Decimal(3)})
    registry = Registry("litellm", "0" * 64, None, "inline", {entry.key: entry})
    assert match_models("anthropic", ["claude-sonnet-4-5"], registry)["claude-sonnet-4-5"].key is None


def test_at_sign_dates_match() -> None:
    entry = RegistryEntry("claude-x@20250101", "anthropic", {("input", "standard"): Decimal(1)})
    registry = Registry("litellm", "0" * 64, None, "inline", {entry.key: entry})
    assert match_models("anthropic", ["claude-x"], registry)["claude-x"].rule == "dated"
