"""Prices that state their own unit in words: ``$0.05 / sec``, ``$15.00 / 1M chars``,
``$10.00 / 1k calls``, ``$0.10 / GB per day``.

Pages price images, video, audio, tools and storage in one cell each, the unit spelled out after
the amount. This reader maps those words to a unit of :mod:`ratecard.units`, exactly, or says it
cannot: a price whose unit is not recognised is returned as None, and the caller reports it in
its notes instead of storing it under a guessed unit. A price per 1K tokens is converted to the
per-million unit exactly (x1000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ratecard.parsers.base import money, normalize

_MILLION = r"(?:1\s*m|1\s*million|one\s+million|1,000,000)"
_THOUSAND = r"(?:1\s*k|1,000|1000|one\s+thousand)"
_REQUESTS = r"(?:calls?|requests?|quer(?:y|ies)|searches|search\s+queries|grounded\s+prompts)"
#: Unit phrases (after ``/`` or ``per``), the unit each names and the factor to it; first match wins.
_PHRASES: tuple[tuple[str, str, int], ...] = (
    (rf"{_MILLION}\s*(?:chars?|characters)", "usd_per_mchars", 1),
    (rf"{_MILLION}\s*(?:input\s+|output\s+)?tokens?", "usd_per_mtok", 1),
    (rf"{_THOUSAND}\s*(?:input\s+|output\s+)?tokens?", "usd_per_mtok", 1000),
    (rf"{_THOUSAND}\s*{_REQUESTS}", "usd_per_1k_requests", 1),
    (r"(?:img|images?)", "usd_per_image", 1),
    (r"(?:sec|secs|seconds?)", "usd_per_second", 1),
    (r"(?:min|mins|minutes?)", "usd_per_minute", 1),
    (r"(?:hr|hrs|hours?)", "usd_per_hour", 1),
    (r"gi?b\s*(?:(?:/|per)\s*day|-\s*day)", "usd_per_gb_day", 1),
    (r"containers?", "usd_per_container", 1),
)
_ANY = "|".join(f"(?:{p})" for p, _, _ in _PHRASES)
_AMOUNT = r"\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)"
_PRICE = re.compile(rf"{_AMOUNT}\s*(?:/|\bper\b)\s*(?P<unit>{_ANY})\b(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
_STATED = re.compile(rf"(?:/|\bper\b)\s*(?P<unit>{_ANY})\b", re.IGNORECASE)
_UNITS = [(re.compile(rf"^(?:{p})$", re.IGNORECASE), name, scale) for p, name, scale in _PHRASES]


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """An amount in ``unit`` (converted exactly where the page used a smaller quantity), and the
    words after the unit (``(REST)``)."""

    value: Decimal
    unit: str
    rest: str


def _unit(phrase: str) -> tuple[str, int] | None:
    plain = " ".join(phrase.split())
    return next(((name, scale) for pattern, name, scale in _UNITS if pattern.match(plain)), None)


def unit_of(phrase: str) -> str | None:
    """The unit a phrase such as ``1M chars`` or ``GiB / day`` names, or None."""
    found = _unit(phrase)
    return None if found is None else found[0]


def unit_price(text: str) -> UnitPrice | None:
    """The first ``$amount / unit`` of ``text`` (text before it is ignored), or None."""
    m = _PRICE.search(text)
    found = None if m is None else _unit(m.group("unit"))
    if m is None or found is None:
        return None
    unit, scale = found
    return UnitPrice(normalize(money(m.group("num")) * scale), unit, " ".join(m.group("rest").split()))


def stated_unit(text: str) -> str | None:
    """The unit a text states for prices given elsewhere (``Prices per 1M tokens``), or None.
    Only per-unit phrases count: a scaled one (``per 1K tokens``) needs its amount converted."""
    m = _STATED.search(text)
    found = None if m is None else _unit(m.group("unit"))
    return found[0] if found is not None and found[1] == 1 else None
