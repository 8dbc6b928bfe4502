"""Where ``ratecard breakeven`` reads snapshot rates from: the pipeline's store, behind a Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import cast

from ratecard import readmodel
from ratecard.breakeven.rates import RateSource, RateStatus, RateUsed
from ratecard.config.settings import Settings, load
from ratecard.db_read import open_reader
from ratecard.rows import PriceRow


@dataclass(frozen=True)
class SnapshotRates:
    """Rates of one model as the snapshot of a date holds them, stale ones marked stale."""

    db: str | None
    settings: Settings

    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        day = _day(as_of)
        rows = [r for r in self._rows(day, vendor=vendor) if r.model == model]
        priced = [r for r in rows if r.value is not None and r.status != "not_offered"]
        if not priced:
            raise LookupError(f"no rates for {vendor}/{model} in the snapshot of {day}")
        return [
            RateUsed(
                vendor=vendor,
                model=model,
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
        """``VENDOR/MODEL`` of every priced model whose id is ``model`` or starts with it, sorted."""
        rows = self._rows(_day(as_of), model=model)
        return sorted(
            {
                f"{r.vendor}/{r.model}"
                for r in rows
                if r.model.startswith(model) and r.value is not None and r.status != "not_offered"
            }
        )

    def _rows(self, day: date, vendor: str | None = None, model: str | None = None) -> list[PriceRow]:
        with open_reader(self.db) as r:
            return readmodel.prices(r, day, self.settings.stale_after, [vendor] if vendor else None, model)


def _day(as_of: date | None) -> date:
    return as_of or datetime.now(UTC).date()


def open_rate_source(db: str | None, config: Path | None) -> RateSource:
    """A :class:`RateSource` over the snapshot database (``db`` URL or the configured default)."""
    return SnapshotRates(db, load(config))
