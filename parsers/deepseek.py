"""DeepSeek: the API docs "Models & Pricing" page (api-docs.deepseek.com/quick_start/pricing).

The page is one HTML table with a column per model that reaches us flattened, with or without
``|`` separators. It is read by meaning, not by position:

* the ``MODEL`` row names the models (API ids such as ``deepseek-chat``; footnote marks such
  as ``(1)`` dropped); any other text in that row means the columns changed, and parsing refuses;
* every price row is ``1M INPUT TOKENS (CACHE HIT)`` (``cache_read``), ``1M INPUT TOKENS
  (CACHE MISS)`` (``input``) or ``1M OUTPUT TOKENS`` (``output``) followed only by ``$`` amounts:
  one per model, or one merged cell that prices every model alike;
* any other line carrying a price, an unknown price label, a second row for one field, or any
  mention of a peak / off-peak / discount period refuses: a price split this parser does not
  model must never come out as plain rates;
* a footnote saying model names "will be deprecated" gives those names a ``deprecated`` flag; if
  it says they "correspond to" a priced model, they are priced as that model, marked inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, normalize, parsed

VENDOR = "deepseek"

_MODEL_ROW = re.compile(r"^MODEL(?![\w ]*VERSION)\b\s*\|?(?P<rest>.*)$")
_ID = re.compile(r"deepseek-[a-z0-9]+(?:[.-][a-z0-9]+)*", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\(\d+\)")
_LABEL = re.compile(
    r"^1M\s+(?:(?P<a>INPUT|OUTPUT)\s+TOKENS|TOKENS\s+(?P<b>INPUT|OUTPUT))"
    r"(?:\s*\(\s*(?P<cache>CACHE\s+HIT|CACHE\s+MISS)\s*\))?$",
    re.IGNORECASE,
)
_AMOUNTS = re.compile(r"^(?:\s*\|?\s*\$\s*\d[\d,]*(?:\.\d+)?)+\s*\|?\s*$")
_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)")
_PRICE_LIKE = re.compile(r"[$¥￥€]\s*\d|^1M\b|^PRICING\b", re.IGNORECASE)
_PRICING_PREFIX = re.compile(r"^PRICING\b\s*\|?\s*", re.IGNORECASE)
_PERIOD = re.compile(r"\b(off[- ]?peak|peak|discount(?:ed)?|promotion(?:al)?|\d+%\s*off)\b", re.IGNORECASE)
_MAPS_TO = re.compile(r"\b(correspond|map|alias|point|rout)", re.IGNORECASE)
_SPLIT = re.compile(
    r"\b(correspond|map|alias|point|rout|use|instead|replac|migrat|switch|upgrad|successor)",
    re.IGNORECASE,
)
_DEPRECATED_WHEN = re.compile(r"deprecated\s+(?:on|after|from|by)\s+(.+?)(?:\.\s|\.$|[,;]|$)")


@dataclass(frozen=True, slots=True)
class _Row:
    field: str
    amounts: tuple[Decimal, ...]


def model_id(cell: str) -> str:
    """DeepSeek's API id exactly as the ``MODEL`` row prints it, lower-cased (``deepseek-chat``)."""
    m = _ID.fullmatch(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r}")
    return m.group(0).lower()


def _lines(text: str) -> list[str]:
    """Lines without bold markers and surrounding blanks: the flattened table's rows."""
    return [line.replace("**", "").strip() for line in text.splitlines()]


def _models(lines: list[str], url: str) -> list[str]:
    """Model ids of the single ``MODEL`` row; anything but ids and footnote marks refuses."""
    rows = [m.group("rest") for m in map(_MODEL_ROW.match, lines) if m]
    if not rows:
        raise ParseError(VENDOR, f"no price table found in {url} (expected a 'MODEL' row)")
    if len(rows) > 1:
        raise ParseError(VENDOR, f"{len(rows)} 'MODEL' rows: the page holds more than one table")
    ids = [model_id(i) for i in _ID.findall(rows[0])]
    residue = _FOOTNOTE.sub("", _ID.sub("", rows[0])).replace("|", "").strip()
    if not ids or residue:
        raise ParseError(VENDOR, f"unreadable MODEL row {rows[0]!r}: expected only model ids")
    if len(set(ids)) != len(ids):
        raise ParseError(VENDOR, f"a model is named twice in the MODEL row {rows[0]!r}")
    return ids


def _field(label: str) -> str:
    """``1M INPUT TOKENS (CACHE HIT)`` -> ``cache_read``; unknown labels refuse."""
    m = _LABEL.match(label)
    if m is None:
        raise ParseError(VENDOR, f"unknown price row {label!r}")
    kind = (m.group("a") or m.group("b")).upper()
    cache = " ".join((m.group("cache") or "").upper().split())
    if kind == "OUTPUT":
        if cache:
            raise ParseError(VENDOR, f"unknown price row {label!r}: a cache split of output")
        return "output"
    return "cache_read" if cache == "CACHE HIT" else "input"


def _price_row(line: str, n_models: int) -> _Row:
    """A price row: a known label then only ``$`` amounts, one per model or one for all."""
    body = _PRICING_PREFIX.sub("", line)
    label, dollar, rest = body.partition("$")
    label = label.replace("|", " ").strip()
    if not dollar or not _AMOUNTS.match("$" + rest):
        raise ParseError(VENDOR, f"unreadable price row {line!r}: expected a label then $ amounts")
    fld = _field(" ".join(_FOOTNOTE.sub("", label).split()))
    amounts = tuple(normalize(Decimal(a.replace(",", ""))) for a in _AMOUNT.findall("$" + rest))
    if len(amounts) not in {1, n_models}:
        raise ParseError(VENDOR, f"price row {line!r} has {len(amounts)} amounts for {n_models} models")
    return _Row(fld, amounts)


def _prices(lines: list[str], models: list[str]) -> list[ParsedRate]:
    rows = [_price_row(line, len(models)) for line in lines if _PRICE_LIKE.search(line)]
    fields = [r.field for r in rows]
    dup = {f for f in fields if fields.count(f) > 1}
    if dup:
        raise ParseError(VENDOR, f"more than one price row for {sorted(dup)}: prices are split")
    missing = {"input", "output"} - set(fields)
    if missing:
        raise ParseError(VENDOR, f"no price row for {sorted(missing)}")
    out: list[ParsedRate] = []
    for row in rows:
        amounts = row.amounts * len(models) if len(row.amounts) == 1 else row.amounts
        out.extend(ParsedRate(m, row.field, a) for m, a in zip(models, amounts, strict=True))
    return out


def _deprecations(lines: list[str], rates: list[ParsedRate]) -> list[ParsedRate]:
    """Flags (and, for names mapped to a priced model, inferred prices) from deprecation notes.

    Ids before the first "correspond"/"use"-like word are the deprecated names; ids after a
    "correspond"/"map" word are what they now mean. A successor ("use X instead") is not flagged.
    """
    priced = {r.model for r in rates}
    flags: dict[str, ParsedRate] = {}
    inferred: list[ParsedRate] = []
    for line in (ln for ln in lines if "deprecat" in ln.lower()):
        split = _SPLIT.search(line)
        head = line[: split.start()] if split else line
        names = list(dict.fromkeys(i.lower() for i in _ID.findall(head)))
        maps = _MAPS_TO.search(line)
        targets = sorted({i.lower() for i in _ID.findall(line[maps.end() :])}) if maps else []
        when = _DEPRECATED_WHEN.search(line)
        reason = f"page: deprecated on {when.group(1)}" if when else "page: will be deprecated"
        flags.update((n, ParsedRate(n, "deprecated", None, unit="flag", reason=reason)) for n in names)
        unpriced = [n for n in names if n not in priced]
        if not unpriced or not targets:
            continue
        if len(targets) != 1 or targets[0] not in priced:
            raise ParseError(VENDOR, f"cannot tell which priced model {unpriced} map to: {line!r}")
        inferred.extend(r for n in unpriced for r in _as_model(rates, n, targets[0]))
    return [*flags.values(), *inferred]


def _as_model(rates: list[ParsedRate], name: str, target: str) -> list[ParsedRate]:
    reason = f"page says {name} corresponds to {target}; priced as {target}"
    return [
        ParsedRate(name, r.field, r.value, status="inferred", reason=reason)
        for r in rates
        if r.model == target
    ]


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    text = body.decode("utf-8")
    period = _PERIOD.search(text)
    if period:
        raise ParseError(
            VENDOR,
            f"page mentions {period.group(0)!r} pricing: time-of-day or discount prices "
            "are not modelled, refusing rather than reading them as plain rates",
        )
    lines = _lines(text)
    models = _models(lines, url)
    rates = _prices(lines, models)
    rates.extend(_deprecations(lines, rates))
    names = {r.model: r.model for r in rates}
    return parsed(VENDOR, rates, names)
