"""`ratecard demo`: a backfill of the bundled captures, so the demo is the real pipeline, offline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from ratecard.backfill import backfill, survey
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.outcome import RunReport


def replay(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    root: Path,
    trigger: str = "demo",
    on_report: Callable[[RunReport], None] | None = None,
) -> list[RunReport]:
    """Every dated capture under ``root``, one run per date; undated excerpts are left out."""
    archive = survey(root, settings.vendors)
    return backfill(engine, settings, raw, archive.captures, trigger, on_report)
