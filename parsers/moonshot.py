"""Moonshot (Kimi): the chat pricing page (platform.moonshot.ai/docs/pricing/chat).

The page is markdown, in Chinese (prices in CNY, ``￥``) or English (prices in ``$``), per 1M
tokens. Price columns are read from the words of their header, never its position: an input or
output word (``输入``/``input``, ``输出``/``output``), optionally a cache word (``缓存命中``/
``cache hit`` -> ``cache_read``, ``缓存未命中``/``cache miss`` -> ``input``) and a batch word
(``批量``/``batch`` -> ``batch_input``, ``batch_output``, ``batch_cache_read``). A header with any
other word ("缓存写入", "1K") is an unknown column and refuses. ``计费单位``/``Unit`` (billing
unit) must say ``1M tokens``, unless every price header states 1M itself. ``模型上下文长度``/
``上下文窗口``/``Context Window`` are attributes and are skipped. A ``请求上下文长度范围`` (request
context range) column makes each row a context tier: ``tiers.make(context="8192-32768")`` for the range
(8,192, 32,768] in tokens, ``0-8192`` for "≤ 8,192". A table is batch pricing when its heading
says so or its model cells carry a ``（Batch）`` badge; a table whose introductory text mentions
batch pricing without either is refused, as it cannot be told apart. Amounts keep their published
currency (``CNY``); the pipeline converts them. Where a page prices one model both in CNY and in USD
(the international platform's price), the USD price is the rate and the CNY one is a note: a
published USD price is preferred over a converted one.

Pages come as markdown or as the Mintlify ``.md`` export, whose price table is a JSX
``<DocTable columns={[...]} rows={[...]} />`` (read as a table by :mod:`ratecard.parsers.mdx`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers import mdx
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, normalize, parsed
from ratecard.parsers.markdown import Table, tables

VENDOR = "moonshot"

_MODEL_HEADERS = frozenset({"模型", "model", "模型名称", "modelname"})
_UNIT_HEADERS = frozenset({"计费单位", "unit", "billingunit"})
_RANGE_WORDS = ("范围", "range")
_ATTRIBUTE_WORDS = ("上下文长度", "上下文窗口", "contextlength", "contextwindow")
#: Header words of a price column and what each says. Order matters: "缓存未命中" (cache miss)
#: before "缓存命中" (cache hit), both before the "输入" (input) they sit beside.
_PRICE_WORDS: tuple[tuple[str, str], ...] = (
    ("缓存未命中", "miss"),
    ("cachemiss", "miss"),
    ("缓存命中", "hit"),
    ("cachehit", "hit"),
    ("批量", "batch"),
    ("batch", "batch"),
    ("输入", "input"),
    ("input", "input"),
    ("输出", "output"),
    ("output", "output"),
)
#: Words a price header may also carry without changing its meaning (per-1M units included).
_PER_MTOK_HEADER = ("1m", "百万", "million", "mtok")
_FILLER = (
    "价格",
    "单价",
    "price",
    "tokens",
    "token",
    "per",
    "每",
    "/",
    "usd",
    "cny",
    "rmb",
    *_PER_MTOK_HEADER,
)
_PER_MTOK_UNITS = frozenset({"1mtokens", "1m", "1mtoken", "每1mtokens"})
_NOT_OFFERED = frozenset({"-", "—", "–", "不支持", "n/a"})
_CURRENCY = {"￥": "CNY", "¥": "CNY", "元": "CNY", "$": "USD"}
_PRICE = re.compile(r"^(?P<pre>[￥¥$])?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<post>元)?$")
_ID = re.compile(r"^(?P<id>[a-z0-9]+(?:[.-][a-z0-9]+)*)\s*(?P<badge>.*)$", re.IGNORECASE)
#: Text after a model id that is a badge, not a name: "推荐" is "recommended", "新" is "new".
_BADGES = frozenset({"", "推荐", "新", "new", "recommended", "hot", "热门"})
_DEPRECATED = frozenset({"deprecated", "已弃用", "弃用", "已废弃", "废弃", "即将下线"})
_BATCH = frozenset({"batch", "批量", "批量推理"})
_BATCH_WORDS = ("batch", "批量")
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
    per_mtok_headers: bool
    """Every price header states its per-1M unit itself ("Input Price (￥/1M tokens)")."""


def _norm(header: str) -> str:
    """Lower case, no whitespace, full-width brackets as ASCII: labels compare reliably."""
    return "".join(header.lower().split()).replace("（", "(").replace("）", ")")


def price_field(header: str) -> str | None:
    """The field a price header names (``输入价格（缓存命中）`` -> ``cache_read``), or None.

    None means the header names no input or output; a header naming one with any word this
    parser does not know raises, so "Input Price (Cache Write)" never becomes ``input``.
    """
    rest = _norm(header)
    words: set[str] = set()
    for key, word in _PRICE_WORDS:
        if key in rest:
            words.add(word)
            rest = rest.replace(key, " ")
    if not words & {"input", "output"}:
        return None
    for filler in _FILLER:
        rest = rest.replace(filler, " ")
    residue = re.sub(r"[\s()\[\]$¥￥元:：,，-]", "", rest)
    if residue or {"input", "output"} <= words or ({"hit", "miss"} <= words):
        raise ParseError(VENDOR, f"unknown column {header!r} in a model price table")
    if "output" in words:
        if words & {"hit", "miss"}:
            raise ParseError(VENDOR, f"unknown column {header!r}: a cache split of output")
        fld = "output"
    else:
        fld = "cache_read" if "hit" in words else "input"
    return f"batch_{fld}" if "batch" in words else fld


def _role(header: str) -> str:
    head = _norm(header)
    if head in _UNIT_HEADERS:
        return "unit"
    if any(w in head for w in _RANGE_WORDS):
        return "range"
    if any(w in head for w in _ATTRIBUTE_WORDS):
        return "skip"
    fld = price_field(header)
    if fld is None:
        raise ParseError(VENDOR, f"unknown column {header!r} in a model price table")
    return fld


def _layout(table: Table) -> _Layout | None:
    """Column roles of a price table, None for a table that prices nothing; unknown raises."""
    heads = [_norm(h) for h in table.header]
    model = next((i for i, h in enumerate(heads) if h in _MODEL_HEADERS), None)
    if model is None:
        return None
    roles = {i: _role(h) for i, h in enumerate(table.header) if i != model}
    prices = tuple((i, r) for i, r in roles.items() if r not in {"unit", "range", "skip"})
    if not prices:
        return None
    if len({r for _, r in prices}) != len(prices):
        raise ParseError(VENDOR, f"two columns price the same field in {table.header!r}")
    unit = next((i for i, r in roles.items() if r == "unit"), None)
    rng = next((i for i, r in roles.items() if r == "range"), None)
    stated = all(any(u in heads[i] for u in _PER_MTOK_HEADER) for i, _ in prices)
    return _Layout(model, unit, rng, prices, stated)


def model_id(cell: str) -> tuple[str, list[str]]:
    """Moonshot's API id as the table prints it, lower-cased (``kimi-k2-0905-preview``).

    Text after the id is a badge (``推荐`` "recommended": dropped), a deprecation marker
    (``deprecated``, a flag) or ``（Batch）`` (``batch``: the row prices the Batch API);
    anything else means the model column changed and raises.
    """
    m = _ID.match(cell.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {cell!r}")
    badge = m.group("badge").strip().strip("()（）[]").strip().lower()
    if badge in _DEPRECATED:
        return m.group("id").lower(), ["deprecated"]
    if badge in _BATCH:
        return m.group("id").lower(), ["batch"]
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
    return tiers.make(context=f"{lo}-{hi}")


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


def _batch_table(table: Table, badges: list[bool]) -> bool:
    """Whether a table prices the Batch API: its heading or every model badge says so."""
    heading = " ".join(table.headings).lower()
    if any(w in heading for w in _BATCH_WORDS) or (badges and all(badges)):
        return True
    if any(badges):
        raise ParseError(VENDOR, f"a table mixes batch and standard rows: {table.header!r}")
    if any(w in table.preface.lower() for w in _BATCH_WORDS):
        raise ParseError(VENDOR, f"the text above table {table.header!r} mentions batch pricing")
    return False


def _check_unit(row: tuple[str, ...], lay: _Layout, mid: str) -> None:
    if lay.unit is None and lay.per_mtok_headers:
        return
    if lay.unit is None or _norm(row[lay.unit]) not in _PER_MTOK_UNITS:
        shown = "no billing unit column" if lay.unit is None else repr(row[lay.unit])
        raise ParseError(VENDOR, f"expected prices per '1M tokens' for {mid}, found {shown}")


def _read_table(
    table: Table, lay: _Layout, names: dict[str, str], flags: set[tuple[str, str]]
) -> list[ParsedRate]:
    """Price rows of one table; model names and flags are collected across tables."""
    rows = _rows(table, lay)
    ids = [model_id(row[lay.model]) for row in rows]
    batch = _batch_table(table, [("batch" in marks) for _, marks in ids])
    out: list[ParsedRate] = []
    for row, (mid, marks) in zip(rows, ids, strict=True):
        names[mid] = mid
        flags.update((mid, f) for f in marks if f != "batch")
        _check_unit(row, lay, mid)
        key = tiers.STANDARD if lay.range is None else context_tier(row[lay.range])
        for i, col in lay.prices:
            fld = f"batch_{col}" if batch and not col.startswith("batch_") else col
            price = _price(row[i], f"{mid} {fld}")
            if price is None:
                shown = f"page shows {row[i]!r}"
                out.append(ParsedRate(mid, fld, None, tier=key, status="not_offered", reason=shown))
            else:
                out.append(ParsedRate(mid, fld, price[0], tier=key, currency=price[1]))
    return out


def prefer_usd(rates: list[ParsedRate]) -> tuple[list[ParsedRate], list[str]]:
    """Of two prices for one key in different currencies, the USD one, the other as a note."""
    by_key: dict[tuple[str, str, str], list[ParsedRate]] = {}
    for r in rates:
        by_key.setdefault((r.model, r.field, r.tier), []).append(r)
    out: list[ParsedRate] = []
    notes: list[str] = []
    for (model, fld, key), found in by_key.items():
        usd = [r for r in found if r.currency == "USD" and r.value is not None]
        if len(found) > 1 and len(usd) == 1 and len({r.currency for r in found}) == len(found):
            out.append(usd[0])
            notes.extend(
                f"not stored: {model} {fld} ({key}) also published as {r.currency} {r.value}; "
                "the published USD price is stored"
                for r in found
                if r is not usd[0]
            )
        else:
            out.extend(found)  # one price, or a conflict parsed() refuses
    return out, notes


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    names: dict[str, str] = {}
    rates: list[ParsedRate] = []
    flags: set[tuple[str, str]] = set()
    try:
        text = mdx.to_markdown(body.decode("utf-8"))
    except mdx.MdxError as exc:
        raise ParseError(VENDOR, f"unreadable MDX in {url}: {exc}") from exc
    for table in tables(text):
        lay = _layout(table)
        if lay is not None:
            rates.extend(_read_table(table, lay, names, flags))
    if not rates:
        raise ParseError(
            VENDOR,
            f"no price table found in {url} (expected columns '模型 | 计费单位 | 输入价格 | 输出价格')",
        )
    rates.extend(ParsedRate(m, f, None, unit="flag") for m, f in sorted(flags))
    rates, notes = prefer_usd(rates)
    return parsed(VENDOR, rates, names, notes)
