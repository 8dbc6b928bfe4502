"""Engines, sessions and the schema, which only alembic migrations create or change."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from ratecard.changelog import tables as _changes  # noqa: F401
from ratecard.crawler import tables as _fetches  # noqa: F401
from ratecard.derive import tables as _anomalies  # noqa: F401
from ratecard.registry import tables as _checks  # noqa: F401

# Every table must be registered on the metadata before alembic compares or creates.
from ratecard.runs import tables as _runs  # noqa: F401
from ratecard.snapshots import tables as _spans  # noqa: F401

if TYPE_CHECKING:
    from alembic.config import Config

metadata = SQLModel.metadata


def default_data_dir() -> Path:
    return Path(os.environ.get("RATECARD_DATA_DIR") or user_data_dir("ratecard", appauthor=False))


def resolve_url(db: str | None) -> str:
    """``--db``, else ``$RATECARD_DB``, else an SQLite file in the user's data directory."""
    if db:
        return db
    if os.environ.get("RATECARD_DB"):
        return os.environ["RATECARD_DB"]
    path = default_data_dir() / "ratecard.db"
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL; None for other backends and in-memory databases."""
    engine_url = make_url(url) if "://" in url else None
    if engine_url is None or engine_url.get_backend_name() != "sqlite":
        return None
    db = engine_url.database
    return Path(db) if db and db != ":memory:" else None


def raw_dir(url: str) -> Path:
    """Raw bodies live beside an SQLite file (``x.db`` -> ``x.raw/``), else in the data directory."""
    if os.environ.get("RATECARD_RAW_DIR"):
        return Path(os.environ["RATECARD_RAW_DIR"])
    path = sqlite_path(url)
    if path is not None:
        return path.with_suffix(".raw")
    return default_data_dir() / "raw"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "ratecard:migrations")
    cfg.attributes["connection_engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest migration id. Revisions are numbered ``0001``, ``0002``… after their file names."""
    versions = resources.files("ratecard.migrations") / "versions"
    return max(p.name[:4] for p in versions.iterdir() if p.name[:4].isdigit())


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if found is None else str(found)
    except DBAPIError:
        return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration; at head already, alembic is not even imported."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_db(db: str | None, *, create: bool = True) -> Engine:
    """Engine for ``db`` with the schema up to date."""
    engine = make_engine(resolve_url(db))
    if create:
        migrate(engine)
    return engine


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("runs")


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
