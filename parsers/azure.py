"""Azure: the Retail Prices API (``prices.azure.com/api/retail/prices``), one JSON page per call.

A page is ``{"BillingCurrency", "Items": [...], "NextPageLink", "Count"}``; the spider follows
``NextPageLink`` and calls :func:`parse` once per page. Each item is one meter in one region.
Only model-token meters become rates; everything else on a page (Language, Speech, images,
provisioned throughput units, ...) is skipped and listed by :func:`unclassified`.

Meter names are read word by word (see :func:`read_meter`): the leading words name the model,
the rest must all be known qualifiers (``Inp``/``Inpt``, ``Outp``/``Outpt``, ``cached``/``cchd``,
``Batch``, ``Glbl``/``DZone``/``Data Zone``/``regnl``, ``rt``/``aud``/``txt``/``img``, an
``MMDD`` version) followed by ``Tokens``. A meter with any other word is skipped, never guessed.
Deployment type, region and version stay dimensions of the tier; per-1K prices are × 1000 exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, normalize, parsed

VENDOR = "azure"

#: Products that sell model tokens: every ``Azure OpenAI ...`` product and the model catalog
#: families (``Llama models``, ``Grok model family``, ``Phi``). Others (``Azure AI Content
#: Understanding``) meter tokens of a service, not of a model.
_MODEL_PRODUCT = re.compile(r"^(azure openai\b.*|.*\bmodels?\b.*|.*\bmodel family|phi)$", re.I)
_WORD = re.compile(r"[^\s-]+")
_DATA_ZONE = re.compile(r"\bdata\s+zone\b", re.I)
_VERSION = re.compile(r"^(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")

#: Meter word (lower case) -> (category, value). Each category may appear once in a name.
_QUALIFIERS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("inp", "inpt", "input"), ("direction", "input")),
    **dict.fromkeys(("outp", "outpt", "out", "output"), ("direction", "output")),
    **dict.fromkeys(("cached", "cchd"), ("cached", "yes")),
    "batch": ("batch", "yes"),
    **dict.fromkeys(("glbl", "global"), ("deployment", "global")),
    **dict.fromkeys(("dzone", "dzn"), ("deployment", "datazone")),
    **dict.fromkeys(("regnl", "rgnl", "regional"), ("deployment", "regional")),
    "rt": ("rt", "yes"),
    "aud": ("aud", "yes"),
    "txt": ("txt", "yes"),
    "img": ("img", "yes"),
}
#: Model-name words that announce a modality or variant this grammar does not decode
#: (fine-tuning, embeddings, speech): such meters are skipped rather than read as text tokens.
_UNDECODED = frozenset(
    {"audio", "realtime", "tts", "transcribe", "whisper", "embedding", "embed", "ft", "ftuned"}
    | {"finetune", "finetuned", "training", "hosting", "grader", "search", "dall", "sora"}
)
#: Azure's abbreviations that are not the model's own name: (product or "*", model words) -> id.
_ALIASES: dict[tuple[str, str], str] = {
    ("*", "gpt-5-rsng"): "gpt-5",  # "GPT 5 Rsng": the reasoning model, OpenAI's plain gpt-5
    ("deepseek model family", "v3"): "deepseek-v3",  # the family is named only by the product
}
#: (modality, direction, cached, batch) -> field. Combinations not listed are skipped.
_FIELDS: dict[tuple[str, str, bool, bool], str] = {
    ("text", "input", False, False): "input",
    ("text", "output", False, False): "output",
    ("text", "input", True, False): "cache_read",
    ("text", "input", False, True): "batch_input",
    ("text", "output", False, True): "batch_output",
    ("text", "input", True, True): "batch_cache_read",
    ("audio", "input", False, False): "audio_input",
    ("audio", "output", False, False): "audio_output",
    ("audio", "input", True, False): "audio_cache_read",
    ("image", "input", False, False): "image_input",
    ("image", "output", False, False): "image_output",
    ("image", "input", True, False): "image_cache_read",
}
#: ``unitOfMeasure`` of a token meter -> factor to a per-million price.
_SCALE: dict[str, Decimal] = {"1K": Decimal(1000), "1M": Decimal(1)}


@dataclass(frozen=True, slots=True)
class MeterName:
    """What a token meter's name says: which model, which price, which deployment."""

    model: str
    display: str
    field: str
    deployment: str | None
    version: str | None
    per_million: bool
    """The name itself says ``1M`` (``GPT 5 Mini Inpt Glbl 1M Tokens``)."""


@dataclass(frozen=True, slots=True)
class Meter:
    """A classified item: its rate (value per MTok) and when it takes effect."""

    rate: ParsedRate
    display: str
    name: str
    start: datetime
    end: datetime | None


def model_id(product: str, words: Sequence[str]) -> str:
    """Canonical id from the model words that open a meter name.

    Rule: the words lower-cased and joined by ``-`` (``GPT 5 Mini`` -> ``gpt-5-mini``,
    ``Llama 3.3 70B`` -> ``llama-3.3-70b``, ``o3-pro`` -> ``o3-pro``), except Azure
    abbreviations listed in ``_ALIASES`` (``GPT 5 Rsng`` -> ``gpt-5``, DeepSeek ``V3`` ->
    ``deepseek-v3``). A version such as ``0416`` is not part of the id: it is kept verbatim
    (Azure gives no year) as the ``version`` tier dimension, so snapshots never collide.
    ``rt``/``aud`` markers add OpenAI's ``-realtime-preview``/``-audio-preview`` (see
    :func:`read_meter`).
    """
    joined = "-".join(w.lower() for w in words)
    return _ALIASES.get((product.lower(), joined)) or _ALIASES.get(("*", joined)) or joined


def _qualifiers(words: Sequence[str]) -> dict[str, str] | None:
    """Categories of the words after the model name; None if one is unknown or repeated."""
    out: dict[str, str] = {}
    for w in words:
        cat = ("version", w) if _VERSION.match(w) else _QUALIFIERS.get(w)
        if cat is None or cat[0] in out:
            return None
        out[cat[0]] = cat[1]
    return out


def _variant(base: str, q: Mapping[str, str]) -> tuple[str, str] | None:
    """(model id, modality) from the rt/aud/txt/img markers; None when they do not say which.

    ``gpt-4o-rt-aud``/``-rt-txt``: realtime model, audio/text tokens. ``gpt-4o-aud``: audio
    model, audio tokens (``-aud-txt``: its text tokens). ``img``: image tokens.
    """
    if "rt" in q:
        if "img" in q or ("aud" in q) == ("txt" in q):
            return None
        return f"{base}-realtime-preview", "audio" if "aud" in q else "text"
    if "aud" in q:
        return None if "img" in q else (f"{base}-audio-preview", "text" if "txt" in q else "audio")
    if "img" in q:
        return None if "txt" in q else (base, "image")
    return base, "text"


def read_meter(product: str, name: str) -> MeterName | None:
    """Read a token meter's name (``o3 0416 Batch Inp Data Zone Tokens``); None if it is not one."""
    if not _MODEL_PRODUCT.match(product):
        return None
    words = _WORD.findall(_DATA_ZONE.sub("DZone", name))
    low = [w.lower() for w in words]
    if not low or low[-1] != "tokens":
        return None
    per_million = len(low) > 1 and low[-2] == "1m"
    low = low[: -2 if per_million else -1]
    n = next((i for i, w in enumerate(low) if w in _QUALIFIERS or _VERSION.match(w)), len(low))
    head, q = low[:n], _qualifiers(low[n:])
    if not head or q is None or "direction" not in q or _UNDECODED.intersection(head):
        return None
    variant = _variant(model_id(product, head), q)
    if variant is None:
        return None
    model, modality = variant
    fld = _FIELDS.get((modality, q["direction"], "cached" in q, "batch" in q))
    if fld is None:
        return None
    marker = "rt" if "rt" in q else "aud" if "aud" in q else None
    display = " ".join(words[:n] + [w for w in words[n:] if w.lower() == marker])
    return MeterName(model, display, fld, q.get("deployment"), q.get("version"), per_million)


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise ParseError(VENDOR, f"item {item.get('meterId', '?')} has no text {key!r}")
    return value


def _date(item: Mapping[str, Any], key: str) -> datetime:
    try:
        when = datetime.fromisoformat(_text(item, key))
    except ValueError as exc:
        raise ParseError(VENDOR, f"unreadable {key} {item.get(key)!r}") from exc
    return _aware(when)


def _aware(when: datetime) -> datetime:
    """The API's dates and the fetch time are UTC; a naive time is read as UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _price(item: Mapping[str, Any]) -> Decimal:
    value = item.get("retailPrice")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ParseError(VENDOR, f"meter {item.get('meterName')!r} has no numeric retailPrice")
    return Decimal(value)


def classify(item: Mapping[str, Any]) -> Meter | None:
    """The rate an item states, or None when it is not a model-token meter we can read."""
    name = read_meter(_text(item, "productName"), _text(item, "meterName"))
    scale = _SCALE.get(_text(item, "unitOfMeasure"))
    region = _text(item, "armRegionName")
    if name is None or scale is None or not region or (name.per_million and scale != 1):
        return None
    dims = {"region": region}
    if name.deployment:
        dims["deployment"] = name.deployment
    if name.version:
        dims["version"] = name.version
    value = normalize(_price(item) * scale)
    rate = ParsedRate(name.model, name.field, value, tier=tiers.make(**dims))
    end = _date(item, "effectiveEndDate") if "effectiveEndDate" in item else None
    meter = _text(item, "meterName")
    return Meter(rate, name.display, meter, _date(item, "effectiveStartDate"), end)


def _items(body: bytes, url: str) -> list[Mapping[str, Any]]:
    """The page's items, checked for the API's shape and for USD retail prices."""
    try:
        page = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(VENDOR, f"{url} is not a Retail Prices JSON page: {exc}") from exc
    if not isinstance(page, dict) or not isinstance(page.get("Items"), list):
        raise ParseError(VENDOR, f"no 'Items' list in the Retail Prices page {url}")
    items: list[Any] = page["Items"]
    if "Count" in page and page["Count"] != len(items):
        raise ParseError(VENDOR, f"page says Count={page['Count']} but holds {len(items)} items")
    if page.get("BillingCurrency", "USD") != "USD":
        raise ParseError(VENDOR, f"expected USD prices, page bills {page['BillingCurrency']!r}")
    for item in items:
        if not isinstance(item, dict):
            raise ParseError(VENDOR, f"an item of {url} is not an object: {item!r}")
        if _text(item, "currencyCode") != "USD":
            raise ParseError(VENDOR, f"expected USD prices, item is in {item['currencyCode']!r}")
    return items


def _consumption(item: Mapping[str, Any]) -> bool:
    """Pay-as-you-go retail prices only: reservations and dev/test prices are other offers."""
    return _text(item, "type") == "Consumption"


def unclassified(body: bytes) -> list[str]:
    """Names of the Consumption meters on a page that yield no rate (not model tokens, PTU, ...)."""
    items = _items(body, "<page>")
    return sorted({_text(i, "meterName") for i in items if _consumption(i) and classify(i) is None})


def _in_force(meter: Meter, at: datetime) -> bool:
    return meter.start <= at and (meter.end is None or meter.end >= at)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    at = _aware(fetched_at)
    chosen: dict[tuple[str, str, str], Meter] = {}
    for item in _items(body, url):
        meter = classify(item) if _consumption(item) else None
        if meter is None or not _in_force(meter, at):
            continue
        r = meter.rate
        key = (r.model, r.field, r.tier)
        held = chosen.get(key)
        if held is not None and held.start == meter.start and held.rate.value != r.value:
            raise ParseError(
                VENDOR,
                f"meters {held.name!r} and {meter.name!r} give {key} two prices from one date",
            )
        if held is None or meter.start > held.start:
            chosen[key] = meter
    names: dict[str, str] = {}
    for m in chosen.values():
        names.setdefault(m.rate.model, m.display)
    rates = (replace(m.rate, effective_from=m.start) for m in chosen.values())
    return parsed(VENDOR, rates, names, _skipped_note(unclassified(body)))


def _skipped_note(meters: list[str], shown: int = 8) -> list[str]:
    """The run summary's word on meters read and not stored (PTU, images, OCR...): named, not hidden."""
    if not meters:
        return []
    more = f" and {len(meters) - shown} more" if len(meters) > shown else ""
    return [
        f"{len(meters)} pay-as-you-go meter(s) are not per-token model prices and were not stored: "
        f"{', '.join(meters[:shown])}{more}"
    ]
