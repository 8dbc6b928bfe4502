"""Reading rate spans on the read path (plain SQL through :mod:`ratecard.dbapi`); typed from the query on."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ratecard.dbapi import Reader, Row, as_date, as_datetime, as_decimal, maybe

_COLUMNS = (
    "vendor, model, field, tier, unit, value, published_value, published_currency, status, reason, "
    "source_url, fetch_sha256, fetched_at, captured_at, valid_from, valid_to, run_id"
)
_ORDER = "ORDER BY vendor, model, field, tier, valid_from"
IN_FORCE = "valid_from <= :day AND (valid_to IS NULL OR valid_to > :day)"
"""A span is in force on ``day``: ``valid_from <= day < valid_to``."""


@dataclass(frozen=True, slots=True)
class Span:
    """One value of one rate over the days it held (``valid_to`` exclusive; None while current)."""

    vendor: str
    model: str
    field: str
    tier: str
    unit: str
    value: Decimal | None
    published_value: Decimal | None
    published_currency: str | None
    status: str
    reason: str | None
    source_url: str
    fetch_sha256: str
    fetched_at: datetime
    captured_at: datetime | None
    valid_from: date
    valid_to: date | None
    run_id: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.model, self.field, self.tier)


def _span(r: Row) -> Span:
    return Span(
        vendor=r["vendor"],
        model=r["model"],
        field=r["field"],
        tier=r["tier"],
        unit=r["unit"],
        value=as_decimal(r["value"]),
        published_value=as_decimal(r["published_value"]),
        published_currency=r["published_currency"],
        status=r["status"],
        reason=r["reason"],
        source_url=r["source_url"],
        fetch_sha256=r["fetch_sha256"],
        fetched_at=as_datetime(r["fetched_at"]),
        captured_at=maybe(as_datetime, r["captured_at"]),
        valid_from=as_date(r["valid_from"]),
        valid_to=maybe(as_date, r["valid_to"]),
        run_id=int(r["run_id"]),
    )


def _where(conditions: list[str], params: dict[str, Any], vendors: Collection[str] | None) -> None:
    if vendors is not None:
        conditions.append("vendor IN :vendors")
        params["vendors"] = sorted(vendors)


def in_force(db: Reader, day: date, vendors: Collection[str] | None = None) -> list[Span]:
    """The snapshot of ``day``: every span in force that day, in a stable order."""
    conditions, params = [IN_FORCE], {"day": day}
    _where(conditions, params, vendors)
    sql = f"SELECT {_COLUMNS} FROM rate_spans WHERE {' AND '.join(conditions)} {_ORDER}"
    return [_span(r) for r in db.rows(sql, params)]


def begun_by(db: Reader, day: date, vendors: Collection[str] | None = None) -> list[Span]:
    """Every span that began on or before ``day``: the history as it was known that day."""
    conditions, params = ["valid_from <= :day"], {"day": day}
    _where(conditions, params, vendors)
    sql = f"SELECT {_COLUMNS} FROM rate_spans WHERE {' AND '.join(conditions)} {_ORDER}"
    return [_span(r) for r in db.rows(sql, params)]


def of_vendor(db: Reader, vendor: str) -> list[Span]:
    """Every span the vendor ever had, by model, field, tier and date: its whole history, read once
    by the RateBook's index (it grows with changes, not days)."""
    sql = f"SELECT {_COLUMNS} FROM rate_spans WHERE vendor = :vendor {_ORDER}"
    return [_span(r) for r in db.rows(sql, {"vendor": vendor})]


def of_models(
    db: Reader, models: Collection[str], vendors: Collection[str] | None = None, field: str | None = None
) -> list[Span]:
    """Every span the models ever had."""
    conditions: list[str] = ["model IN :models"]
    params: dict[str, Any] = {"models": sorted(models)}
    _where(conditions, params, vendors)
    if field is not None:
        conditions.append("field = :field")
        params["field"] = field
    sql = f"SELECT {_COLUMNS} FROM rate_spans WHERE {' AND '.join(conditions)} {_ORDER}"
    return [_span(r) for r in db.rows(sql, params)]


def models(db: Reader, vendors: Collection[str] | None = None) -> list[tuple[str, str]]:
    """Every (vendor, model) the store has ever held, sorted: what model names resolve against."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    _where(conditions, params, vendors)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT DISTINCT vendor, model FROM rate_spans {where} ORDER BY vendor, model"
    return [(r["vendor"], r["model"]) for r in db.rows(sql, params)]


@dataclass(frozen=True, slots=True)
class Unlisted:
    """A model kept though its vendor's pages stopped listing it, waiting for a person."""

    vendor: str
    model: str
    since: date
    last_listed: date | None
    source_url: str


def version(db: Reader) -> tuple[object, ...]:
    """Changes when a model stops being listed or a person confirms it gone."""
    rows = db.rows("SELECT status, COUNT(*) AS n FROM unlisted_models GROUP BY status ORDER BY status")
    return tuple((r["status"], r["n"]) for r in rows)


def unlisted(db: Reader, vendors: Collection[str] | None = None) -> list[Unlisted]:
    conditions: list[str] = ["status = 'open'"]
    params: dict[str, Any] = {}
    _where(conditions, params, vendors)
    sql = (
        "SELECT vendor, model, since, last_listed, source_url FROM unlisted_models "
        f"WHERE {' AND '.join(conditions)} ORDER BY vendor, model"
    )
    return [
        Unlisted(
            r["vendor"], r["model"], as_date(r["since"]), maybe(as_date, r["last_listed"]), r["source_url"]
        )
        for r in db.rows(sql, params)
    ]
