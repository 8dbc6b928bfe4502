"""The price of one request, in the shape the coming in-process API (``RateBook.price``) answers.

SEAM: until ``from ratecard import RateBook, Usage`` lands, :func:`price` prices through
:mod:`ratecard.costing` (the logic of ``ratecard cost``), extended here with the two cache-write
fields. At merge, :func:`price` becomes ``book.price(model, usage, at=at)`` and this module keeps
only :func:`answer` (the JSON of ``ratecard cost --format json``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ratecard import costing, readmodel, tiers
from ratecard.config.settings import Settings
from ratecard.dbapi import Reader
from ratecard.rows import PriceRow
from ratecard.snapshots import read as snapshots


@dataclass(frozen=True, slots=True)
class Usage:
    """What one request used, as the RateBook's ``Usage`` names it (``input_tokens`` excludes cached)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    service_tier: str | None = None
    """``flex``, ``priority``...: priced at the ``service=<tier>`` rates."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced request: the RateBook's ``Quote`` fields plus where the rates were read."""

    vendor: str
    model: str
    at: datetime
    snapshot_date: date
    tier: str
    total_usd: Decimal
    lines: list[dict[str, Any]]
    rates_used: list[PriceRow]
    notes: list[str] = field(default_factory=list)


SUGGESTIONS = 10


class UnknownModel(LookupError):
    """No vendor prices the model on that day; ``suggestions`` names similar ``vendor/model`` ids."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class PriceError(ValueError):
    """The request cannot be priced as asked: ambiguous model, a rate it needs is missing."""


@dataclass(frozen=True, slots=True)
class _Request(costing.Request):
    """``costing.Request`` with cache writes: billed at ``cache_write_5m`` / ``cache_write_1h`` and
    counted in the prompt a context tier's threshold is measured on, as vendors count them."""

    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @property
    def context(self) -> int:
        return (
            self.input_tokens
            + self.cached_input_tokens
            + self.cache_write_5m_tokens
            + self.cache_write_1h_tokens
        )

    def lines(self) -> tuple[tuple[str, str, int], ...]:
        plain = costing.Request.lines(self)
        writes = (
            ("cache_write_5m", "cache_write_5m_tokens", self.cache_write_5m_tokens),
            ("cache_write_1h", "cache_write_1h_tokens", self.cache_write_1h_tokens),
        )
        return (*plain[:2], *writes, *plain[2:])


def moment(at: datetime | date | None) -> datetime:
    """When the request was made: a date is its midnight UTC, a time without zone is UTC, None is now."""
    if at is None:
        return datetime.now(UTC)
    if not isinstance(at, datetime):
        return datetime(at.year, at.month, at.day, tzinfo=UTC)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def model_rows(
    db: Reader, settings: Settings, ref: str, day: date, tier: str
) -> tuple[str, str, list[PriceRow]]:
    """:func:`ratecard.costing.model_rows`, reading only the named vendor's snapshot first: the whole
    day's snapshot (every vendor) is read only when ``ref`` names no configured vendor or that
    vendor does not price it (``openai/gpt-4o`` may be OpenRouter's id). Same answers, a fraction
    of the rows under load."""
    vendor = ref.partition("/")[0]
    scopes = [[vendor], None] if vendor in settings.vendors else [None]
    for scope in scopes:
        spans = snapshots.in_force(db, day, scope)
        try:
            found_vendor, found = costing.resolve(ref, costing.candidates(spans, ref, tier), day, tier)
        except costing.UnknownModel as exc:
            if scope is None:
                raise UnknownModel(str(exc), suggestions(spans, ref, tier)) from exc
            continue
        except costing.CostError as exc:
            raise PriceError(str(exc)) from exc
        rows = readmodel.prices(db, day, settings.stale_after, [found_vendor], found)
        return found_vendor, found, [r for r in rows if r.model == found]
    raise AssertionError("unreachable: the last scope is every vendor")


def price(
    db: Reader, settings: Settings, model: str, usage: Usage, at: datetime | date | None = None
) -> Quote:
    """``usage`` priced at the rates ``model`` had on the (UTC) day of ``at``."""
    when = moment(at)
    day = costing.day_of(when)
    tier = f"service={usage.service_tier}" if usage.service_tier else None
    request = _Request(
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_5m_tokens,
        usage.cache_write_1h_tokens,
    )
    vendor, found, rows = model_rows(db, settings, model, day, tier or tiers.STANDARD)
    try:
        result = costing.price(rows, request, f"{vendor}/{found}", tier)
    except costing.CostError as exc:
        raise PriceError(str(exc)) from exc
    return Quote(
        vendor=vendor,
        model=found,
        at=when,
        snapshot_date=day,
        tier=result["tier"],
        total_usd=result["total_usd"],
        lines=result["lines"],
        rates_used=result["rates_used"],
        notes=result["notes"],
    )


def suggestions(spans: Sequence[snapshots.Span], ref: str, tier: str) -> list[str]:
    """``vendor/model`` ids a mistyped ``ref`` may mean: those containing its model part, then the
    closest spellings (``claude-sonet-4-5`` -> ``anthropic/claude-sonnet-4-5``)."""
    found = costing.similar(spans, ref, tier)
    names = sorted({f"{s.vendor}/{s.model}" for s in spans if s.tier == tier and s.unit == "usd_per_mtok"})
    bare = {name.partition("/")[2]: name for name in names}
    close = difflib.get_close_matches(ref.lower(), names, n=SUGGESTIONS, cutoff=0.75)
    close += [bare[m] for m in difflib.get_close_matches(ref.lower(), bare, n=SUGGESTIONS, cutoff=0.75)]
    out = list(dict.fromkeys([*found, *close]))
    return out[:SUGGESTIONS]


def answer(quote: Quote, usage: Usage) -> dict[str, Any]:
    """The object ``ratecard cost --format json`` prints (``cached_input_tokens`` is the cache
    read), plus the cache-write counts and the service tier asked for."""
    return {
        "vendor": quote.vendor,
        "model": quote.model,
        "at": quote.at,
        "snapshot_date": quote.snapshot_date,
        "tier": quote.tier,
        "input_tokens": usage.input_tokens,
        "cached_input_tokens": usage.cache_read_tokens,
        "output_tokens": usage.output_tokens,
        "cache_write_5m_tokens": usage.cache_write_5m_tokens,
        "cache_write_1h_tokens": usage.cache_write_1h_tokens,
        "service_tier": usage.service_tier,
        "lines": quote.lines,
        "total_usd": quote.total_usd,
        "rates_used": quote.rates_used,
        "notes": quote.notes,
    }
