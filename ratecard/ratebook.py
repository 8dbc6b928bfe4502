"""The in-process API: price requests exactly, at the rates in force when they were made.

    from ratecard import RateBook, Usage

    book = RateBook.open("sqlite:///path/ratecard.db")        # or RateBook.from_export("rates.json")
    q = book.price("anthropic/claude-sonnet-4-5", Usage(input_tokens=5000, output_tokens=500))
    q.total_usd, q.lines, q.rates_used, q.notes

A book answers from memory. Opening it reads which models exist (for the resolver,
:mod:`ratecard.resolve`); the first request to a vendor reads that vendor's history once, through
one connection, into an index (:class:`ratecard.vendor_index.VendorIndex`: each model's spans as a
step function of the date, found by ``bisect``) that gives the rows ``ratecard prices`` would show
on any day (status, staleness, provenance). A model's rows of a day are then indexed by field and
each request shape's choice of rates memoised with its quote compiled (:class:`ratecard.costing.Plan`),
so a request is priced by two dict lookups and a few exact multiplications. A long-lived book
looks at most once a minute whether its database changed, and reloads if so; :meth:`RateBook.refresh`
reloads at once.

Importing this module loads neither Scrapy, litellm, SQLAlchemy, typer nor rich.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from time import time as _time
from typing import TYPE_CHECKING, Any, Protocol, get_args, get_type_hints

from ratecard import tiers
from ratecard.costing import ModelRates, NoRates, Quote, price
from ratecard.resolve import Catalog, Resolved
from ratecard.rows import PriceRow
from ratecard.usage import Usage

if TYPE_CHECKING:
    from ratecard.adapters import PriceCalculation
    from ratecard.config.settings import Settings
    from ratecard.readmodel import StaleAfter

_DAY = 86400
RECHECK_S = 60.0
"""Seconds between a long-lived book's looks at whether its source changed (see RateBook)."""
MODELS_KEPT = 4096
"""(name as asked, day) pairs whose indexed rates are kept."""


def day_of(at: date | datetime | None) -> date:
    """The UTC day whose rates price a request made at ``at`` (a time without zone is UTC; None: now)."""
    if at is None:
        return datetime.now(UTC).date()
    if isinstance(at, datetime):
        return (at if at.tzinfo is None else at.astimezone(UTC)).date()
    if isinstance(at, date):
        return at
    raise TypeError(f"at must be a date, a datetime or None, not {type(at).__name__}")


class Rows(Protocol):
    """One vendor's rates, indexed: the rows of a model on a day."""

    def prices(self, model: str, day: date) -> list[PriceRow]:
        """The model's rows in force on ``day``, as ``ratecard prices`` gives them."""
        ...


class Source(Protocol):
    """Where a book's rows come from: a database (its vendor indexes) or an export file."""

    def models(self) -> list[tuple[str, str]]:
        """Every (vendor, model id) the source knows, on any day."""
        ...

    def vendor(self, vendor: str) -> Rows:
        """The vendor's rates, read and indexed once (:class:`ratecard.vendor_index.VendorIndex`)."""
        ...

    def version(self) -> object:
        """Something that differs whenever what the book read may have changed."""
        ...


class DatabaseSource:
    """Rows read through each stage's read SQL (plain DB-API: no ORM), one connection per read."""

    def __init__(self, url: str | None, stale_after: StaleAfter) -> None:
        from ratecard.locations import resolve_url

        self.url = resolve_url(url)
        self._stale_after = stale_after

    def models(self) -> list[tuple[str, str]]:
        from ratecard.db_read import open_reader
        from ratecard.snapshots import read as snapshots

        with open_reader(self.url) as r:
            return snapshots.models(r)

    def vendor(self, vendor: str) -> Rows:
        from ratecard.db_read import open_reader
        from ratecard.vendor_index import VendorIndex

        with open_reader(self.url) as r:
            return VendorIndex.load(r, vendor, self._stale_after)

    def version(self) -> object:
        from ratecard import readmodel
        from ratecard.db_read import open_reader

        with open_reader(self.url) as r:
            return readmodel.version(r)


class ExportSource:
    """Rows of a ``ratecard export --format json`` file: one day's rates, each in force from its
    ``since`` (the export knows no change after its own date)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, list):
            raise ValueError(f"{path}: not a `ratecard export --format json` file (a JSON array of rates)")
        self.rows = [row_from_json(item, f"{path} item {i}") for i, item in enumerate(doc)]

    def models(self) -> list[tuple[str, str]]:
        return sorted({(r.vendor, r.model) for r in self.rows})

    def vendor(self, vendor: str) -> Rows:
        return ExportRows(by_model(r for r in self.rows if r.vendor == vendor))

    def version(self) -> object:
        found = self.path.stat()
        return (found.st_mtime_ns, found.st_size)


class ExportRows:
    """An export's rows of one vendor: a rate is in force from its ``since`` on."""

    def __init__(self, rows: Mapping[str, list[PriceRow]]) -> None:
        self._rows = rows

    def prices(self, model: str, day: date) -> list[PriceRow]:
        return [r for r in self._rows.get(model, ()) if r.since <= day]


def _converter(hint: Any) -> Any:
    """How a JSON value of a field of this type is read back (None: as it is)."""
    kinds = set(get_args(hint)) | {hint}
    if Decimal in kinds:
        return Decimal
    if datetime in kinds:
        return datetime.fromisoformat
    if date in kinds:
        return date.fromisoformat
    return None


_PRICE_FIELDS = get_type_hints(PriceRow)


def row_from_json(item: object, where: str) -> PriceRow:
    """A price row back from its JSON object (money from decimal strings, dates from ISO text)."""
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: not a JSON object")
    names = {f.name: f.metadata.get("name") or f.name for f in fields(PriceRow)}
    missing = sorted(out for out in names.values() if out not in item)
    if missing:
        raise ValueError(f"{where}: lacks {', '.join(missing)} (export it again with this version)")
    values = {}
    for name, out in names.items():
        raw, convert = item[out], _converter(_PRICE_FIELDS[name])
        values[name] = convert(raw) if convert is not None and raw is not None else raw
    return PriceRow(**values)


def _evict(cache: dict[Any, Any], keep: int) -> None:
    while len(cache) > keep:
        try:
            del cache[next(iter(cache))]
        except (RuntimeError, KeyError, StopIteration):  # another thread changed it meanwhile
            return


class RateBook:
    """Exact prices of requests at the rates in force when they were made (see the module).

    A long-lived book stays current by itself: at most every ``recheck_s`` seconds (and at
    midnight UTC) the next request asks the source whether anything was written since it was read
    (a run, an accepted or rejected value, a confirmed removal: :meth:`Source.version`), and reloads
    if so; None never asks (:meth:`refresh` reloads at once). A source that cannot answer then
    (a database briefly unreachable) leaves the book answering from what it holds.

    Thread-safe for pricing (its caches only grow under the GIL); :meth:`refresh` while other
    threads price is safe too: they finish with the rates they started with.
    """

    def __init__(
        self,
        source: Source,
        aliases: Mapping[str, Mapping[str, str]] | None = None,
        default_tiers: Mapping[str, str] | None = None,
        *,
        recheck_s: float | None = RECHECK_S,
    ) -> None:
        self.source = source
        self._aliases = dict(aliases or {})
        self._default_tiers = dict(default_tiers or {})
        self._recheck_s = recheck_s
        self.refresh()

    @classmethod
    def open(
        cls, db: str | None = None, *, config: str | Path | None = None, recheck_s: float | None = RECHECK_S
    ) -> RateBook:
        """A book over a ratecard database: any URL (``sqlite:///path.db``,
        ``postgresql+psycopg://...``), else ``$RATECARD_DB``, else the default data file.
        ``config`` is a TOML file merged over the bundled one (aliases, stale thresholds, tiers);
        ``recheck_s``: how often, at most, to look whether the database changed (None: never)."""
        from ratecard.config.settings import load

        settings = load(Path(config) if config is not None else None)
        return cls.from_settings(db, settings, recheck_s=recheck_s)

    @classmethod
    def from_settings(
        cls, db: str | None, settings: Settings, *, recheck_s: float | None = RECHECK_S
    ) -> RateBook:
        """A book over a database with settings already loaded (the CLI's edge loads them once)."""
        return cls.configured(DatabaseSource(db, settings.stale_after), settings, recheck_s=recheck_s)

    @classmethod
    def configured(
        cls, source: Source, settings: Settings, *, recheck_s: float | None = RECHECK_S
    ) -> RateBook:
        """A book over ``source`` with the vendors' aliases and default tiers from ``settings``."""
        return cls(
            source,
            {v: c.aliases for v, c in settings.vendors.items()},
            {v: c.registry_tier for v, c in settings.vendors.items() if c.registry_tier},
            recheck_s=recheck_s,
        )

    @classmethod
    def from_export(
        cls, path: str | Path, *, config: str | Path | None = None, recheck_s: float | None = RECHECK_S
    ) -> RateBook:
        """A book over the rates of a ``ratecard export --format json`` file (no database needed).

        An export is one day's rates: a request before a rate's ``since`` finds none, one after
        the export's date is priced at the exported rates (the file cannot know later changes).
        """
        from ratecard.config.settings import load

        settings = load(Path(config) if config is not None else None)
        return cls.configured(ExportSource(Path(path)), settings, recheck_s=recheck_s)

    def refresh(self) -> None:
        """Forget everything loaded and read the source again (after a nightly run, say)."""
        if isinstance(self.source, ExportSource):
            self.source = ExportSource(self.source.path)
        self._version = self.source.version() if self._recheck_s is not None else None
        self.catalog = Catalog(self.source.models(), self._aliases)
        self._vendors: dict[str, Rows] = {}
        self._rates: dict[tuple[str, date], ModelRates] = {}
        self._next_check = _time() + (self._recheck_s or 0.0)
        self._clock: tuple[float, float, date, dict[str, ModelRates]] = (0.0, 0.0, date.min, {})

    def models(self) -> list[str]:
        """Every model the book knows, as ``vendor/id``."""
        return sorted(f"{v}/{m}" for v, m in self.catalog.known)

    def resolve(self, model: str) -> Resolved:
        """The model a name means (:mod:`ratecard.resolve`); UnknownModel or AmbiguousModel."""
        return self.catalog.resolve(model)

    def rates(self, model: str, at: date | datetime | None = None) -> ModelRates:
        """The model's rates in force at ``at``, indexed; NoRates when it has none that day."""
        day = day_of(at)
        found = self._rates.get((model, day))
        if found is None:
            found = self._rates[(model, day)] = self._index(model, day)
            _evict(self._rates, MODELS_KEPT)
        return found

    def price(
        self, model: str, usage: Usage, at: date | datetime | None = None, *, tier: str | None = None
    ) -> Quote:
        """The exact price of one request to ``model`` made at ``at`` (None: now), at the rates in
        force on its UTC day. ``tier`` forces a tier (``context=long``, ``service=flex``,
        ``deployment=datazone;region=westus``) instead of the one the request falls in.

        Raises UnknownModel (no model matches; with suggestions), AmbiguousModel (with the
        candidates), NoRates (none in force that day) or MissingRate (a quantity needs a rate the
        model lacks): all LookupErrors, never a $0 for something unknown.
        """
        now, (start, end, day, today) = _time(), self._clock
        if not start <= now < end:
            start, end, day, today = self._tick(now)
        if at is None:
            rates = today.get(model)
            if rates is not None and tier is None and usage.prompt_tokens <= rates.floor:
                plan = rates.plans.get(usage.shape)
                if plan is not None:  # costing.price's first lines, inlined: the common case
                    return plan.quote(usage)
            if rates is None:
                rates = today[model] = self.rates(model, day)
                _evict(today, MODELS_KEPT)
            return price(rates, usage, tier)
        day = day_of(at)
        rates = self._rates.get((model, day))
        if rates is None:
            rates = self.rates(model, day)
        return price(rates, usage, tier)

    def _tick(self, now: float) -> tuple[float, float, date, dict[str, ModelRates]]:
        """The clock at ``now``: today (UTC) with today's rates by model, kept until midnight or the
        next look at the source, whichever comes first; reloads first if the source changed. (The
        clock is one tuple, so a thread never sees its day without its rates.)"""
        if self._recheck_s is not None and now >= self._next_check:
            self._next_check = now + self._recheck_s
            if self._changed():
                self.refresh()
        start = now - now % _DAY
        kept = self._clock
        today = kept[3] if kept[0] == start else {}
        until = start + _DAY if self._recheck_s is None else min(start + _DAY, self._next_check)
        self._clock = (start, until, datetime.fromtimestamp(start, UTC).date(), today)
        return self._clock

    def _changed(self) -> bool:
        try:
            return self.source.version() != self._version
        except Exception:  # unreachable now: keep answering from memory, ask again next time
            return False

    def cost_per_token(
        self,
        model: str,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        **options: Any,
    ) -> tuple[Decimal, Decimal]:
        """LiteLLM's call shape, exact: see :func:`ratecard.adapters.cost_per_token`."""
        from ratecard.adapters import cost_per_token

        return cost_per_token(self, model, prompt_tokens, completion_tokens, **options)

    def calc_price(self, usage: object, model_ref: str, **options: Any) -> PriceCalculation:
        """genai-prices' call shape, exact: see :func:`ratecard.adapters.calc_price`."""
        from ratecard.adapters import calc_price

        return calc_price(self, usage, model_ref, **options)

    def _index(self, model: str, day: date) -> ModelRates:
        found = self.catalog.resolve(model)
        rows = self._vendor(found.vendor).prices(found.model, day)
        if not rows:
            raise NoRates(f"no rates for {found.ref} on {day} (see `ratecard history {found.model}`)")
        plain = found.rule in ("exact id", "vendor/id")
        notes = () if plain else (f"{model!r} is {found.ref} (by {found.rule})",)
        default = self._default_tiers.get(found.vendor, tiers.STANDARD)
        return ModelRates(found.vendor, found.model, day, rows, default, notes)

    def _vendor(self, vendor: str) -> Rows:
        index = self._vendors.get(vendor)
        if index is None:
            index = self._vendors[vendor] = self.source.vendor(vendor)
        return index


def by_model(rows: Iterable[PriceRow]) -> dict[str, list[PriceRow]]:
    out: dict[str, list[PriceRow]] = {}
    for r in rows:
        out.setdefault(r.model, []).append(r)
    return out
