"""xAI parser: the captured page has no price table (JS-rendered) and is refused; a page that
carries the model table is read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.xai import VENDOR, model_id, parse

URL = "https://docs.x.ai/docs/models"
CAPTURES = files("ratecard") / "captures" / VENDOR
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())
WHEN = datetime(2025, 12, 20, tzinfo=UTC)

#: What the rendered page's table looks like, reduced to markdown (values as on docs.x.ai).
RENDERED = """
## Model Pricing

| Model | Context | Input | Cached input | Output |
| --- | --- | --- | --- | --- |
| grok-4-0709 | 256,000 | $3.00 / 1M tokens | $0.75 / 1M tokens | $15.00 / 1M tokens |
| grok-3-mini (deprecated) | 131,072 | $0.30 / 1M tokens | $0.075 / 1M tokens | $0.50 / 1M tokens |
| grok-2-image-1212 | - | $0.002 / 1K tokens | - | $0.01 / 1K tokens |
"""


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_capture_without_price_table_is_refused(name: str) -> None:
    # The capture keeps "## Model Pricing" but the table under it was rendered by JavaScript.
    with pytest.raises(ParseError, match=f"^xai: no price table found in {URL}"):
        parse((CAPTURES / name).read_bytes(), URL, WHEN)


def test_tool_invocation_table_is_not_a_model_table() -> None:
    page = (CAPTURES / CAPTURE_NAMES[0]).read_text(encoding="utf-8")
    assert "| Tool | Cost per 1,000 calls | Description |" in page
    with pytest.raises(ParseError, match="xai: no price table found"):
        _parse_text(page)


def test_rendered_model_table_is_read() -> None:
    result = _parse_text(RENDERED)
    assert rate_of(result, "grok-4-0709", "input").value == Decimal(3)
    assert rate_of(result, "grok-4-0709", "cache_read").value == Decimal("0.75")
    assert rate_of(result, "grok-4-0709", "output").value == Decimal(15)
    assert rate_of(result, "grok-3-mini", "output").value == Decimal("0.5")
    assert rate_of(result, "grok-3-mini", "deprecated").unit == "flag"
    # Per-1K-token prices are stored per MTok, exactly x1000.
    assert rate_of(result, "grok-2-image-1212", "input").value == Decimal(2)
    assert rate_of(result, "grok-2-image-1212", "cache_read").status == "not_offered"
    assert {r.currency for r in result.rates} == {"USD"}
    assert not [r for r in result.rates if r.field == "context"]


def test_rendered_table_inside_the_real_capture_is_read() -> None:
    page = (CAPTURES / CAPTURE_NAMES[0]).read_text(encoding="utf-8")
    page = page.replace("## Model Pricing\n", RENDERED, 1)
    assert rate_of(_parse_text(page), "grok-4-0709", "output").value == Decimal(15)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Cached input |", "| Live search |", "unknown column 'Live search'"),
        ("$15.00 / 1M tokens", "$15.00", "no unit stated for grok-4-0709"),
        (
            "$3.00 / 1M tokens",
            "$3.00 / 1k requests",
            "per-token column but the page says usd_per_1k_requests",
        ),
        ("$3.00 / 1M tokens", "$3.00 / 1M requests", "unreadable price"),
        ("$3.00 / 1M tokens", "€3.00 / 1M tokens", "unreadable price"),
    ],
)
def test_mangled_rendered_table_is_refused(old: str, new: str, message: str) -> None:
    assert old in RENDERED
    with pytest.raises(ParseError, match="xai") as err:
        _parse_text(RENDERED.replace(old, new))
    assert message in str(err.value)


@pytest.mark.parametrize(("name", "expected"), [("grok-4-0709", "grok-4-0709"), ("Grok 4", "grok-4")])
def test_model_id(name: str, expected: str) -> None:
    assert model_id(name) == expected


def test_model_id_refuses_non_grok_names() -> None:
    with pytest.raises(ParseError, match="xai: unrecognised model name"):
        model_id("Web Search")
