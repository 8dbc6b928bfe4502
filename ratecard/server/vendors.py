"""Vendor health: per configured vendor, when it was last verified and what it has in force.

SEAM: the lead is adding ``readmodel.vendors()`` (for a ``ratecard vendors`` command); until it
lands these rows are composed here from the stage read functions, and :func:`vendor_rows` is the
one function to swap for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.dbapi import Reader
from ratecard.outcome import VERIFIED
from ratecard.runs import read as runs
from ratecard.snapshots import read as snapshots


@dataclass(frozen=True, slots=True)
class VendorRow:
    """One configured vendor's health on a day."""

    vendor: str
    name: str
    enabled: bool
    last_verified: date | None
    """The latest run day (not after the query's day) that verified the vendor."""
    days_since: int | None
    """Days from ``last_verified`` to the query's day."""
    stale: bool
    """Not verified within the vendor's ``stale_after_days``: its rates are served marked stale."""
    models: int
    """Models with at least one rate in force (flags such as ``deprecated`` left out)."""
    rates: int
    """Rates in force, not-offered ones left out."""
    last_status: str | None
    """The outcome of the vendor's latest run: ok, quarantined or failed."""
    last_failure: date | None
    """The day of the latest run that did not verify the vendor."""
    last_failure_message: str | None


def vendor_rows(db: Reader, settings: Settings, day: date) -> list[VendorRow]:
    """Every configured vendor, in id order, as of ``day``."""
    verified = readmodel.last_verified(db, day)
    history = runs.outcomes_until(db, day)
    latest = {v.vendor: v for v in history}
    failures = {v.vendor: v for v in history if v.status not in VERIFIED}
    models: dict[str, set[str]] = {}
    rates: dict[str, int] = {}
    for s in snapshots.in_force(db, day):
        if s.unit == "flag" or s.status == "not_offered":
            continue
        models.setdefault(s.vendor, set()).add(s.model)
        rates[s.vendor] = rates.get(s.vendor, 0) + 1
    out = []
    for vid, config in sorted(settings.vendors.items()):
        last = verified.get(vid)
        failed = failures.get(vid)
        out.append(
            VendorRow(
                vendor=vid,
                name=config.name,
                enabled=config.enabled,
                last_verified=last,
                days_since=(day - last).days if last else None,
                stale=readmodel.stale_reason(last, day, settings.stale_after(vid)) is not None,
                models=len(models.get(vid, ())),
                rates=rates.get(vid, 0),
                last_status=latest[vid].status if vid in latest else None,
                last_failure=failed.date if failed else None,
                last_failure_message=failed.message if failed else None,
            )
        )
    return out
