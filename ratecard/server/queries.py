"""The questions the API and the pages share, composed from :mod:`ratecard.readmodel`.

Routes parse parameters and render; these functions validate what only the configuration can
judge (vendor ids) and apply the filters the CLI does not have (status, freshness, kinds), so a
page and its JSON twin always answer with the same rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.dbapi import Reader
from ratecard.rows import ChangeRow, FlagRow, HistoryRow, PriceRow, RunRow, VendorRow
from ratecard.server.errors import BadInput

REAL_CHANGES = ("changed", "added", "removed", "status", "correction")
"""Change kinds that are news: a value moved, a field appeared or went, a status turned, a person
corrected a value. First sightings of a whole model (``model_added``) are not."""
CHANGE_KINDS = (*REAL_CHANGES, "model_added", "model_removed", "scheduled", "withdrawn")
"""Every kind ``ratecard changes --kind`` takes; ``scheduled``/``withdrawn`` are announced future prices."""
STATUSES = ("verified", "inferred", "disputed", "not_offered", "stale")
"""``status=`` values: a row's ``status``, or ``stale``, kept from before freshness had a field of its
own: the stale rows whatever their status, as ``stale=true``."""
FLAG_KINDS = (
    "stale",
    "inferred",
    "disputed",
    "disagree",
    "vendor-only",
    "registry-only",
    "anomaly",
    "not-listed",
    "failing",
)
"""Every kind ``ratecard flags --kind`` takes."""


def vendor_ids(settings: Settings, given: Sequence[str] | None) -> list[str] | None:
    """The vendors asked for, matched case-insensitively to the configured ids; None for all."""
    if not given:
        return None
    out = []
    for vendor in given:
        found = vendor if vendor in settings.vendors else vendor.lower()
        if found not in settings.vendors:
            known = ", ".join(sorted(settings.vendors))
            raise BadInput(
                f"unknown vendor {vendor!r}; configured: {known}", configured=sorted(settings.vendors)
            )
        out.append(found)
    return out


def one_of(value: str | None, allowed: Collection[str], name: str) -> str | None:
    if value is not None and value not in allowed:
        raise BadInput(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def prices(
    db: Reader,
    settings: Settings,
    day: date,
    vendors: Sequence[str] | None = None,
    model: str | None = None,
    status: str | None = None,
    stale: bool | None = None,
) -> list[PriceRow]:
    """``ratecard prices`` rows, optionally of one status only and only stale (or only fresh) ones.

    ``status`` is the row's verification state (a stale verified rate is ``verified``), or ``stale``
    (same as ``stale=true``); ``stale=true`` keeps the rates not re-verified lately, ``false`` the others.
    """
    one_of(status, STATUSES, "status")
    rows = readmodel.prices(db, day, settings.stale_after, vendor_ids(settings, vendors), model)
    if status == "stale":
        rows = [r for r in rows if r.stale]
    elif status is not None:
        rows = [r for r in rows if r.status == status]
    if stale is not None:
        rows = [r for r in rows if r.stale == stale]
    return rows


def history(
    db: Reader,
    settings: Settings,
    model: str,
    vendors: Sequence[str] | None = None,
    field: str | None = None,
) -> list[HistoryRow]:
    """``ratecard history`` rows: the exact model id, else every id containing it."""
    return readmodel.history(db, model, vendor_ids(settings, vendors), field)


def changes(
    db: Reader,
    settings: Settings,
    since: date | None = None,
    until: date | None = None,
    vendors: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    model: str | None = None,
) -> list[ChangeRow]:
    """``ratecard changes`` rows between two days (both included), of some kinds only."""
    for kind in kinds or ():
        one_of(kind, CHANGE_KINDS, "kind")
    if since and until and until < since:
        raise BadInput(f"until ({until}) is before since ({since})")
    chosen = vendor_ids(settings, vendors)
    return readmodel.changes(db, since, chosen, model, until=until, kinds=kinds or None)


def flags(
    db: Reader,
    settings: Settings,
    day: date,
    kinds: Sequence[str] | None = None,
    vendors: Sequence[str] | None = None,
) -> list[FlagRow]:
    """``ratecard flags`` rows, of some kinds only."""
    for kind in kinds or ():
        one_of(kind, FLAG_KINDS, "kind")
    rows = readmodel.flags(db, day, settings.stale_after, vendor_ids(settings, vendors))
    return [f for f in rows if f.kind in kinds] if kinds else rows


def runs(db: Reader, limit: int | None = None) -> list[RunRow]:
    return readmodel.run_rows(db, limit)


def vendors(db: Reader, settings: Settings, day: date) -> list[VendorRow]:
    """``ratecard vendors`` rows: every configured vendor, in the configuration's order."""
    return readmodel.vendors(db, day, settings.vendors, settings.stale_after)


def latest_changes(db: Reader, settings: Settings, day: date, count: int) -> list[ChangeRow]:
    """The ``count`` newest real changes up to ``day``: what the home page calls news."""
    rows = readmodel.changes(db, None, None, until=day, kinds=REAL_CHANGES)
    return sorted(rows, key=lambda c: (c.date, c.id), reverse=True)[:count]
