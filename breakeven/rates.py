"""Rates as the calculator sees them: each one carries where it came from and how sure it is.

The calculator reads snapshot rates only through :class:`RateSource`, so it never depends on
storage, the crawler or the network; rates typed on the command line become ``given`` rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable

from ratecard import tiers

RateStatus = Literal["verified", "inferred", "stale", "given"]
"""``given`` marks a rate typed by the user: nobody checked it, but nobody needs to."""

DOUBTFUL: frozenset[str] = frozenset({"inferred", "stale"})
GIVEN_VENDOR = "manual"
_Day = date  # ``RateUsed.date`` shadows the type inside the class body
#: Fields a hand-written rate list may name, all in USD per MTok.
GIVEN_FIELDS: tuple[str, ...] = (
    "input",
    "output",
    "cache_read",
    "blended",
    "batch_input",
    "batch_output",
    "batch_cache_read",
    "batch_blended",
)


@dataclass(frozen=True, slots=True)
class RateUsed:
    """One rate that went into a result, with enough provenance for a person to check it."""

    vendor: str
    model: str
    field: str
    """A parser field name (``input``, ``training``...) or ``blended`` / ``gpu_hourly``."""
    tier: str
    value_usd: Decimal
    """Amount in USD per ``unit``."""
    unit: str
    """``usd_per_mtok`` for token rates; training may be ``usd_per_hour``."""
    date: date
    """The snapshot day the rate was read from (the run day for given rates)."""
    status: RateStatus
    source_url: str | None = None
    reason: str | None = None
    """Why a rate is inferred or stale, in words a person can check."""
    fetched_at: datetime | None = None
    """When the page the rate was read from was fetched (snapshot rates only)."""
    last_verified: _Day | None = None
    """The vendor's last successful check on or before the snapshot day (snapshot rates only)."""

    @property
    def ref(self) -> str:
        return f"{self.vendor}/{self.model}"

    @property
    def usd_per_mtok(self) -> Decimal | None:
        """The value when it is a token rate, else None: a per-hour price is no per-MTok price."""
        return self.value_usd if self.unit == "usd_per_mtok" else None


class RateSource(Protocol):
    """The query interface the calculator needs from the snapshot store."""

    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        """All current rates of the model on ``as_of`` (latest if None); LookupError if unknown."""
        ...


@runtime_checkable
class ModelFinder(Protocol):
    """What a :class:`RateSource` may also offer: looking up models by id alone.

    Optional, so a source that only answers ``model_rates`` still works (see :func:`model_refs`).
    """

    def find(self, model: str, as_of: date | None) -> list[str]:
        """``VENDOR/MODEL`` of every model on ``as_of`` whose id is ``model`` or starts with it."""
        ...


def model_refs(source: RateSource, model: str, as_of: date | None) -> list[str]:
    """The source's :meth:`ModelFinder.find`, or no candidates when it cannot search."""
    return source.find(model, as_of) if isinstance(source, ModelFinder) else []


def given_rates(
    values: Mapping[str, Decimal], model: str, on: date, tier: str = tiers.STANDARD
) -> tuple[RateUsed, ...]:
    """Turn ``{"input": 3, "output": 15}`` into rates marked as typed by the user."""
    unknown = sorted(set(values) - set(GIVEN_FIELDS))
    if unknown:
        raise ValueError(f"unknown rate field(s) {', '.join(unknown)}; use {', '.join(GIVEN_FIELDS)}")
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"rate {name}={value} is negative")
    return tuple(
        RateUsed(GIVEN_VENDOR, model, name, tier, values[name], "usd_per_mtok", on, "given")
        for name in GIVEN_FIELDS
        if name in values
    )


def in_tier(rates: Iterable[RateUsed], tier: str, ref: str) -> tuple[RateUsed, ...]:
    """The rates of one tier (``standard``, ``variant=fine-tuned``), refusing an empty answer."""
    out = tuple(r for r in rates if r.tier == tier)
    if not out:
        raise LookupError(f"{ref} has no rates in tier {tier!r}")
    return out


def find(rates: Sequence[RateUsed], field: str) -> RateUsed | None:
    return next((r for r in rates if r.field == field), None)
