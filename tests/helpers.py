"""Helpers shared by the tests (imported as ``from helpers import ...``; fixtures stay in conftest)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from ratecard.captures import bundled_dir
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.replay import ReplayServer

CAPTURES = bundled_dir()
FAST: dict[str, Any] = {
    "settings": {
        "autothrottle_start_delay": 0.0,
        "retry_times": 1,
        "retry_backoff_base": 0.01,
        "download_timeout": 3,
        "registries": [],
    }
}
"""Config overrides for tests: no politeness delays against our own local server, no registry."""


def capture(vendor: str, name_part: str) -> Path:
    """The bundled capture of ``vendor`` whose file name contains ``name_part``."""
    found = [p for p in (CAPTURES / vendor).iterdir() if name_part in p.name]
    assert len(found) == 1, f"{vendor}/{name_part}: {found}"
    return found[0]


def with_urls(settings: Settings, **urls: Any) -> Settings:
    """Settings whose vendors fetch the given URLs (``anthropic=[url]``)."""
    vendors = dict(settings.vendors)
    for vid, u in urls.items():
        vendors[vid] = replace(vendors[vid], start_urls=tuple(u if isinstance(u, list) else [u]))
    return replace(settings, vendors=vendors)


def new_pg_db(base: str) -> tuple[str, Callable[[], None]]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


def run_captures(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    server: ReplayServer,
    day: date,
    **captures: Path | str,
) -> RunReport:
    """Run ``day`` for the named vendors, each fetching its capture (a Path) or a URL (a str)."""
    urls = {v: (server.add_capture(v, c) if isinstance(c, Path) else c) for v, c in captures.items()}
    return run_day(engine, with_urls(settings, **urls), raw, day, list(captures))
