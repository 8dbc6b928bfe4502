"""Moonshot (Kimi): the chat pricing page (platform.moonshot.ai/docs/pricing/chat).

The page is Chinese-language markdown with prices in CNY (``￥``) per 1M tokens. Columns are
found by their labels, Chinese or English: ``输入价格（缓存命中）`` (cache-hit input ->
``cache_read``), ``输入价格（缓存未命中）`` (cache-miss input -> ``input``), a plain ``输入价格``
(``input``), ``输出价格`` (``output``). ``计费单位`` (billing unit) must say ``1M tokens``.
``模型上下文长度`` (context length) is an attribute and is skipped. A ``请求上下文长度范围``
(request context range) column makes each row a context tier: ``tier(context="8192-32768")``
for the range (8,192, 32,768] in tokens, ``0-8192`` for "≤ 8,192". Amounts keep their published
currency (``CNY``); the pipeline converts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, normalize, parsed, tier
from ratecard.parsers.markdown import Table, tables

VENDOR = "moonshot"

_MODEL = "model"
_UNIT = "unit"
_RANGE = "range"
_SKIP = "skip"
#: Normalised header text (contained) -> column role. Order matters: "缓存未命中" (cache miss)
#: before "缓存命中" (cache hit), both before a plain "输入价格" (input price); the request
#: context range before the context-length attribute it contains.
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("缓存未命中", "input"),
    ("cachemiss", "input"),
    ("缓存命中", "cache_read"),
    ("cachehit", "cache_read"),
    ("输入价格", "input"),
    ("input", "input"),
    ("输出价格", "output"),
    ("output", "output"),
    ("计费单位", _UNIT),
    ("unit", _UNIT),
    ("范围", _RANGE),
    ("range", _RANGE),
    ("上下文长度", _SKIP),
    ("contextlength", _SKIP),
    ("contextwindow", _SKIP),
)
_MODEL_HEADERS = frozenset({"模型", "model"})
_PER_MTOK_UNITS = frozenset({"1mtokens", "1m", "1mtoken", "每1mtokens"})
_NOT_OFFERED = frozenset({"-", "—", "–", "不支持", "n/a"})
_CURRENCY = {"￥": "CNY", "¥": "CNY", "元": "CNY", "$": "USD"}
_PRICE = re.compile(r"^(?P<pre>[￥¥$])?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<post>元)?$")
_ID = re.compile(r"^(?P<id>[a-z0-9]+(?:[.-][a-z0-9]+)*)\s*(?P<badge>.*)$", re.IGNORECASE)
#: Text after a model id that is a badge, not a name: "推荐" is "recommended", "新" is "new".
_BADGES = frozenset({"", "推荐", "新", "new", "recommended", "hot", "热门"})
_DEPRECATED = frozenset({"deprecated", "已弃用", "弃用", "已废弃", "废弃", "即将下线"})
_RANGE_CELL = re.compile(
    r"^(?:(?P<lo>\d[\d,]*)\s*<\s*\S*\s*)?(?:≤|<=)\s*(?P<hi>\d[\d,]*)\s*(?:tokens?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Layout:
    model: int
    unit: int | None
    range: int | None
    prices: tuple[tuple[int, str], ...]


def _norm(header: str) -> str:
    """Lower case, no whitespace, full-width brackets as ASCII: labels compare reliably."""
    return "".join(header.lower().split()).replace("（", "(").replace("）", ")")


def _layout(table: Table) -> _Layout | None:
    """Column roles of a price table, None for a table that prices nothing; unknown raises."""
    heads = [_norm(h) for h in table.header]
    model = next((i for i, h in enumerate(heads) if h in _MODEL_HEADERS), None)
    if model is None:
        return None
    roles: dict[int, str] = {}
    for i, head in enumerate(heads):
        if i == model:
            continue
        role = next((r for key, r in _COLUMNS if key in head), None)
        if role is None:
            raise ParseError(VENDOR, f"unknown column {table.header[i]!r} in a model price table")
        roles[i] = role
    prices = tuple((i, r) for i, r in roles.items() if r not in {_UNIT, _RANGE, _SKIP})
    if not prices:
        return None
    unit = next((i for i, r in roles.items() if r == _UNIT), None)
    rng = next((i for i, r in roles.items() if r == _RANGE), None)
    if len({r for _, r in prices}) != len(prices):
        raise ParseError(VENDOR, f"two columns price the same field in {table.header!r}")
    return _Layout(model, unit, rng, prices)


def model_id(cell: str) -> tuple[str, list[str]]:
    """Moonshot's API id as the table prints it, lower-cased (``kimi-k2-0905-preview``).

    Text after the id is a badge (``推荐`` "recommended": dropped) or a deprecation marker
    (a ``deprecated`` flag); anything else means the model column changed and raises.
    """
    m = _ID.match(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r}")
    badge = m.group("badge").strip().strip("()（）[]").strip().lower()
    if badge in _DEPRECATED:
        return m.group("id").lower(), ["deprecated"]
    if badge not in _BADGES:
        raise ParseError(VENDOR, f"unrecognised text {badge!r} after model id in {cell!r}")
    return m.group("id").lower(), []


def context_tier(cell: str) -> str:
    """``8,192 < 长度 ≤ 32,768 tokens`` -> ``context=8192-32768``; ``≤ 8,192`` -> ``0-8192``.

    A range is (low, high] in tokens, exactly as printed, so tiers compare across captures.
    """
    m = _RANGE_CELL.match(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unreadable request context range {cell!r}")
    lo = (m.group("lo") or "0").replace(",", "")
    hi = m.group("hi").replace(",", "")
    return tier(context=f"{lo}-{hi}")


def _price(cell: str, where: str) -> tuple[Decimal, str] | None:
    """(amount, currency) of ``￥4.00``; None for a cell saying the feature is not offered."""
    text = cell.strip()
    if text.lower() in _NOT_OFFERED:
        return None
    m = _PRICE.match(text)
    symbol = m and (m.group("pre") or m.group("post"))
    if m is None or not symbol:
        raise ParseError(VENDOR, f"expected a price such as '￥4.00' for {where}, found {cell!r}")
    return normalize(Decimal(m.group("num").replace(",", ""))), _CURRENCY[symbol]


def _rows(table: Table, lay: _Layout) -> list[tuple[str, ...]]:
    """Rows padded for a rowspan model cell: a tier row under its model omits the model cell."""
    out: list[tuple[str, ...]] = []
    width = len(table.header)
    for row in table.rows:
        if len(row) == width - 1 and lay.range is not None and out:
            row = (*row[: lay.model], out[-1][lay.model], *row[lay.model :])
        if len(row) != width:
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        out.append(row)
    return out


def _read_table(
    table: Table, lay: _Layout, names: dict[str, str], flags: set[tuple[str, str]]
) -> list[ParsedRate]:
    """Price rows of one table; model names and flags are collected across tables."""
    out: list[ParsedRate] = []
    for row in _rows(table, lay):
        mid, marks = model_id(row[lay.model])
        names[mid] = mid
        flags.update((mid, f) for f in marks)
        if lay.unit is None or _norm(row[lay.unit]) not in _PER_MTOK_UNITS:
            shown = "no billing unit column" if lay.unit is None else repr(row[lay.unit])
            raise ParseError(VENDOR, f"expected prices per '1M tokens' for {mid}, found {shown}")
        key = "standard" if lay.range is None else context_tier(row[lay.range])
        for i, fld in lay.prices:
            price = _price(row[i], f"{mid} {fld}")
            if price is None:
                shown = f"page shows {row[i]!r}"
                out.append(ParsedRate(mid, fld, None, tier=key, status="not_offered", reason=shown))
            else:
                out.append(ParsedRate(mid, fld, price[0], tier=key, currency=price[1]))
    return out


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    names: dict[str, str] = {}
    rates: list[ParsedRate] = []
    flags: set[tuple[str, str]] = set()
    for table in tables(body.decode("utf-8")):
        lay = _layout(table)
        if lay is not None:
            rates.extend(_read_table(table, lay, names, flags))
    if not rates:
        raise ParseError(
            VENDOR,
            f"no price table found in {url} (expected columns '模型 | 计费单位 | 输入价格 | 输出价格')",
        )
    rates.extend(ParsedRate(m, f, None, unit="flag") for m, f in sorted(flags))
    return parsed(VENDOR, rates, names)
