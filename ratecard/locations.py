"""Where things live: the database URL, the data directory and the raw store (no database import)."""

from __future__ import annotations

import os
from pathlib import Path

from ratecard.dbapi import sqlite_file


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("RATECARD_DATA_DIR") or user_data_dir("ratecard", appauthor=False))


SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def resolve_url(db: str | None) -> str:
    """``--db``, else ``$RATECARD_DB``, else an SQLite file in the user's data directory.

    Anything but an SQLite or PostgreSQL URL is refused (ValueError) before a driver sees it.
    """
    url = db or os.environ.get("RATECARD_DB") or f"sqlite:///{default_data_dir() / 'ratecard.db'}"
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise ValueError(f"{url!r} is not a database URL: write sqlite:///PATH (sqlite:////abs/path.db)")
    if scheme not in SCHEMES:
        raise ValueError(
            f"unsupported database URL scheme {scheme!r}: use sqlite:///PATH or postgresql+psycopg://..."
        )
    return url


def raw_dir(url: str) -> Path:
    """Raw bodies live beside an SQLite file (``x.db`` -> ``x.raw/``), else in the data directory."""
    if os.environ.get("RATECARD_RAW_DIR"):
        return Path(os.environ["RATECARD_RAW_DIR"])
    path = sqlite_file(url)
    if path is not None:
        return path.with_suffix(".raw")
    return default_data_dir() / "raw"


def head_revision() -> str:
    """The newest migration id. Revisions are numbered ``0001``, ``0002``… after their file names."""
    from importlib import resources

    versions = resources.files("ratecard.migrations") / "versions"
    return max(p.name[:4] for p in versions.iterdir() if p.name[:4].isdigit())
