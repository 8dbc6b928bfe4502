"""Rounding for people and for JSON: the only place a result's Decimals lose digits."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")


def plain(value: Decimal) -> str:
    """Positional notation always: ``Decimal("1e8")`` is "100000000", never "1E+8"."""
    return format(value, "f")


def money(value: Decimal) -> str:
    """A JSON money string: cents, or up to six decimals for sub-dollar amounts ("0.0105")."""
    if abs(value) >= 1:
        return plain(value.quantize(_CENT, ROUND_HALF_UP))
    return price(value)


def price(value: Decimal) -> str:
    """A unit price keeps up to six decimals at any size: "2.425" per MTok, "0.000123" a request."""
    text = plain(value.quantize(_MICRO, ROUND_HALF_UP)).rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def usd(value: Decimal) -> str:
    """Money in a sentence: ``$37,000.00``, ``-$12.50``, ``$0.0105``."""
    text = money(abs(value))
    whole, _, frac = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}${int(whole):,}.{frac}"


def count(value: Decimal) -> str:
    """A threshold volume as a whole number, rounded up: you need at least this many."""
    return plain(value.to_integral_value(ROUND_CEILING))


def fixed(value: Decimal, places: int = 2) -> str:
    """A plain decimal with ``places`` digits, e.g. payback months "41.67"."""
    return plain(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def volume(value: Decimal) -> str:
    """A large count for a sentence: ``205.6 million``, ``51.5 thousand``, ``950``."""
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(value) >= size:
            return f"{fixed(value / size, 1)} {word}"
    if abs(value) >= 1000:
        return f"{fixed(value / 1000, 1)} thousand"
    return count(value)


def plural(n: int, word: str) -> str:
    """``1 GPU``, ``2 GPUs``."""
    return f"{n} {word}{'' if n == 1 else 's'}"
