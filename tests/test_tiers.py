"""Tier keys are built and read in one place, the same way for every vendor and registry."""

from __future__ import annotations

import pytest

from ratecard import tiers


def test_dimensions_are_ordered_and_bounds_are_comparisons() -> None:
    assert tiers.make(region="eastus", deployment="global") == "deployment=global;region=eastus"
    assert tiers.make(context=">200k", service="flex") == "context>200k;service=flex"
    assert tiers.make() == tiers.STANDARD == "standard"


@pytest.mark.parametrize(
    "dims",
    [{}, {"service": "flex"}, {"context": ">200k"}, {"deployment": "global", "region": "eastus2"}],
)
def test_parse_reads_back_what_make_built(dims: dict[str, str]) -> None:
    assert tiers.parse(tiers.make(**dims)) == dims


def test_context_keys_and_thresholds_agree() -> None:
    assert tiers.context(200_000) == "context>200k"
    assert tiers.context(128_500) == "context>128500"
    assert tiers.context_threshold("context>200k") == 200_000
    assert tiers.context_threshold(tiers.context(128_500)) == 128_500
    assert tiers.context_threshold("service=flex") is None
    assert tiers.context_threshold("context>200k;service=flex") is None


def test_a_malformed_key_is_refused() -> None:
    with pytest.raises(ValueError, match="not a tier key"):
        tiers.parse("flex")
