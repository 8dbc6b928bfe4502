"""Billing units: the one vocabulary every stage speaks (parsers, storage, costing, exports).

A rate's ``unit`` says what one ``value`` buys, in the rate's currency (USD unless a parser says
otherwise: the name keeps ``usd_`` because the stored value is USD once converted). A field name
never decides the unit: a parser must know each price's unit from the page or API, and a value
whose unit it cannot establish is not stored (it says so in its notes).

The dimensions that change a price (image size and quality, video resolution, search context
size) are tier dimensions (:mod:`ratecard.tiers`), never part of the unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final


@dataclass(frozen=True, slots=True)
class Unit:
    """One billing unit: its name, the quantity it prices and how many of that one value buys."""

    name: str
    quantity: str
    """What is counted to bill it: ``tokens``, ``images``, ``seconds``, ``characters``..."""
    per_exp: int
    """One value pays for ``10**per_exp`` of ``quantity``: 6 (a million tokens) for ``usd_per_mtok``."""
    meaning: str

    @property
    def per(self) -> int:
        return int(10**self.per_exp)


_ALL: Final = (
    Unit("usd_per_mtok", "tokens", 6, "per million tokens"),
    Unit("usd_per_mtok_hour", "token_hours", 6, "per million tokens stored for an hour"),
    Unit("usd_per_image", "images", 0, "per image generated or read"),
    Unit("usd_per_second", "seconds", 0, "per second of audio or video"),
    Unit("usd_per_minute", "minutes", 0, "per minute of audio"),
    Unit("usd_per_mchars", "characters", 6, "per million characters"),
    Unit("usd_per_request", "requests", 0, "per request (or call, or search)"),
    Unit("usd_per_1k_requests", "requests", 3, "per 1,000 requests (or calls, or searches)"),
    Unit("usd_per_container_hour", "container_hours", 0, "per hour a code container runs"),
    Unit("usd_per_container", "containers", 0, "per container session"),
    Unit("usd_per_gb_day", "gb_days", 0, "per GB stored for a day"),
    Unit("usd_per_hour", "hours", 0, "per hour (training time, a session running, audio transcribed)"),
    Unit("usd_per_instance_hour", "instance_hours", 0, "per dedicated instance per hour"),
    Unit("usd_per_instance_month", "instance_months", 0, "per dedicated instance per month"),
    Unit("usd_per_instance_year", "instance_years", 0, "per dedicated instance per year"),
    Unit("usd_per_1k_neurons", "neurons", 3, "per 1,000 Cloudflare neurons"),
    Unit("flag", "", 0, "a model attribute (deprecated, free...), not a price"),
)

UNITS: Final[dict[str, Unit]] = {u.name: u for u in _ALL}
"""Every unit by name, in the order above."""
TOKEN = "usd_per_mtok"
FLAG = "flag"


def unit(name: str) -> Unit:
    """The unit called ``name``; ValueError for a name outside the vocabulary."""
    try:
        return UNITS[name]
    except KeyError:
        raise ValueError(f"unknown unit {name!r}; known: {', '.join(UNITS)}") from None


def cost(value: Decimal, name: str, quantity: Decimal | int) -> Decimal:
    """Exact price of ``quantity`` of the unit's quantity at ``value`` per unit."""
    return (Decimal(quantity) * value).scaleb(-unit(name).per_exp)
