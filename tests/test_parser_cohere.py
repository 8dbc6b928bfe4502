"""Cohere parser: the captured marketing page's prices are JS-rendered cards plus FAQ prose, so
it is refused (prose is never read); a page carrying a model price table is read; the Model Vault
page's per-instance rates are read with their units and instance sizes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import mangle, rate_of

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.cohere import VENDOR, model_id, parse

URL = "https://cohere.com/pricing"
CAPTURES = files("ratecard") / "captures" / VENDOR
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file() and "model-vault" not in p.name)
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


# --- The Model Vault page: dedicated instances per hour, month and year. ---

VAULT = "2026-08-07__docs-model-vault-standard-pricing.mdx"
VAULT_URL = "https://raw.githubusercontent.com/cohere-ai/cohere-developer-experience/main/fern/pages/model-vault/standard/pricing.mdx"
VAULT_WHEN = datetime(2026, 8, 7, tzinfo=UTC)
SMALL, MEDIUM, LARGE = (tiers.make(vault="standard", instance=s) for s in ("small", "medium", "large"))
PLAIN, XL = tiers.make(vault="standard"), tiers.make(vault="standard", instance="xl")


def _vault_text() -> str:
    return (CAPTURES / VAULT).read_text(encoding="utf-8")


def _vault(text: str) -> Parsed:
    return parse(text.encode("utf-8"), VAULT_URL, VAULT_WHEN)


VAULT_BY_HAND = [
    # "All rates are per instance." then "| Embed 4 | Small | $4.00 | $2,500 | $25,000 |"
    ("embed-4", "instance_hourly", SMALL, "4", "usd_per_instance_hour"),
    ("embed-4", "instance_monthly", SMALL, "2500", "usd_per_instance_month"),
    ("embed-4", "instance_yearly", SMALL, "25000", "usd_per_instance_year"),
    # "| Embed 4 | Medium | $5.00 | $3,250 | $32,500 |"
    ("embed-4", "instance_monthly", MEDIUM, "3250", "usd_per_instance_month"),
    # "| Rerank 3.5 | Medium | $5.00 | $3,250 | $32,500 |"
    ("rerank-3.5", "instance_hourly", MEDIUM, "5", "usd_per_instance_hour"),
    # "| Rerank 4 Pro | Large | $10.00 | $6,500 | $65,000 |"
    ("rerank-4-pro", "instance_hourly", LARGE, "10", "usd_per_instance_hour"),
    ("rerank-4-pro", "instance_yearly", LARGE, "65000", "usd_per_instance_year"),
    # Generative models, "All rates are per instance, per hour.", "| Model | Hourly rate | XL hourly rate |":
    # "| Command A | $40.00 | $48.00 |"
    ("command-a", "instance_hourly", PLAIN, "40", "usd_per_instance_hour"),
    ("command-a", "instance_hourly", XL, "48", "usd_per_instance_hour"),
    # "| Command A Reasoning | $48.00 | $57.50 |"
    ("command-a-reasoning", "instance_hourly", XL, "57.5", "usd_per_instance_hour"),
    # "| Command A+ | -- | $57.50 |"
    ("command-a-plus", "instance_hourly", XL, "57.5", "usd_per_instance_hour"),
    # "| North Mini Code | -- | $57.50 |"
    ("north-mini-code", "instance_hourly", XL, "57.5", "usd_per_instance_hour"),
]


@pytest.mark.parametrize(("model", "fld", "tier", "amount", "unit"), VAULT_BY_HAND)
def test_vault_hand_checked_rates(model: str, fld: str, tier: str, amount: str, unit: str) -> None:
    rate = rate_of(_vault(_vault_text()), model, fld, tier)
    assert (rate.value, rate.unit, rate.currency, rate.status) == (Decimal(amount), unit, "USD", "verified")


def test_vault_double_dash_is_not_offered() -> None:
    rate = rate_of(_vault(_vault_text()), "command-a-plus", "instance_hourly", PLAIN)
    assert (rate.status, rate.value, rate.reason) == ("not_offered", None, "page shows '--'")


def test_vault_recall_every_printed_rate_is_stored() -> None:
    result = _vault(_vault_text())
    # First table: 6 rows x (hourly, monthly, annual) = 18 rates; generative table: 7 rows x (hourly,
    # XL hourly) = 14 cells, 3 of them '--' (not offered). Nothing on the page goes unstored.
    first = {
        ("embed-4", SMALL),
        ("embed-4", MEDIUM),
        ("rerank-3.5", MEDIUM),
        ("rerank-4-fast", MEDIUM),
        ("rerank-4-pro", MEDIUM),
        ("rerank-4-pro", LARGE),
    }
    generative = (
        "command-a",
        "command-a-vision",
        "command-a-translate",
        "command-a-reasoning",
        "command-a-plus",
        "north-large",
        "north-mini-code",
    )
    expected = {
        *((m, f, t) for m, t in first for f in ("instance_hourly", "instance_monthly", "instance_yearly")),
        *((m, "instance_hourly", t) for m in generative for t in (PLAIN, XL)),
    }
    assert {(r.model, r.field, r.tier) for r in result.rates} == expected
    assert len([r for r in result.rates if r.status == "not_offered"]) == 3
    assert result.notes == ()
    assert result.display_names["command-a-plus"] == "Command A+"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Annual rate |", "| Annual rate | Discount |", "unknown column 'Discount'"),
        ("| $4.00 | $2,500 |", "| from $4.00 | $2,500 |", "unreadable price 'from $4.00'"),
        ("title: Standard Vault Pricing", "title: Pricing", "title names no vault"),
    ],
)
def test_vault_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^cohere: ") as err:
        _vault(mangle(_vault_text(), old, new))
    assert message in str(err.value)


def test_vault_rates_without_a_stated_unit_are_noted_not_stored() -> None:
    result = _vault(mangle(_vault_text(), "All rates are per instance.", "Rates below."))
    assert "embed-4" not in result.models
    assert result.notes == (
        "rates of Embed 4, Embed 4, Rerank 3.5, Rerank 4 Fast, Rerank 4 Pro, Rerank 4 Pro not stored: "
        "no 'per instance' unit stated",
    )
    assert rate_of(result, "command-a", "instance_hourly", PLAIN).value == Decimal(40)


def test_encrypted_vault_is_its_own_tier() -> None:
    result = _vault(mangle(_vault_text(), "title: Standard Vault Pricing", "title: Encrypted Vault Pricing"))
    assert rate_of(result, "command-a", "instance_hourly", tiers.make(vault="encrypted")).value == Decimal(40)


def test_next_js_payload_is_refused_by_name() -> None:
    page = '<script>self.__next_f.push([1,"5:[\\"$\\",\\"div\\"]"])</script>'
    with pytest.raises(ParseError, match=r"^cohere: .* Next\.js payload"):
        parse(page.encode(), URL, WHEN)
