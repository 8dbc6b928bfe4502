"""The shared model-price-table reader: unit phrases and the unit each field is stored in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratecard.parsers.base import ParseError
from ratecard.parsers.model_table import Per, resolve_unit, units_in

M, K, ONE = Decimal(1_000_000), Decimal(1000), Decimal(1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Input Tokens ($/1M)", {Per(M, None)}),
        ("$3.00 / 1M tokens", {Per(M, "token")}),
        ("Input (per 1 million tokens)", {Per(M, "token")}),
        ("$0.50 / MTok", {Per(M, "token")}),
        ("Search Queries ($/1K)", {Per(K, None)}),
        ("Price per 1K requests", {Per(K, "request")}),
        ("Cost per 1,000 calls", {Per(K, "request")}),
        ("Low ($/request)", {Per(ONE, "request")}),
        # Perplexity's request-fee tab (2026): "the request fee for each model for every 1000 requests".
        ("for each model for every 1000 requests", {Per(K, "request")}),
        ("$/1000000 tokens", {Per(M, "token")}),
        ("Input / Output", set()),
        ("Model", set()),
    ],
)
def test_unit_phrases(text: str, expected: set[Per]) -> None:
    assert units_in(text) == expected


@pytest.mark.parametrize(
    ("fld", "per", "unit", "scale"),
    [
        ("input", Per(M, None), "usd_per_mtok", ONE),
        ("output", Per(K, "token"), "usd_per_mtok", K),
        ("reasoning", Per(ONE, "token"), "usd_per_mtok", M),
        ("request", Per(K, None), "usd_per_1k_requests", ONE),
        ("web_search", Per(K, "request"), "usd_per_1k_requests", ONE),
        ("request", Per(ONE, "request"), "usd_per_request", ONE),
    ],
)
def test_resolve_unit(fld: str, per: Per, unit: str, scale: Decimal) -> None:
    assert resolve_unit("v", fld, per, "cell") == (unit, scale)


@pytest.mark.parametrize(
    ("fld", "per"),
    [
        ("input", Per(K, "request")),
        ("request", Per(M, "token")),
        ("request", Per(M, None)),
    ],
)
def test_resolve_unit_refuses_mismatches(fld: str, per: Per) -> None:
    with pytest.raises(ParseError, match=r"^v: "):
        resolve_unit("v", fld, per, "cell")
