"""Engines, sessions and the schema, which only alembic migrations create or change."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from ratecard.changelog import tables as _changes  # noqa: F401
from ratecard.crawler import tables as _fetches  # noqa: F401
from ratecard.dbapi import sqlite_file
from ratecard.derive import tables as _anomalies  # noqa: F401
from ratecard.locations import head_revision, resolve_url
from ratecard.registry import tables as _checks  # noqa: F401

# Every table must be registered on the metadata before alembic compares or creates.
from ratecard.runs import tables as _runs  # noqa: F401
from ratecard.snapshots import tables as _spans  # noqa: F401

if TYPE_CHECKING:
    from alembic.config import Config

metadata = SQLModel.metadata


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL; None for other backends and in-memory databases."""
    return sqlite_file(url)


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


def open_db(db: str | None) -> Engine:
    """Engine for ``db`` with the schema up to date."""
    engine = make_engine(resolve_url(db))
    migrate(engine)
    return engine


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
