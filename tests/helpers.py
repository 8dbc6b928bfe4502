"""Small helpers for pipeline tests: run one day against captures served by the replay server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.replay import ReplayServer


def run_captures(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    server: ReplayServer,
    day: date,
    **captures: Path | str,
) -> RunReport:
    """Run ``day`` for the named vendors, each fetching its capture (a Path) or a URL (a str)."""
    from conftest import with_urls

    urls = {v: (server.add_capture(v, c) if isinstance(c, Path) else c) for v, c in captures.items()}
    return run_day(engine, with_urls(settings, **urls), raw, day, list(captures))
