"""What a public price registry says, in our field vocabulary and unit (USD per MTok, Decimal).

A registry format is a module with ``NAME``, ``recognises(doc, source)`` and
``read(doc, source, at)`` (the :class:`Format` protocol); ``load.read_registry`` wraps its answer
in a :class:`Registry`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from ratecard import tiers
from ratecard.parsers.base import normalize

PriceKey = tuple[str, str]
"""(field, tier), e.g. ``("input", "context>200k")``."""

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


class RegistryError(Exception):
    """A registry file could not be found, fetched or read as a known format."""


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One registry key's per-token prices, converted to USD per MTok."""

    key: str
    provider: str | None
    """The registry's own provider name (``litellm_provider``, genai-prices provider id, ...)."""
    prices: Mapping[PriceKey, Decimal]
    free: bool = False
    """The registry prices every token of this model at zero."""


@dataclass(frozen=True, slots=True)
class Registry:
    """A whole registry file, identified by the sha256 of its bytes."""

    name: str
    version: str
    date: date | None
    """When the file was captured, where the file or its name says so."""
    source: str
    entries: Mapping[str, RegistryEntry]

    def price(self, key: str, field: str, tier: str = tiers.STANDARD) -> Decimal | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.prices.get((field, tier))


@dataclass(frozen=True, slots=True)
class Read:
    """What a format reader found in one document."""

    date: date | None
    entries: dict[str, RegistryEntry]


class Format(Protocol):
    """A registry file format; implemented by the modules ``litellm``, ``genai_prices``, ..."""

    @property
    def NAME(self) -> str: ...

    @property
    def KEEPS_HISTORY(self) -> bool:
        """Whether ``read`` depends on ``at`` (the file holds dated prices)."""
        ...

    def recognises(self, doc: Any, source: str) -> bool: ...

    def read(self, doc: Any, source: str, at: date | None) -> Read:
        """Entries of ``doc``; ``at`` picks dated prices (default: the file's own date)."""
        ...


def number(value: object) -> Decimal | None:
    """An exact Decimal from a JSON number read with ``parse_float=Decimal``; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def scaled(value: object, factor: Decimal) -> Decimal | None:
    """``value × factor`` normalized (``3e-06``/token × 1e6 -> ``3``); None if not a number."""
    n = number(value)
    return None if n is None else normalize(n * factor)


def all_zero(values: Iterable[Decimal]) -> bool:
    """True for a non-empty run of zeros: the registry says the model is free."""
    seen = list(values)
    return bool(seen) and all(v == 0 for v in seen)


def date_in_name(source: str) -> date | None:
    """The ``YYYY-MM-DD`` in a file name or URL's last segment, as captures are named."""
    m = _DATE_IN_NAME.search(source.replace("\\", "/").rsplit("/", 1)[-1])
    try:
        return None if m is None else date.fromisoformat(m.group(1))
    except ValueError:  # digits shaped like a date that is none (2025-13-45)
        return None
