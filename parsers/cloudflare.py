"""Cloudflare Workers AI: the docs pricing page (developers.cloudflare.com/workers-ai/platform/pricing).

Workers AI bills in neurons. The plan table (``| | Free allocation | Pricing |``) gives, per
plan, the price of neurons and the free allocation; they belong to the platform, model id
``workers-ai``, tier ``plan=workers-free|workers-paid``: ``$0.011 / 1,000 Neurons`` is the
``neurons`` rate (``usd_per_1k_neurons``), ``N/A ...`` is not offered, and ``10,000 Neurons per
day`` is a ``free_allocation`` flag with the allocation in its reason (an attribute, not a price).

The model tables (``Model | Price in Tokens | Price in Neurons``) hold one or more prices per
cell, ``$0.027 per M input tokens $0.201 per M output tokens``, each stored under the field its
words name (:data:`_PHRASES`): per M input/output tokens, per audio minute (in, or unstated),
per 1k characters input (text-to-speech). Prices per 512x512 tile, per step or per M images have
no unit in the vocabulary and are noted, not stored. The neuron column counts neurons, not
money; the page says it is equivalent to the token column, and every token price is checked
against it at the plan's neuron price: a price that disagrees beyond the rounding of the two
printed figures is not stored (the page contradicts itself about it) and is noted.

Model ids are the page's names without the leading ``@``, lower case
(``@cf/meta/llama-3.2-1b-instruct`` -> ``cf/meta/llama-3.2-1b-instruct``); ``(WebSocket)`` after
a name is the tier ``transport=websocket``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, normalize, parsed
from ratecard.parsers.markdown import Table, tables

VENDOR = "cloudflare"
PLATFORM = "workers-ai"
"""The id of the platform-wide rows: the neuron price and the free allocation."""

_NAME = re.compile(r"^@(?P<id>[A-Za-z0-9][\w.-]*/[\w./-]+?)(?:\s*\((?P<variant>[^)]+)\))?$")
_VARIANTS = {"websocket": tiers.make(transport="websocket")}
_AMOUNT = r"\d[\d,]*(?:\.\d+)?"
_USD = re.compile(rf"\$\s*(?P<num>{_AMOUNT})\s+per\s+(?P<per>.*?)\s*(?=\$|$)")
_NEURONS = re.compile(rf"(?P<num>{_AMOUNT})\s+neurons\s+per\s+(?P<per>.*?)\s*(?=\d[\d,.]*\s+neurons|$)")
_NEURON_PRICE = re.compile(rf"^\$\s*(?P<num>{_AMOUNT})\s*/\s*(?P<count>{_AMOUNT})\s+neurons$", re.IGNORECASE)
_ALLOCATION = re.compile(rf"^{_AMOUNT}\s+neurons\s+per\s+day$", re.IGNORECASE)
_NOT_OFFERED = re.compile(r"^n/?a\b", re.IGNORECASE)
#: A delimiter row of one dash a cell (``| - | - |``), valid markdown that :mod:`markdown` (which
#: wants two) would not take for a table: it is widened before the page is read.
_DASH_CELL = re.compile(r"(?<=\|)(\s*:?)-(:?\s*)(?=\|)")


@dataclass(frozen=True, slots=True)
class _Phrase:
    """What a ``per ...`` phrase prices: the field, the stored unit, and how many units it names."""

    field: str
    unit: Unit
    scale: int
    """Factor from the page's amount to the stored unit (per 1k characters -> per million: 1000)."""


#: ``per`` phrases (lower case, single spaces) -> how they are stored.
_PHRASES: dict[str, _Phrase] = {
    "m input tokens": _Phrase("input", "usd_per_mtok", 1),
    "m output tokens": _Phrase("output", "usd_per_mtok", 1),
    "audio minute": _Phrase("audio_duration", "usd_per_minute", 1),
    "audio minute input": _Phrase("audio_input_duration", "usd_per_minute", 1),
    "1k characters input": _Phrase("speech_generation", "usd_per_mchars", 1000),
}


def model_id(name: str) -> tuple[str, str]:
    """(id, tier) of a model cell: ``@cf/deepgram/nova-3 (WebSocket)`` -> ``cf/deepgram/nova-3``,
    ``transport=websocket``. The ``@`` goes (ids start with a letter or digit), case is lowered."""
    m = _NAME.match(name.strip())
    if m is None:
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    variant = (m["variant"] or "").strip().lower()
    if variant and variant not in _VARIANTS:
        raise ParseError(VENDOR, f"unknown variant {m['variant']!r} of {m['id']}")
    return m["id"].lower(), _VARIANTS.get(variant, tiers.STANDARD)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _amount(text: str) -> Decimal:
    return normalize(Decimal(text.replace(",", "")))


def _segments(pattern: re.Pattern[str], cell: str, where: str) -> dict[str, Decimal]:
    """``per`` phrase -> amount for each price in a cell; text outside the prices refuses."""
    found = list(pattern.finditer(cell.strip()))
    if not found or "".join(m.group(0) for m in found).replace(" ", "") != cell.replace(" ", ""):
        raise ParseError(VENDOR, f"unreadable price cell {cell!r} for {where}")
    out: dict[str, Decimal] = {}
    for m in found:
        per = _norm(m["per"])
        if per in out:
            raise ParseError(VENDOR, f"{where} prices {per!r} twice")
        out[per] = _amount(m["num"])
    return out


def _disagrees(usd: Decimal, neurons: Decimal, price: Decimal) -> Decimal | None:
    """The USD the neurons come to at ``price`` per 1,000, when it differs from ``usd`` by more than
    the two printed figures' rounding (half a unit of each one's last digit); else None."""
    implied = neurons * price / 1000
    digits = max(0, -int(usd.as_tuple().exponent))
    n_digits = max(0, -int(neurons.as_tuple().exponent))
    slack = Decimal(5).scaleb(-digits - 1) + Decimal(5).scaleb(-n_digits - 1) * price / 1000
    return normalize(implied) if abs(implied - usd) > slack else None


@dataclass
class _Page:
    rates: list[ParsedRate]
    names: dict[str, str]
    unstored: dict[str, list[str]]
    """``per`` phrase not in the vocabulary -> models priced in it."""
    mismatches: list[str]


def _plans(table: Table, page: _Page) -> Decimal | None:
    """The plan table's rows; returns the neuron price per 1,000 of the plan that has one."""
    alloc, pricing = table.column("free allocation"), table.column("pricing")
    if alloc is None or pricing is None:
        raise ParseError(VENDOR, f"plan table without 'Free allocation' and 'Pricing': {table.header!r}")
    price: Decimal | None = None
    for row in table.rows:
        plan, allowance, cell = row[0], row[alloc], row[pricing]
        tier = tiers.make(plan="-".join(plan.lower().split()))
        if not _ALLOCATION.match(allowance):
            raise ParseError(VENDOR, f"unreadable free allocation {allowance!r} for {plan}")
        reason = f"page: {allowance} ({plan})"
        page.rates.append(
            ParsedRate(PLATFORM, "free_allocation", None, unit="flag", tier=tier, reason=reason)
        )
        m = _NEURON_PRICE.match(cell)
        if m:
            if _amount(m["count"]) != 1000:
                raise ParseError(VENDOR, f"neuron price {cell!r} is not per 1,000 neurons")
            price = _amount(m["num"])
            page.rates.append(ParsedRate(PLATFORM, "neurons", price, "usd_per_1k_neurons", tier))
        elif _NOT_OFFERED.match(cell):
            why = f"page shows {cell!r}"
            page.rates.append(
                ParsedRate(
                    PLATFORM, "neurons", None, "usd_per_1k_neurons", tier, status="not_offered", reason=why
                )
            )
        else:
            raise ParseError(VENDOR, f"unreadable neuron price {cell!r} for {plan}")
    page.names[PLATFORM] = "Workers AI"
    return price


def _models(table: Table, page: _Page, price: Decimal | None) -> None:
    """One model table: token prices stored, other units noted, neurons checked against tokens."""
    tokens, neurons = table.column("price in tokens"), table.column("price in neurons")
    if tokens is None or neurons is None or len(table.header) != 3:
        raise ParseError(VENDOR, f"unknown model table header {table.header!r}")
    for row in table.rows:
        mid, tier = model_id(row[0])
        usd = _segments(_USD, row[tokens], row[0])
        count = _segments(_NEURONS, row[neurons], row[0])
        if set(usd) != set(count):
            raise ParseError(
                VENDOR, f"{row[0]}: token prices {sorted(usd)} and neurons {sorted(count)} differ"
            )
        for per, amount in usd.items():
            phrase = _PHRASES.get(per)
            off = _disagrees(amount, count[per], price) if price is not None else None
            if off is not None:
                page.mismatches.append(
                    f"{row[0]}: ${amount} per {per}, but its {count[per]} neurons per {per} come to ${off} "
                    f"at ${price} per 1,000 neurons"
                )
            elif phrase is None:
                page.unstored.setdefault(per, []).append(row[0])
            else:
                value = normalize(amount * phrase.scale)
                page.rates.append(ParsedRate(mid, phrase.field, value, phrase.unit, tier))
                page.names.setdefault(mid, row[0].split("(")[0].strip())


def _widen(text: str) -> str:
    """``| - | - |`` delimiter rows as ``| -- | -- |``; no other line changes."""
    return "\n".join(
        _DASH_CELL.sub(r"\1--\2", line) if set(line.replace(" ", "")) <= set("|-:") and "-" in line else line
        for line in text.split("\n")
    )


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    page = _Page([], {}, {}, [])
    found = list(tables(_widen(body.decode("utf-8"))))
    price = None
    for table in found:
        if table.column("free allocation") is not None:
            price = _plans(table, page)
    for table in found:
        if table.header and table.header[0].strip().lower() == "model":
            _models(table, page, price)
    if not any(r.value is not None and r.model != PLATFORM for r in page.rates):
        raise ParseError(
            VENDOR, f"no model price table found in {url} (expected 'Model | Price in Tokens | ...')"
        )
    notes = [
        f"prices per {per} not stored (no billing unit): {', '.join(m)}" for per, m in page.unstored.items()
    ]
    notes += [f"not stored, the page's two columns disagree: {m}" for m in page.mismatches]
    return parsed(VENDOR, page.rates, page.names, notes)
