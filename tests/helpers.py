"""Helpers shared by the tests (imported as ``from helpers import ...``; fixtures stay in conftest)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from ratecard import readmodel
from ratecard.capture_server import CaptureServer
from ratecard.captures import bundled_dir
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.dbapi import SessionReader
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.rows import record

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
    server: CaptureServer,
    day: date,
    **captures: Path | str,
) -> RunReport:
    """Run ``day`` for the named vendors, each fetching its capture (a Path) or a URL (a str)."""
    urls = {v: (server.add_capture(v, c) if isinstance(c, Path) else c) for v, c in captures.items()}
    return run_day(engine, with_urls(settings, **urls), raw, day, list(captures))


# --- The read model as dicts, read inside a test's SQLAlchemy session (the write path's view). ---


def _stale(stale_after: Mapping[str, int] | int) -> Callable[[str], int]:
    if isinstance(stale_after, int):
        return lambda _vendor: stale_after
    return lambda vendor: stale_after.get(vendor, 3)


def price_rows(
    session: Session,
    as_of: date,
    stale_after: Mapping[str, int] | int = 3,
    vendor: str | None = None,
    model: str | None = None,
    include_flags: bool = False,
) -> list[dict[str, Any]]:
    """``readmodel.prices`` as the dicts ``prices --format json`` prints (before JSON encoding)."""
    found = readmodel.prices(
        SessionReader(session), as_of, _stale(stale_after), [vendor] if vendor else None, model, include_flags
    )
    return [record(r) for r in found]


def change_rows(
    session: Session,
    since: date | None = None,
    vendor: str | None = None,
    model: str | None = None,
    field: str | None = None,
    include_superseded: bool = False,
) -> list[dict[str, Any]]:
    found = readmodel.changes(
        SessionReader(session), since, [vendor] if vendor else None, model, field, include_superseded
    )
    return [record(r) for r in found]


def flag_rows(
    session: Session, as_of: date, stale_after: Mapping[str, int] | int = 3, vendor: str | None = None
) -> list[dict[str, Any]]:
    found = readmodel.flags(SessionReader(session), as_of, _stale(stale_after), [vendor] if vendor else None)
    return [record(r) for r in found]
