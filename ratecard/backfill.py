"""Seed history from an archive of dated captures (``DIR/<vendor>/YYYY-MM-DD__name.ext``).

Each capture date is one real nightly run, oldest first: Scrapy fetches that day's captures from a
local capture server on 127.0.0.1, so archived days are written exactly as live nights write them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine

from ratecard import manifest
from ratecard.capture_server import PAGE_SIZE, CaptureServer, Route, ndjson_pages
from ratecard.captures import MANIFEST, Capture, by_date, latest_day, problems, scan, shown
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.vendor_step import Carry

LAYOUT = "DIR/<vendor>/YYYY-MM-DD__name.ext"


class ArchiveError(Exception):
    """The directory is not an archive of captures laid out as ``LAYOUT``."""


@dataclass(frozen=True)
class Archive:
    captures: list[Capture]
    """Dated captures of the selected vendors, oldest first."""
    skipped: list[str]
    """What was left out and why, one line each (folders of other things, undated files)."""


def _folders(root: Path, configured: Collection[str]) -> list[Path]:
    """The vendor folders of ``root``; a directory without any is a layout error, not an empty run."""
    if not root.is_dir():
        raise ArchiveError(f"{root} is not a directory (expected {LAYOUT})")
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    if any(f.name in configured for f in folders):
        return folders
    hint = f"; {root.name!r} is itself a vendor folder: pass its parent" if root.name in configured else ""
    found = ", ".join(f.name for f in folders) or "none"
    raise ArchiveError(
        f"{root} has no folder named after a configured vendor (folders: {found}){hint}. "
        f"Expected {LAYOUT} with vendors among: {', '.join(sorted(configured))}"
    )


def survey(root: Path, configured: Collection[str], only: Collection[str] | None = None) -> Archive:
    """The dated captures under ``root`` for the ``only`` vendors (default: every configured one)."""
    folders = _folders(root, configured)
    wanted = set(only) if only else set(configured)
    wrong = problems(root, wanted, latest_day())
    if wrong:
        listed = "; ".join(wrong[:20]) + (f"; and {len(wrong) - 20} more" if len(wrong) > 20 else "")
        raise ArchiveError(f"refused, nothing imported: fix or remove these files first: {listed}")
    found = scan(root, wanted)
    dated = [c for c in found if c.day is not None]
    undated = {c.path for c in found if c.day is None}
    named = {c.path for c in found}
    loose = [p for p in sorted(root.iterdir()) if not p.is_dir() and p.name != MANIFEST]
    skipped = [f"{shown(p.name)}: not in a vendor folder" for p in loose]
    skipped += [f"{shown(f.name)}/: not a configured vendor" for f in folders if f.name not in configured]
    skipped += [f"{v}: no folder in {root}" for v in sorted(set(only or ()) - {f.name for f in folders})]
    for folder in (f for f in folders if f.name in wanted):
        for p in sorted(folder.iterdir()):
            if p in undated:
                skipped.append(f"{folder.name}/{shown(p.name)}: undated")
            elif p not in named and p.name != MANIFEST:
                skipped.append(f"{folder.name}/{shown(p.name)}: not named YYYY-MM-DD__name.ext")
    if not dated:
        raise ArchiveError(f"no dated captures of {', '.join(sorted(wanted))} under {root} ({LAYOUT})")
    return Archive(dated, skipped)


def merged_pages(slices: Sequence[Path]) -> list[dict[str, object]]:
    """NDJSON slices of one day (Azure's per-effective-date exports) as one paged API."""
    items: list[object] = []
    for path in slices:
        for page in ndjson_pages(path):
            chunk = page["Items"]
            assert isinstance(chunk, list)
            items.extend(chunk)
    return [{"Items": items[i : i + PAGE_SIZE]} for i in range(0, len(items), PAGE_SIZE)]


def serve(server: CaptureServer, vendor: str, captures: Sequence[Capture]) -> list[tuple[str, Capture]]:
    """The start URLs of one vendor's captures of one day, routed on ``server``, each with the
    capture it serves (NDJSON slices of one paged API are served as one API, cited as the first)."""
    slices = [c for c in captures if c.path.suffix == ".ndjson"]
    urls = [(server.add_capture(vendor, c.path), c) for c in captures if c.path.suffix != ".ndjson"]
    if slices:
        route = Route(content_type="application/json", pages=merged_pages([c.path for c in slices]))
        urls.append((server.add(f"/{vendor}/{slices[0].day}/api", route), slices[0]))
    return urls


def local(settings: Settings) -> Settings:
    """Politeness delays are for vendors' servers; the capture server is our own."""
    crawl = replace(settings.crawl, autothrottle_start_delay=0.0, retry_backoff_base=0.05, retry_times=1)
    return replace(settings, crawl=crawl)


def backfill(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    captures: Sequence[Capture],
    trigger: str = "backfill",
    on_report: Callable[[RunReport], None] | None = None,
) -> list[RunReport]:
    """One pipeline run per capture date, oldest first, each crawling only that day's vendors."""
    fast = local(settings)
    reports = []
    entries = {root: manifest.read(root) for root in {c.path.parent.parent for c in captures}}
    carry: Carry = {}
    with CaptureServer() as server:
        for day, group in by_date(list(captures)).items():
            vendors = sorted({c.vendor for c in group})
            served = dict(fast.vendors)
            origins: dict[str, manifest.Origin] = {}
            for v in vendors:
                routed = serve(server, v, [c for c in group if c.vendor == v])
                configured = fast.vendors[v].start_urls[0]
                for url, c in routed:
                    origins[url] = manifest.origin(c, entries[c.path.parent.parent], configured)
                served[v] = replace(
                    fast.vendors[v],
                    start_urls=tuple(url for url, _ in routed),
                    fallback_urls=(),
                    allowed_hosts=(),
                )
            report = run_day(
                engine,
                replace(fast, vendors=served),
                raw,
                day,
                vendors,
                trigger,
                origins=origins,
                carry=carry,
            )
            reports.append(report)
            if on_report:
                on_report(report)
    return reports
