"""Where ``ratecard breakeven`` reads snapshot rates from: the pipeline's store, behind a Protocol."""

from __future__ import annotations

from pathlib import Path

from ratecard.breakeven.rates import RateSource


def open_rate_source(db: str | None, config: Path | None) -> RateSource:
    """A :class:`RateSource` over the snapshot database (``db`` URL or the configured default)."""
    raise NotImplementedError("snapshot rates are wired by the pipeline")
