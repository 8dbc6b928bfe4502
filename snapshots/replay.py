"""A vendor's stored history replayed day by day from its spans, without a query per day.

Reparse needs what was stored for every day it rewrites; holding a whole snapshot per day costs
memory in days (a year of one vendor: ~450 MB). The spans hold the same history in a size that
grows with changes, and one sweep over them yields each day's snapshot in turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from ratecard.snapshots.facts import Fact, Key


@dataclass(frozen=True, slots=True)
class Held:
    """One stored span: a fact and the days it held, ``[valid_from, valid_to)``."""

    key: Key
    valid_from: date
    valid_to: date | None
    fact: Fact


def by_day(spans: Iterable[Held], days: Sequence[date]) -> Iterator[tuple[date, dict[Key, Fact]]]:
    """Each of ``days`` (ascending) with the facts in force on it, as ``snapshots.store.facts``
    would have read them; only one day's snapshot exists at a time."""
    ordered = sorted(spans, key=lambda h: h.valid_from)
    active: dict[Key, Held] = {}
    i = 0
    for day in days:
        while i < len(ordered) and ordered[i].valid_from <= day:
            active[ordered[i].key] = ordered[i]
            i += 1
        yield day, {k: h.fact for k, h in active.items() if h.valid_to is None or day < h.valid_to}
