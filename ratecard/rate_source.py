"""Where ``ratecard breakeven`` reads snapshot rates from: the pipeline's store, behind a Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine

from ratecard.breakeven.rates import RateSource, RateStatus, RateUsed
from ratecard.config.settings import Settings, load
from ratecard.db import open_db, session
from ratecard.query import price_rows


@dataclass(frozen=True)
class SnapshotRates:
    """Rates of one model as the snapshot of a date holds them, stale ones marked stale."""

    engine: Engine
    settings: Settings

    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        day = _day(as_of)
        rows = [r for r in self._rows(day, vendor=vendor) if r["model"] == model]
        priced = [r for r in rows if r["value"] is not None and r["status"] != "not_offered"]
        if not priced:
            raise LookupError(f"no rates for {vendor}/{model} in the snapshot of {day}")
        return [
            RateUsed(
                vendor=vendor,
                model=model,
                field=r["field"],
                tier=r["tier"],
                value_usd=r["value"],
                unit=r["unit"],
                date=r["last_verified"] or r["since"],
                status=cast(RateStatus, r["status"]),
                source_url=r["source_url"],
                reason=r["reason"],
                fetched_at=r["fetched_at"],
                last_verified=r["last_verified"],
            )
            for r in priced
        ]

    def find(self, model: str, as_of: date | None) -> list[str]:
        """``VENDOR/MODEL`` of every priced model whose id is ``model`` or starts with it, sorted."""
        rows = self._rows(_day(as_of), model=model)
        return sorted(
            {
                f"{r['vendor']}/{r['model']}"
                for r in rows
                if r["model"].startswith(model) and r["value"] is not None and r["status"] != "not_offered"
            }
        )

    def _rows(self, day: date, vendor: str | None = None, model: str | None = None) -> list[dict[str, Any]]:
        stale_after = {v.id: v.stale_after_days for v in self.settings.vendors.values()}
        with session(self.engine) as s:
            return price_rows(s, day, stale_after, vendor, model)


def _day(as_of: date | None) -> date:
    return as_of or datetime.now(UTC).date()


def open_rate_source(db: str | None, config: Path | None) -> RateSource:
    """A :class:`RateSource` over the snapshot database (``db`` URL or the configured default)."""
    return SnapshotRates(open_db(db), load(config))
