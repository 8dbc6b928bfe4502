"""Cohere parser: the captured page's prices are JS-rendered cards plus FAQ prose, so it is
refused (prose is never read); a page carrying a model price table is read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import rate_of

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.cohere import VENDOR, model_id, parse

URL = "https://cohere.com/pricing"
CAPTURES = files("ratecard") / "captures" / VENDOR
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())
WHEN = datetime(2025, 10, 15, tzinfo=UTC)

TABLE = """
## Models

| Model | Input (per 1M tokens) | Output (per 1M tokens) |
| --- | --- | --- |
| Command A | $2.50 | $10.00 |
| Command R+ 08-2024 | $2.50 | $10.00 |
| Command R7B | $0.0375 | $0.15 |
"""


def _parse_text(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_capture_without_price_table_is_refused(name: str) -> None:
    with pytest.raises(ParseError, match=f"^cohere: no price table found in {URL}"):
        parse((CAPTURES / name).read_bytes(), URL, WHEN)


def test_faq_prose_prices_are_not_read() -> None:
    page = (CAPTURES / CAPTURE_NAMES[0]).read_text(encoding="utf-8")
    # Capture line 381: "Command R+ 08-2024 pricing is $2.50/1M tokens for input and ..."
    assert "Command R+ 08-2024 pricing is $2.50/1M tokens for input" in page
    with pytest.raises(ParseError, match="prose is not read"):
        _parse_text(page)


def test_model_price_table_is_read() -> None:
    result = _parse_text(TABLE)
    assert rate_of(result, "command-a", "input").value == Decimal("2.5")
    assert rate_of(result, "command-a", "output").value == Decimal(10)
    assert rate_of(result, "command-r-plus-08-2024", "input").value == Decimal("2.5")
    assert rate_of(result, "command-r7b", "input").value == Decimal("0.0375")
    assert rate_of(result, "command-r7b", "output").unit == "usd_per_mtok"
    assert result.display_names["command-r-plus-08-2024"] == "Command R+ 08-2024"


def test_table_added_to_the_real_capture_is_read() -> None:
    page = (CAPTURES / CAPTURE_NAMES[0]).read_text(encoding="utf-8") + TABLE
    result = _parse_text(page)
    assert result.models == {"command-a", "command-r-plus-08-2024", "command-r7b"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Output (per 1M tokens) |", "| Output (per 1M tokens) | Fine-tuning |", "unknown column"),
        ("| Input (per 1M tokens) |", "| Input |", "no unit stated for command-a"),
        ("| $0.0375 |", "| from $0.0375 |", "unreadable price"),
    ],
)
def test_mangled_table_is_refused(old: str, new: str, message: str) -> None:
    assert old in TABLE
    with pytest.raises(ParseError, match="cohere") as err:
        _parse_text(TABLE.replace(old, new))
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Command R+ 08-2024", "command-r-plus-08-2024"),
        ("Command A", "command-a"),
        ("Aya Expanse 32B", "aya-expanse-32b"),
    ],
)
def test_model_id(name: str, expected: str) -> None:
    assert model_id(name) == expected
