"""The price of one request for the server: the RateBook, read through the connection the
request already holds, reloaded when the database changed since it last looked (a run, an
accepted or rejected value, a confirmed removal: ``readmodel.version``).

The JSON is ``ratecard cost --format json``'s (:func:`ratecard.costing.quote_record`), plus the
cache-write counts and service tier at the top level, as the first API answered them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.costing import MissingRate, NoRates, PricingError, Quote, quote_record
from ratecard.dbapi import Reader
from ratecard.ratebook import RateBook
from ratecard.resolve import AmbiguousModel
from ratecard.resolve import UnknownModel as _Unknown
from ratecard.snapshots import read as snapshots
from ratecard.usage import Usage
from ratecard.vendor_index import VendorIndex

__all__ = ["PriceError", "Pricer", "UnknownModel", "Usage", "answer", "moment"]


class UnknownModel(LookupError):
    """Not priceable as named on that day (404): no such model, or none of its rates in force;
    ``suggestions`` names ``vendor/model`` ids it may mean."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class PriceError(ValueError):
    """The request cannot be priced as asked (422): an ambiguous name, a rate it needs is missing."""


class _Borrowed:
    """The book's source: rows through the connection the current request holds (per thread),
    so pricing never takes a second connection from the pool."""

    def __init__(self, settings: Settings) -> None:
        self._stale_after = settings.stale_after
        self._local = threading.local()

    @contextmanager
    def using(self, db: Reader) -> Iterator[None]:
        self._local.db = db
        try:
            yield
        finally:
            self._local.db = None

    def _db(self) -> Reader:
        db: Reader | None = getattr(self._local, "db", None)
        if db is None:
            raise RuntimeError("the rate book reads only while a request lends it a connection")
        return db

    def models(self) -> list[tuple[str, str]]:
        return snapshots.models(self._db())

    def vendor(self, vendor: str) -> VendorIndex:
        return VendorIndex.load(self._db(), vendor, self._stale_after)

    def version(self) -> object:
        return readmodel.version(self._db())


class Pricer:
    """One RateBook per server process, refreshed when the database is not the one it saw."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._source = _Borrowed(settings)
        self._book: RateBook | None = None
        self._seen: object = None
        self._lock = threading.Lock()

    def _current(self, db: Reader) -> RateBook:
        mark = readmodel.version(db)  # a run, an accepted or rejected value, a confirmed removal
        with self._lock:
            if self._book is None:
                # the Pricer itself reloads the book when the database changed (below)
                self._book = RateBook.configured(self._source, self._settings, recheck_s=None)
            elif mark != self._seen:
                self._book.refresh()
            self._seen = mark
            return self._book

    def price(self, db: Reader, model: str, usage: Usage, at: datetime | date | None = None) -> Quote:
        """``usage`` priced at the rates ``model`` had on the (UTC) day of ``at``; UnknownModel
        or PriceError for what cannot be priced, never a $0."""
        with self._source.using(db):
            book = self._current(db)
            try:
                return book.price(model, usage, moment(at))
            except _Unknown as exc:
                raise UnknownModel(str(exc), list(exc.suggestions)) from None
            except NoRates as exc:
                raise UnknownModel(str(exc), []) from None
            except (AmbiguousModel, MissingRate, PricingError, ValueError) as exc:
                raise PriceError(str(exc)) from None


def moment(at: datetime | date | None) -> datetime:
    """When the request was made: a date is its midnight UTC, a time without zone is UTC, None is now."""
    if at is None:
        return datetime.now(UTC)
    if not isinstance(at, datetime):
        return datetime(at.year, at.month, at.day, tzinfo=UTC)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def answer(quote: Quote, usage: Usage, at: datetime | date | None = None) -> dict[str, Any]:
    """The object ``ratecard cost --format json`` prints, plus the cache-write counts and the
    service tier asked for."""
    return quote_record(quote, moment(at), usage) | {
        "cache_write_5m_tokens": usage.cache_write_5m_tokens,
        "cache_write_1h_tokens": usage.cache_write_1h_tokens,
        "service_tier": usage.service_tier,
    }
