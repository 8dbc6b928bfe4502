"""Where ``ratecard breakeven`` reads snapshot rates from: the RateBook, behind the calculator's Protocol.

The same book, resolver and rows as ``ratecard cost``: a model named in a break-even question
resolves by the same rules (``vendor/id``, exact id, alias, unique suffix) and is priced from the
same rates, with the same status and provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import cast

from ratecard.breakeven.rates import RateSource, RateStatus, RateUsed
from ratecard.config.settings import Settings, load
from ratecard.ratebook import RateBook


@dataclass(frozen=True)
class SnapshotRates:
    """Rates of one model as the snapshot of a date holds them, stale ones marked stale."""

    db: str | None
    settings: Settings
    book: RateBook = field(init=False, repr=False)

    def __post_init__(self) -> None:
        book = RateBook.from_settings(self.db, self.settings, recheck_s=None)  # one answer's life
        object.__setattr__(self, "book", book)

    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        found = self.book.rates(f"{vendor}/{model}", as_of)
        priced = [r for r in found.rows if r.value is not None]
        if not priced:
            raise LookupError(f"no rates for {found.ref} in the snapshot of {found.day}")
        return [
            RateUsed(
                vendor=found.vendor,
                model=found.model,
                field=r.field,
                tier=r.tier,
                value_usd=r.value or Decimal(0),
                unit=r.unit,
                date=r.last_verified or r.since,
                status=cast(RateStatus, "stale" if r.stale else r.status),
                source_url=r.source_url,
                reason=r.reason,
                fetched_at=r.fetched_at,
                last_verified=r.last_verified,
            )
            for r in priced
        ]

    def find(self, model: str, as_of: date | None) -> list[str]:
        """The model ``model`` resolves to (by the resolver's rules), then every id starting with it."""
        try:
            first = [self.book.resolve(model).ref]
        except LookupError:
            first = []
        starting = sorted(r for r in self.book.models() if r.partition("/")[2].startswith(model))
        return list(dict.fromkeys([*first, *starting]))


def open_rate_source(db: str | None, config: Path | None) -> RateSource:
    """A :class:`RateSource` over the snapshot database (``db`` URL or the configured default)."""
    return SnapshotRates(db, load(config))
