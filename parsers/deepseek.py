"""DeepSeek: the API docs "Models & Pricing" page (api-docs.deepseek.com/quick_start/pricing).

The page is one HTML table with a column per model that reaches us flattened, with ``|``, tabs
or nothing between cells, a label sometimes broken over two lines. It is read by meaning:

* the ``MODEL`` row names the models (API ids such as ``deepseek-chat``; footnote marks such
  as ``(1)`` dropped); any other text in that row means the columns changed, and parsing refuses;
* a price row is ``1M INPUT TOKENS (CACHE HIT)`` (``cache_read``), ``1M INPUT TOKENS (CACHE
  MISS)`` (``input``) or ``1M OUTPUT TOKENS`` (``output``), then only ``$`` amounts: one per
  model, or one merged cell that prices every model alike;
* time-of-day prices are tiers, only where the page states the period in a form read here:

  - 2025 layout, ``STANDARD PRICE (UTC 00:30-16:30)`` and ``DISCOUNT PRICE (UTC 16:30-00:30)``
    blocks: the standard block is the ``standard`` tier, the discount block
    ``tiers.make(period="16:30-00:30utc")``; the two windows must cover the day between them;
  - 2026 layout, ``OFF-PEAK`` / ``PEAK`` rows under each label, with a footnote "Peak hours are
    01:00 - 04:00 and 06:00 - 10:00 UTC, Monday through Friday[, excluding Chinese public
    holidays]": the PEAK row is the ``standard`` rate (the list price), the OFF-PEAK row the tier
    ``tiers.make(period="off-peak", peak_hours="01:00-04:00+06:00-10:00utc/mon-fri/excl-cn-holidays")``.
    "Off-peak rates are half of the peak rates" is checked against the amounts;

* anything else carrying a price, an unknown label, a second row for one field and tier, a
  period word (peak, discount, promotion, "% off") in any sentence not read above, or a period
  row without its stated hours refuses: a price split this parser does not model must never
  come out as plain rates;
* a footnote saying model names "will be deprecated" gives those names a ``deprecated`` flag; if
  it says they "correspond to" a priced model, they are priced as that model, marked inferred;
  one saying "legacy names" are "billed at the <X> price" flags them ``legacy`` and prices them
  as the one priced model whose id has the word X, marked inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard import tiers
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
_PRICE_LIKE = re.compile(
    r"[$¥￥€]\s*\d|^1M\b|^(?-i:PRICING)\b|^(?:STANDARD|DISCOUNT|OFF-?PEAK)\s+PRICE\b",
    re.IGNORECASE,
)
_PRICING_PREFIX = re.compile(r"^PRICING\b\s*(?:\(\d+\))?\s*\|?\s*", re.IGNORECASE)
#: A line that only opens a label ("1M INPUT TOKENS", "STANDARD PRICE"): the next line,
#: starting with "(", finishes it.
_OPEN_LABEL = re.compile(
    r"^(?:PRICING\b\s*(?:\(\d+\))?\s*\|?\s*)?(?:1M\s+(?:INPUT|OUTPUT)\s+TOKENS|1M\s+TOKENS\s+"
    r"(?:INPUT|OUTPUT)|(?:STANDARD|DISCOUNT|OFF-PEAK)\s+PRICE\s*(?:\(\d+\))?)\s*\|?$",
    re.IGNORECASE,
)
_TIME = r"\d{1,2}:\d{2}"
_BLOCK = re.compile(
    rf"^(?P<kind>STANDARD|DISCOUNT|OFF-?PEAK)\s+PRICE\s*[(（]\s*UTC\s*(?P<a>{_TIME})\s*[-–~]\s*"
    rf"(?P<b>{_TIME})\s*[)）]\s*",
    re.IGNORECASE,
)
_ROW_PERIOD = re.compile(r"(?:^|\s|\))(?P<p>OFF-?PEAK|PEAK)$", re.IGNORECASE)
_DISCOUNT_NOTE = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*%\s*OFF\s*[)）]", re.IGNORECASE)
_PERIOD = re.compile(r"\b(off[- ]?peak|peak|discount(?:ed|s)?|promotion(?:al)?|\d+%\s*off)\b", re.I)
_MAPS_TO = re.compile(r"\b(correspond|map|alias|point|rout)", re.IGNORECASE)
_SPLIT = re.compile(
    r"\b(correspond|map|alias|point|rout|use|instead|replac|migrat|switch|upgrad|successor)",
    re.IGNORECASE,
)
_DEPRECATED_WHEN = re.compile(r"deprecated\s+(?:on|after|from|by)\s+(.+?)(?:\.\s|\.$|[,;]|$)")
_LEGACY = re.compile(
    r"legacy\s+names?\s+(?P<names>.+?)\s+(?:are|is)\s+still\s+accepted\b.*?"
    r"\bbilled\s+at\s+the\s+(?P<target>[\w.-]+)\s+price",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.。])\s+")
_WINDOWS = rf"{_TIME}\s*-\s*{_TIME}(?:\s*(?:,\s*and|,|and)\s*{_TIME}\s*-\s*{_TIME})*"
#: The only sentences with a period word that are read; any other such sentence refuses.
_PEAK_HOURS = re.compile(
    rf"^Peak hours are (?P<windows>{_WINDOWS})\s*UTC(?P<days>,?\s*Monday (?:through|to) Friday)?"
    r"(?P<holidays>,?\s*excluding Chinese public holidays)?"
    r"(?:\s*\(all other hours are off-peak\))?\.?$",
    re.IGNORECASE,
)
_OTHER_HOURS = re.compile(
    r"^All other hours are off-peak(?:,\s*including weekends(?:\s+and Chinese public holidays"
    r"(?:\s+in full)?)?)?\.?$",
    re.IGNORECASE,
)
_HALF = re.compile(r"^Off-peak rates are half of the peak rates\.?$", re.IGNORECASE)
_DISCOUNT_HOURS = re.compile(
    rf"^DeepSeek API provides off-peak pricing discounts during (?P<a>{_TIME})\s*-\s*(?P<b>{_TIME})"
    r"\s*UTC each day\.?$",
    re.IGNORECASE,
)

_PLAIN, _PEAK, _OFF_PEAK, _STANDARD_BLOCK, _DISCOUNT_BLOCK = (
    "plain",
    "peak",
    "off-peak",
    "standard-block",
    "discount-block",
)


@dataclass(frozen=True, slots=True)
class _Row:
    field: str
    kind: str
    """``_PLAIN``, ``_PEAK``/``_OFF_PEAK`` (2026 rows) or a 2025 block."""
    window: str | None
    """The block's UTC window, ``16:30-00:30``, for block rows."""
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class _Periods:
    """What the page's footnotes state about time-of-day prices."""

    peak_hours: str | None
    """Canonical peak hours, ``01:00-04:00+06:00-10:00utc/mon-fri``, when stated."""
    half: bool
    """The page says off-peak rates are half of the peak rates."""
    discount_window: str | None
    """The 2025 footnote's discount window, ``16:30-00:30``, when stated."""


def model_id(cell: str) -> str:
    """DeepSeek's API id exactly as the ``MODEL`` row prints it, lower-cased (``deepseek-chat``)."""
    m = _ID.fullmatch(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r}")
    return m.group(0).lower()


def _lines(text: str) -> list[str]:
    """The flattened table's rows: no bold markers, a label broken over two lines rejoined."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.replace("**", "").strip()
        if out and line[:1] in "(（" and _OPEN_LABEL.match(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


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


def _clock(text: str) -> str:
    """``1:00`` -> ``01:00``: one spelling per time, so tier keys compare across captures."""
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{minutes}"


def _window(a: str, b: str) -> str:
    return f"{_clock(a)}-{_clock(b)}"


def _amounts(line: str, rest: str, kind: str, n_models: int) -> tuple[Decimal, ...]:
    """The ``$`` amounts after a label; a "(50% OFF)" note is allowed in a discount block only."""
    notes = _DISCOUNT_NOTE.findall(rest)
    if notes and kind != _DISCOUNT_BLOCK:
        raise ParseError(VENDOR, f"discount note {notes[0]!r} outside a discount price block: {line!r}")
    rest = _DISCOUNT_NOTE.sub("", rest)
    if not _AMOUNTS.match("$" + rest):
        raise ParseError(VENDOR, f"unreadable price row {line!r}: expected a label then $ amounts")
    amounts = tuple(normalize(Decimal(a.replace(",", ""))) for a in _AMOUNT.findall("$" + rest))
    if len(amounts) not in {1, n_models}:
        raise ParseError(VENDOR, f"price row {line!r} has {len(amounts)} amounts for {n_models} models")
    return amounts


def _rows(lines: list[str], n_models: int) -> list[_Row]:
    """Every price row, its block (2025) or period (2026) carried down to the rows it heads."""
    rows: list[_Row] = []
    block: tuple[str, str] | None = None
    for line in (ln for ln in lines if _PRICE_LIKE.search(ln)):
        head, dollar, rest = _PRICING_PREFIX.sub("", line).partition("$")
        if not dollar:
            raise ParseError(VENDOR, f"unreadable price row {line!r}: expected a label then $ amounts")
        head = " ".join(_FOOTNOTE.sub("", head.replace("|", " ")).split())
        opened = _BLOCK.match(head)
        if opened:
            standard = opened.group("kind").upper() == "STANDARD"
            block = (_STANDARD_BLOCK if standard else _DISCOUNT_BLOCK, _window(opened["a"], opened["b"]))
            head = head[opened.end() :]
        period = _ROW_PERIOD.search(head)
        label = head[: period.start("p")].strip() if period else head
        kind = (_OFF_PEAK if "OFF" in period["p"].upper() else _PEAK) if period else _PLAIN
        if kind != _PLAIN and block is not None:
            raise ParseError(VENDOR, f"a PEAK/OFF-PEAK row inside a time block: {line!r}")
        if label:
            fld = _field(label)
        elif kind != _PLAIN and rows and rows[-1].kind in {_PEAK, _OFF_PEAK}:
            fld = rows[-1].field  # "PEAK$0.006$0.044" continues the label above it
        else:
            raise ParseError(VENDOR, f"price row without a label: {line!r}")
        kind, window = (block[0], block[1]) if block else (kind, None)
        rows.append(_Row(fld, kind, window, _amounts(line, rest, kind, n_models)))
    return rows


def _sentences(lines: list[str]) -> list[str]:
    """Footnote sentences that mention a period word, footnote marks dropped."""
    out: list[str] = []
    for line in lines:
        if _PRICE_LIKE.search(line) or not _PERIOD.search(line):
            continue
        text = re.sub(r"^\(\d+\)\s*", "", line.replace("`", ""))
        out.extend(s.strip() for s in _SENTENCE_END.split(text) if _PERIOD.search(s))
    return out


def _periods(lines: list[str]) -> _Periods:
    """Read the period footnotes; a sentence with a period word that is not read here refuses."""
    peak_hours: str | None = None
    half = False
    discount: str | None = None
    for sentence in _sentences(lines):
        if m := _PEAK_HOURS.match(sentence):
            windows = re.findall(rf"({_TIME})\s*-\s*({_TIME})", m["windows"])
            peak_hours = "+".join(_window(a, b) for a, b in windows) + "utc"
            peak_hours += "/mon-fri" if m["days"] else ""
            peak_hours += "/excl-cn-holidays" if m["holidays"] else ""
        elif m := _DISCOUNT_HOURS.match(sentence):
            discount = _window(m["a"], m["b"])
        elif _HALF.match(sentence):
            half = True
        elif not _OTHER_HOURS.match(sentence):
            word = _PERIOD.search(sentence)
            raise ParseError(
                VENDOR,
                f"page mentions {word.group(0) if word else 'period'!r} pricing in {sentence!r}: "
                "a time-of-day or discount price not modelled, refusing rather than reading "
                "it as plain rates",
            )
    return _Periods(peak_hours, half, discount)


def _peak_tiers(rows: list[_Row], periods: _Periods) -> dict[str, str]:
    """2026 layout: each field needs an OFF-PEAK and a PEAK row and the stated peak hours."""
    if periods.peak_hours is None:
        raise ParseError(VENDOR, "the page prices OFF-PEAK/PEAK rows but states no peak hours in UTC")
    for fld in {r.field for r in rows}:
        kinds = sorted(r.kind for r in rows if r.field == fld)
        if kinds != [_OFF_PEAK, _PEAK]:
            raise ParseError(VENDOR, f"{fld}: expected one OFF-PEAK and one PEAK row, found {kinds}")
    # The peak price is the list price every caller pays by default: it is the standard rate;
    # the off-peak discount is its own tier, keyed by the stated peak hours.
    return {_PEAK: tiers.STANDARD, _OFF_PEAK: tiers.make(period=_OFF_PEAK, peak_hours=periods.peak_hours)}


def _block_tiers(rows: list[_Row], periods: _Periods) -> dict[str, str]:
    """2025 layout: a standard and a discount block whose UTC windows cover the day."""
    blocks = sorted({(r.kind, r.window or "") for r in rows})
    windows = dict(blocks)
    standard, discount = windows.get(_STANDARD_BLOCK), windows.get(_DISCOUNT_BLOCK)
    if standard is None or discount is None or len(blocks) != 2:
        raise ParseError(VENDOR, f"expected one STANDARD and one DISCOUNT price block, found {blocks}")
    a, b = standard.split("-")
    if discount != f"{b}-{a}":
        raise ParseError(
            VENDOR, f"standard hours {standard} and discount hours {discount} do not cover the day"
        )
    if periods.discount_window not in {None, discount}:
        raise ParseError(VENDOR, f"footnote discount hours {periods.discount_window} differ from {discount}")
    fields = {k: sorted(r.field for r in rows if r.kind == k) for k in windows}
    if fields[_STANDARD_BLOCK] != fields[_DISCOUNT_BLOCK]:
        raise ParseError(VENDOR, f"the standard and discount blocks price different rows: {fields}")
    return {_STANDARD_BLOCK: tiers.STANDARD, _DISCOUNT_BLOCK: tiers.make(period=f"{discount}utc")}


def _tiers(rows: list[_Row], periods: _Periods) -> dict[str, str]:
    """Tier key of each row kind; one page uses one scheme, never a mix."""
    kinds = {r.kind for r in rows}
    if kinds == {_PLAIN}:
        if periods.peak_hours or periods.discount_window:
            raise ParseError(VENDOR, "the page states peak or discount hours but prices no period rows")
        return {_PLAIN: tiers.STANDARD}
    if kinds <= {_PEAK, _OFF_PEAK}:
        return _peak_tiers(rows, periods)
    if kinds <= {_STANDARD_BLOCK, _DISCOUNT_BLOCK}:
        return _block_tiers(rows, periods)
    raise ParseError(VENDOR, f"the page mixes plain and time-of-day price rows: {sorted(kinds)}")


def _check_half(rates: list[ParsedRate], by_kind: dict[str, str]) -> None:
    """Where the page says off-peak is half of peak, every amount must say so too."""
    peak = {(r.model, r.field): r.value for r in rates if r.tier == by_kind.get(_PEAK)}
    for r in (r for r in rates if r.tier == by_kind.get(_OFF_PEAK)):
        full = peak.get((r.model, r.field))
        if full is None or r.value is None or r.value * 2 != full:
            raise ParseError(VENDOR, f"{r.model} {r.field}: off-peak {r.value} is not half of peak {full}")


def _prices(lines: list[str], models: list[str]) -> list[ParsedRate]:
    rows = _rows(lines, len(models))
    periods = _periods(lines)
    by_kind = _tiers(rows, periods) if rows else {}
    keys = [(r.field, by_kind[r.kind]) for r in rows]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ParseError(VENDOR, f"more than one price row for {dup}: prices are split")
    for key in sorted(set(by_kind.values())) or [tiers.STANDARD]:
        missing = {"input", "output"} - {f for f, t in keys if t == key}
        if missing:
            raise ParseError(VENDOR, f"no price row for {sorted(missing)} ({key})")
    out: list[ParsedRate] = []
    for row in rows:
        amounts = row.amounts * len(models) if len(row.amounts) == 1 else row.amounts
        key = by_kind[row.kind]
        out.extend(ParsedRate(m, row.field, a, tier=key) for m, a in zip(models, amounts, strict=True))
    if periods.half and _PEAK in by_kind:
        _check_half(out, by_kind)
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
        inferred.extend(r for n in unpriced for r in _as_model(rates, n, targets[0], "corresponds to"))
    return [*flags.values(), *inferred]


def _legacy(lines: list[str], rates: list[ParsedRate]) -> list[ParsedRate]:
    """``legacy`` flags and inferred prices from "legacy names ... billed at the Flash price"."""
    priced = sorted({r.model for r in rates})
    out: list[ParsedRate] = []
    for m in (_LEGACY.search(ln.replace("`", "")) for ln in lines):
        if m is None:
            continue
        names = [n for n in dict.fromkeys(i.lower() for i in _ID.findall(m["names"])) if n not in priced]
        word = m["target"].lower()
        targets = [p for p in priced if word in p.split("-")]
        if names and len(targets) != 1:
            raise ParseError(VENDOR, f"cannot tell which priced model the {word!r} price is: {targets}")
        reason = "page: legacy name, still accepted; the model behind it is retired"
        out.extend(ParsedRate(n, "legacy", None, unit="flag", reason=reason) for n in names)
        out.extend(r for n in names for r in _as_model(rates, n, targets[0], "is billed as"))
    return out


def _as_model(rates: list[ParsedRate], name: str, target: str, says: str) -> list[ParsedRate]:
    reason = f"page says {name} {says} {target}; priced as {target}"
    return [
        ParsedRate(name, r.field, r.value, tier=r.tier, status="inferred", reason=reason)
        for r in rates
        if r.model == target
    ]


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    lines = _lines(body.decode("utf-8"))
    models = _models(lines, url)
    rates = _prices(lines, models)
    rates.extend([*_deprecations(lines, rates), *_legacy(lines, rates)])
    names = {r.model: r.model for r in rates}
    return parsed(VENDOR, rates, names)
