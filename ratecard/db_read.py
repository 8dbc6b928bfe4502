"""Opening the read path: a DB-API connection whose schema is at head, never a new database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ratecard.dbapi import Connection, DatabaseMissing, Reader, connect
from ratecard.locations import head_revision, resolve_url


def revision(db: Reader) -> str | None:
    """The schema's alembic revision; None when the database has no ratecard schema."""
    try:
        found = db.rows("SELECT version_num FROM alembic_version")
    except Exception:  # no such table: the driver's own error class, whichever backend
        return None
    return str(found[0]["version_num"]) if found else None


def connect_reader(db: str | None) -> Connection:
    """A reader for ``db`` (URL, else the configured default). A database behind the code's schema is
    migrated first (the one case that loads the ORM); a missing one is :class:`DatabaseMissing`."""
    url = resolve_url(db)
    conn = connect(url)
    found = revision(conn)
    if found == head_revision():
        return conn
    conn.close()
    if found is None:
        hint = "run `ratecard run` or `ratecard demo` first"
        raise DatabaseMissing(f"{url} holds no ratecard data ({hint})")
    from ratecard.db import open_db

    open_db(url).dispose()
    return connect(url)


@contextmanager
def open_reader(db: str | None) -> Iterator[Reader]:
    conn = connect_reader(db)
    try:
        yield conn
    finally:
        conn.close()
