"""`ratecard demo`: the real nightly pipeline, offline, over the bundled captures in date order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ratecard.captures import Capture, by_date, scan
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.replay import ReplayServer, Route, ndjson_pages
from sqlalchemy import Engine


def serve(server: ReplayServer, vendor: str, captures: list[Capture]) -> list[str]:
    """Routes for one vendor's captures of one day; NDJSON slices become one paged API."""
    slices = [c for c in captures if c.path.suffix == ".ndjson"]
    urls = [server.add_capture(vendor, c.path) for c in captures if c not in slices]
    if slices:
        pages = [p for c in slices for p in ndjson_pages(c.path)]
        items = [item for p in pages for item in p["Items"]]  # type: ignore[attr-defined]
        merged = [{"Items": items[i : i + 100]} for i in range(0, len(items), 100)]
        urls.append(
            server.add(
                f"/{vendor}/{slices[0].day}/api",
                Route(content_type="application/json", pages=merged),
            )
        )
    return urls


def replay(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    root: Path,
    trigger: str = "demo",
    on_report: Callable[[RunReport], None] | None = None,
) -> list[RunReport]:
    """One pipeline run per capture date, oldest first, each crawling only that day's vendors."""
    captures = scan(root, set(settings.vendors))
    reports = []
    with ReplayServer() as server:
        for day, group in by_date(captures).items():
            vendors = sorted({c.vendor for c in group})
            local = dict(settings.vendors)
            for v in vendors:
                urls = serve(server, v, [c for c in group if c.vendor == v])
                local[v] = replace(settings.vendors[v], start_urls=tuple(urls))
            report = run_day(engine, replace(settings, vendors=local), raw, day, vendors, trigger)
            reports.append(report)
            if on_report:
                on_report(report)
    return reports
