"""The azure parser on real Retail Prices API items, served as the API's own 100-item pages.

Captures are NDJSON dumps of the API's ``Items`` (one item per line); ``_pages`` wraps them in
the API's page shape so each page goes through ``parse`` as the spider would send it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest

from ratecard.parsers import azure
from ratecard.parsers.base import Parsed, ParseError, parsed

JUNE = "2025-08-25__retail-prices-cognitive-services__effective-2025-06-01.ndjson"
AUGUST = "2025-08-25__retail-prices-cognitive-services__effective-2025-08-01.ndjson"
CAPTURES = (JUNE, AUGUST)
FETCHED = datetime(2025, 8, 25, tzinfo=UTC)  # capture date in the file names
API = "https://prices.azure.com/api/retail/prices?$filter=serviceName eq 'Cognitive Services'"


def _lines(name: str) -> list[str]:
    return (files("ratecard") / "captures" / "azure" / name).read_text("utf-8").splitlines()


def _page(lines: list[str], next_link: str | None = None) -> bytes:
    """One page in the API's shape, items kept verbatim (exact decimal text)."""
    head = {"BillingCurrency": "USD", "CustomerEntityId": "Default", "CustomerEntityType": "Retail"}
    tail = {"NextPageLink": next_link, "Count": len(lines)}
    items = '"Items": [' + ", ".join(lines) + "]"
    return ("{" + json.dumps(head)[1:-1] + ", " + items + ", " + json.dumps(tail)[1:]).encode()


def _pages(name: str, size: int = 100) -> list[bytes]:
    lines = _lines(name)
    chunks = [lines[i : i + size] for i in range(0, len(lines), size)]
    links = [f"{API}&$skip={size * (k + 1)}" for k in range(len(chunks) - 1)] + [None]
    return [_page(c, link) for c, link in zip(chunks, links, strict=True)]


def _union(name: str, at: datetime = FETCHED) -> Parsed:
    """All pages parsed and joined; ``parsed`` refuses a key two pages both claim."""
    rates, names = [], {}
    for body in _pages(name):
        one = azure.parse(body, API, at)
        rates.extend(one.rates)
        names.update(one.display_names)
    return parsed(azure.VENDOR, rates, names)


def _item(name: str, line: int, **changes: Any) -> str:
    """Line ``line`` (1-based) of a capture, with some fields changed."""
    item = json.loads(_lines(name)[line - 1])
    item.update(changes)
    return json.dumps(item)


@pytest.mark.parametrize(("name", "items", "pages"), [(JUNE, 2229, 23), (AUGUST, 1839, 19)])
def test_captures_split_into_api_pages(name: str, items: int, pages: int) -> None:
    bodies = _pages(name)
    assert len(bodies) == pages
    assert sum(json.loads(b)["Count"] for b in bodies) == items
    assert json.loads(bodies[-1])["NextPageLink"] is None


def test_models_per_capture() -> None:
    assert _union(JUNE).models == {
        "codestral", "codex-mini", "gpt-4o", "gpt-4o-audio-preview", "gpt-4o-realtime-preview",
        "gpt-image-1", "grok-3", "grok-3-mini", "llama-3.3-70b", "llama-4-maverick-17b", "o3",
        "o3-pro", "phi-4-reasoning-plus",
    }  # fmt: skip
    assert _union(AUGUST).models == {
        "deepseek-v3", "gpt-4o", "gpt-5", "gpt-5-chat", "gpt-5-mini", "gpt-5-nano",
        "gpt-oss-120b", "mai-ds-r1",
    }  # fmt: skip


# (capture, NDJSON line, model, field, tier, value per MTok): each checked by hand on that line.
HAND_CHECKED = [
    # 1569: "o3 0416 Inp glbl Tokens" eastus 0.002 per 1K
    (JUNE, 1569, "o3", "input", "deployment=global;region=eastus;version=0416", "2"),
    # 2228: "o3 0416 Inp regnl Tokens" swedencentral 0.00242 per 1K
    (JUNE, 2228, "o3", "input", "deployment=regional;region=swedencentral;version=0416", "2.42"),
    # 68: "o3 0416 Batch Outp Data Zone Tokens" francecentral 0.0044 per 1K
    (JUNE, 68, "o3", "batch_output", "deployment=datazone;region=francecentral;version=0416",
     "4.4"),
    # 1565: "gpt 4o 1120 cached Inp regnl Tokens" canadaeast 0.001513 per 1K
    (JUNE, 1565, "gpt-4o", "cache_read", "deployment=regional;region=canadaeast;version=1120",
     "1.513"),
    # 1553: "gpt-4o-rt-aud-0603 cchd Inp glbl Tokens" eastus2 0.0025 per 1K
    (JUNE, 1553, "gpt-4o-realtime-preview", "audio_cache_read",
     "deployment=global;region=eastus2;version=0603", "2.5"),
    # 1741: "gpt-4o-aud-0603-txt Outp DZone Tokens" eastus2 0.011 per 1K
    (JUNE, 1741, "gpt-4o-audio-preview", "output",
     "deployment=datazone;region=eastus2;version=0603", "11"),
    # 889: "gpt-image-1-inp-cached-img-glbl Tokens" westus3 0.0025 per 1K
    (JUNE, 889, "gpt-image-1", "image_cache_read", "deployment=global;region=westus3", "2.5"),
    # 720: "codex mini inp cchd rgnl Tokens" swedencentral 0.000454 per 1K
    (JUNE, 720, "codex-mini", "cache_read", "deployment=regional;region=swedencentral", "0.454"),
    # 2042: "Grok-3 Inp glbl Tokens" usgovarizona 0.00375 per 1K
    (JUNE, 2042, "grok-3", "input", "deployment=global;region=usgovarizona", "3.75"),
    # 1990: "Llama 3.3 70B Inp regnl Tokens" westeurope 0.000937 per 1K
    (JUNE, 1990, "llama-3.3-70b", "input", "deployment=regional;region=westeurope", "0.937"),
    # 1728: "Phi-4-reasoning-plus-output Tokens" eastus 0.0005 per 1K (no deployment word)
    (JUNE, 1728, "phi-4-reasoning-plus", "output", "region=eastus", "0.5"),
    # 106: "Codestral Outp regnl Tokens" westeurope 0.001188 per 1K
    (JUNE, 106, "codestral", "output", "deployment=regional;region=westeurope", "1.188"),
    # 650: "GPT 5 Rsng outpt DZone 1M Tokens" eastus2 11.0 per 1M (no conversion)
    (AUGUST, 650, "gpt-5", "output", "deployment=datazone;region=eastus2", "11"),
    # 1256: "GPT 5 Mini Batch Inpt cchd Glbl 1M Tokens" eastus2 0.0125 per 1M
    (AUGUST, 1256, "gpt-5-mini", "batch_cache_read", "deployment=global;region=eastus2",
     "0.0125"),
    # 827: "GPT 5 Chat cchd Inpt Glbl 1M Tokens" swedencentral 0.125 per 1M
    (AUGUST, 827, "gpt-5-chat", "cache_read", "deployment=global;region=swedencentral", "0.125"),
    # 587: "V3-0324 Inp DZone Tokens" eastus 0.00125 per 1K
    (AUGUST, 587, "deepseek-v3", "input", "deployment=datazone;region=eastus;version=0324",
     "1.25"),
    # 573: "V3 Inp DZone Tokens" eastus 0.00125 per 1K
    (AUGUST, 573, "deepseek-v3", "input", "deployment=datazone;region=eastus", "1.25"),
    # 1007: "gpt-oss-120B Outp glbl Tokens" usgovvirginia 0.00075 per 1K
    (AUGUST, 1007, "gpt-oss-120b", "output", "deployment=global;region=usgovvirginia", "0.75"),
    # 1195: "MAI-DS-R1 Outp Dzone Tokens" westus 0.00594 per 1K
    (AUGUST, 1195, "mai-ds-r1", "output", "deployment=datazone;region=westus", "5.94"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "line", "model", "field", "tier", "value"), HAND_CHECKED)
def test_hand_checked_values(name: str, line: int, model: str, field: str, tier: str, value: str) -> None:
    rates = {(r.model, r.field, r.tier): r for r in _union(name).rates}
    rate = rates[(model, field, tier)]
    assert rate.value == Decimal(value) and str(rate.value) == value
    assert (rate.unit, rate.currency, rate.status) == ("usd_per_mtok", "USD", "verified")
    # The line itself parses, alone on a page, to the same rate.
    alone = azure.parse(_page([_lines(name)[line - 1]]), API, FETCHED)
    assert [(r.model, r.field, r.tier, r.value) for r in alone.rates] == [
        (model, field, tier, Decimal(value))
    ]


@pytest.mark.parametrize(
    ("product", "meter", "model"),
    [
        ("Azure OpenAI GPT5", "GPT 5 Rsng Inpt Glbl 1M Tokens", "gpt-5"),
        ("Azure OpenAI GPT5", "GPT 5 Mini Batch Inpt cchd Dzone 1M Tokens", "gpt-5-mini"),
        ("Azure OpenAI", "o3-pro Batch Inp Data Zone Tokens", "o3-pro"),
        ("Azure OpenAI", "gpt 4o 1120 Outp regnl Tokens", "gpt-4o"),
        ("Azure OpenAI", "gpt-4o-rt-txt-0603 Outp glbl Tokens", "gpt-4o-realtime-preview"),
        ("Azure OpenAI", "gpt-4o-aud-0603-txt Inp glbl Tokens", "gpt-4o-audio-preview"),
        ("Azure OpenAI Reasoning", "codex mini out dzone Tokens", "codex-mini"),
        ("Llama models", "Llama 4 Maverick 17B Outp Dzone Tokens", "llama-4-maverick-17b"),
        ("Deepseek model family", "V3-0324 Outp DZone Tokens", "deepseek-v3"),
        ("Phi", "Phi-4-reasoning-plus-input Tokens", "phi-4-reasoning-plus"),
    ],
)
def test_model_id_rule(product: str, meter: str, model: str) -> None:
    read = azure.read_meter(product, meter)
    assert read is not None and read.model == model


def test_model_id_keeps_words_and_expands_aliases() -> None:
    assert azure.model_id("Grok model family", ["Grok", "3", "Mini"]) == "grok-3-mini"
    assert azure.model_id("Azure OpenAI GPT5", ["GPT", "5", "Rsng"]) == "gpt-5"
    assert azure.model_id("Deepseek model family", ["V3"]) == "deepseek-v3"
    assert azure.model_id("Other models", ["V3"]) == "v3"  # the alias is scoped to its product


@pytest.mark.parametrize(
    ("meter", "field", "deployment", "version"),
    [
        ("o3 0416 cached Inp Data Zone Tokens", "cache_read", "datazone", "0416"),
        ("o3 0416 Batch Inp glbl Tokens", "batch_input", "global", "0416"),
        ("gpt-4o-rt-aud-0603 Outp regnl Tokens", "audio_output", "regional", "0603"),
        ("gpt-4o-rt-txt-0603 cchd Inp rgnl Tokens", "cache_read", "regional", "0603"),
        ("gpt-4o-aud-0603 Inp DZone Tokens", "audio_input", "datazone", "0603"),
        ("gpt-image-1-inp-cached-txt-dzone Tokens", "cache_read", "datazone", None),
        ("GPT 5 Nano Batch outpt Glbl 1M Tokens", "batch_output", "global", None),
    ],
)
def test_meter_words_to_field_and_dimensions(
    meter: str, field: str, deployment: str, version: str | None
) -> None:
    read = azure.read_meter("Azure OpenAI", meter)
    assert read is not None
    assert (read.field, read.deployment, read.version) == (field, deployment, version)


@pytest.mark.parametrize(
    ("product", "meter"),
    [
        ("Azure OpenAI", "Provisioned Managed Data Zone Unit"),  # PTU, not tokens
        ("Mistral Models", "OCR glbl Pages"),
        ("Azure AI Content Understanding", "Pro Field Extract Inp Tokens"),  # not a model
        ("Azure OpenAI", "gpt-4o-rt-0603 Inp glbl Tokens"),  # realtime without aud/txt
        ("Azure OpenAI", "gpt 4o 1120 cached Outp regnl Tokens"),  # cached output: no field
        ("Azure OpenAI", "gpt 4o 0806 Inp glbl FT Tokens"),  # unknown word after the model
        ("Azure OpenAI", "gpt-4o-mini-audio Inp glbl Tokens"),  # modality word in the name
        ("Azure OpenAI", "gpt 4o Inp Outp glbl Tokens"),  # two directions
        ("Azure OpenAI", "gpt 4o glbl Tokens"),  # no direction
    ],
)
def test_unreadable_meters_are_not_guessed(product: str, meter: str) -> None:
    assert azure.read_meter(product, meter) is None


def test_per_million_name_with_per_thousand_unit_is_skipped() -> None:
    body = _page([_item(AUGUST, 650, unitOfMeasure="1K")])
    result = azure.parse(body, API, FETCHED)
    assert result.rates == ()
    assert azure.unclassified(body) == ["GPT 5 Rsng outpt DZone 1M Tokens"]
    assert result.notes == (
        "1 pay-as-you-go meter(s) are not per-token model prices and were not stored: "
        "GPT 5 Rsng outpt DZone 1M Tokens",
    )


FAMILIES = {"gpt", "o1", "o3", "o4", "codex", "grok", "llama", "codestral", "mistral", "phi"}
FAMILIES |= {"deepseek", "mai", "v3"}


@pytest.mark.parametrize("name", CAPTURES)
def test_no_skipped_meter_is_a_token_price_of_a_known_model(name: str) -> None:
    skipped = sorted({m for body in _pages(name) for m in azure.unclassified(body)})
    known = {w for model in _union(name).models for w in model.split("-")[:1]} | FAMILIES
    for meter in skipped:
        words = {w.lower() for w in re.findall(r"[^\s-]+", meter)}
        assert not words & known, meter
        assert "tokens" not in words or meter.split()[0] in {"Classification", "Pro", "Std"}, meter


def test_skipped_meters_of_each_capture() -> None:
    june = {m for body in _pages(JUNE) for m in azure.unclassified(body)}
    august = {m for body in _pages(AUGUST) for m in azure.unclassified(body)}
    assert {"Provisioned Managed Global Unit", "OCR glbl Pages", "Flux 1.1 Pro glbl Images"} <= june
    assert {"Provisioned Managed Regional Unit", "Sora 720p 1-5s glbl Video"} <= august
    assert len(june) == 32 and len(august) == 59


def test_every_token_meter_of_a_model_product_becomes_a_rate() -> None:
    for name in CAPTURES:
        items = [json.loads(line) for line in _lines(name)]
        service = "Azure AI Content Understanding"  # tokens of a service, not of a model
        token_items = [i for i in items if i["meterName"].endswith("Tokens") and i["productName"] != service]
        assert len(_union(name).rates) == len(token_items)


def test_page_without_token_meters_is_empty() -> None:
    body = _page([line for line in _lines(AUGUST) if '"productName": "Computer Vision"' in line])
    result = azure.parse(body, API, FETCHED)
    assert result.rates == () and result.vendor == "azure"


def test_not_yet_effective_items_are_skipped() -> None:
    body = _pages(JUNE)[0]
    assert azure.parse(body, API, datetime(2025, 5, 31, 23, 59, tzinfo=UTC)).rates == ()
    assert azure.parse(body, API, datetime(2025, 6, 1, tzinfo=UTC)).rates != ()


def test_latest_effective_price_wins() -> None:
    old = _item(JUNE, 1569, effectiveStartDate="2025-01-01T00:00:00Z", retailPrice=0.003)
    now = _item(JUNE, 1569)  # 2025-06-01, 0.002
    future = _item(JUNE, 1569, effectiveStartDate="2025-09-01T00:00:00Z", retailPrice=0.001)
    for order in ([old, now, future], [future, now, old]):
        rates = azure.parse(_page(order), API, FETCHED).rates
        assert [r.value for r in rates] == [Decimal(2)]
    ended = _item(JUNE, 1569, effectiveEndDate="2025-07-01T00:00:00Z")
    assert [r.value for r in azure.parse(_page([old, ended]), API, FETCHED).rates] == [Decimal(3)]


def test_two_prices_from_one_date_raise() -> None:
    clash = _item(JUNE, 1569, retailPrice=0.0021)
    with pytest.raises(ParseError, match=r"azure.*two prices"):
        azure.parse(_page([_item(JUNE, 1569), clash]), API, FETCHED)


def test_only_consumption_prices() -> None:
    body = _page([_item(JUNE, 1569, type="Reservation"), _item(JUNE, 2228)])
    assert [r.model + " " + r.tier for r in azure.parse(body, API, FETCHED).rates] == [
        "o3 deployment=regional;region=swedencentral;version=0416"
    ]


@pytest.mark.parametrize(
    "body",
    [
        _page(_lines(JUNE)[:3])[:-40],  # truncated JSON
        b'{"BillingCurrency": "USD", "Value": [], "Count": 0}',  # no Items
        b"[]",
        _page(_lines(JUNE)[:3]).replace(b'"Count": 3', b'"Count": 100'),  # items lost
        _page(_lines(JUNE)[:3]).replace(b'"BillingCurrency": "USD"', b'"BillingCurrency": "EUR"'),
        _page([_item(JUNE, 1569, currencyCode="EUR")]),
        _page([_item(JUNE, 1569, retailPrice="0.002")]),
        _page([_item(JUNE, 1569, effectiveStartDate="soon")]),
        b"\xff\xfe",
    ],
)
def test_mangled_page_raises(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^azure: "):
        azure.parse(body, API, FETCHED)


def test_item_without_meter_name_raises() -> None:
    item = json.loads(_lines(JUNE)[0])
    del item["meterName"]
    with pytest.raises(ParseError, match=r"azure.*meterName"):
        azure.parse(_page([json.dumps(item)]), API, FETCHED)
