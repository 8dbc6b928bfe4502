"""The nightly job: lock, crawl every vendor through Scrapy, then verify each vendor on its own."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from ratecard import registries as reference
from ratecard import safe
from ratecard.config.settings import ConfigError, Settings, VendorConfig
from ratecard.crawler import store as fetches
from ratecard.crawler.bounds import hosts_of
from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.rawstore import RawStore
from ratecard.db import session
from ratecard.lock import run_lock
from ratecard.manifest import Origin
from ratecard.outcome import EXIT_STORAGE, RunReport, VendorOutcome
from ratecard.runs import store as runs
from ratecard.vendor_step import Carry, process_vendor


def select_vendors(settings: Settings, ids: Sequence[str] | None) -> list[VendorConfig]:
    """The vendors to run, in config order; an unknown id is a configuration error."""
    if ids:
        unknown = [v for v in ids if v not in settings.vendors]
        if unknown:
            raise ConfigError(f"unknown vendor(s) {unknown}; configured: {sorted(settings.vendors)}")
        return [settings.vendors[v] for v in ids]
    return [v for v in settings.vendors.values() if v.enabled]


def target(vendor: VendorConfig) -> Target:
    """What the crawl fetches for ``vendor``, and the hosts its links and redirects may lead to:
    the configured ``allowed_hosts``, else those of its start and fallback URLs."""
    return Target(
        vendor.id,
        vendor.start_urls,
        follow_json_key=vendor.follow_json_key,
        follow_json_each=vendor.follow_json_each,
        allowed_hosts=vendor.allowed_hosts or hosts_of((*vendor.start_urls, *vendor.fallback_urls)),
    )


def fallback_fetcher(
    engine: Engine, settings: Settings, raw: RawStore, vendor: VendorConfig, run_id: int
) -> Callable[[str], list[Fetched]]:
    """Fetch one alternative source of ``vendor`` in the same run, logged like every fetch."""

    def fetch(url: str) -> list[Fetched]:
        from ratecard.crawler.engine import crawl

        found = crawl([replace(target(vendor), start_urls=(url,))], settings.crawl)
        with session(engine) as s:
            fetches.keep(s, raw, found, run_id)
            s.commit()
        return found

    return fetch


def verify(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    vendors: Sequence[VendorConfig],
    fetched: Sequence[Fetched],
    day: date,
    run_id: int,
    force: bool = False,
    carry: Carry | None = None,
) -> RunReport:
    """Keep every fetch, then verify each vendor independently (one failing never stops another);
    a vendor whose start URLs fail tries its fallback sources in the same run."""
    registries, warnings = reference.load(reference.sources(settings), fetched, day)
    outcomes = []
    with session(engine) as s:
        fetches.keep(s, raw, fetched, run_id)
        s.commit()
        for vendor in vendors:
            mine = [f for f in fetched if f.vendor == vendor.id]
            more = fallback_fetcher(engine, settings, raw, vendor, run_id)
            outcomes.append(
                process_vendor(s, settings, vendor, mine, day, run_id, registries, force, more, carry)
            )
    return RunReport(run_id, day, outcomes, warnings)


def with_origins(fetched: Sequence[Fetched], origins: Mapping[str, Origin]) -> list[Fetched]:
    """Fetches of archived captures, marked with the page they copy (pages of a paged API share one)."""
    out = []
    for f in fetched:
        found = origins.get(f.url) or origins.get(f.url.split("?", 1)[0])
        out.append(replace(f, origin_url=found.url, captured_at=found.captured_at) if found else f)
    return out


def run_day(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    day: date,
    vendor_ids: Sequence[str] | None = None,
    trigger: str = "run",
    force: bool = False,
    origins: Mapping[str, Origin] | None = None,
    carry: Carry | None = None,
) -> RunReport:
    """One nightly run for ``day``. Raises LockHeld (touching nothing) if another run is going.

    ``origins`` (backfill) names the real page and capture time of each locally served URL;
    ``carry`` (backfill) keeps each vendor's history from one day to the next.
    """
    from ratecard.crawler.engine import crawl  # Scrapy is imported only by commands that crawl

    vendors = select_vendors(settings, vendor_ids)
    with run_lock(engine):
        run_id = runs.start(engine, day, trigger)
        try:
            wanted = [target(v) for v in vendors] + reference.targets(reference.sources(settings))
            fetched = with_origins(crawl(wanted, settings.crawl), origins or {})
            report = verify(engine, settings, raw, vendors, fetched, day, run_id, force, carry)
        except BaseException as exc:  # the run row must never stay open
            crashed = [VendorOutcome(v.id, False, safe.message(f"run crashed: {exc!r}")) for v in vendors]
            code = EXIT_STORAGE if isinstance(exc, OSError | DBAPIError) else None
            with contextlib.suppress(Exception):  # the database itself may be what failed
                runs.finish(engine, RunReport(run_id, day, crashed, code=code))
            raise
        runs.finish(engine, report)
    return report
