"""What every request shares: the database URL, the settings and a small pool of read connections.

Opening a PostgreSQL connection costs more than the queries of one answer, so connections are
kept and reused; SQLite's are cheap but keeping them avoids re-reading the schema. The pool only
bounds how many readers are out at once (the request threads wait for one); a connection that
failed inside the driver is closed rather than handed to the next request.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Protocol

from ratecard import __version__
from ratecard.config.settings import Settings
from ratecard.db_read import revision
from ratecard.dbapi import DatabaseMissing, Reader, connect
from ratecard.locations import head_revision
from ratecard.server.pricing import Pricer

POOL_SIZE = 4
"""Connections per worker process: enough to keep two cores busy, few enough for a small PostgreSQL."""


class Connection(Reader, Protocol):
    def close(self) -> None: ...


def today() -> date:
    """The UTC day: what "now" means for every answer that has no ``as_of``."""
    return datetime.now(UTC).date()


def broken(exc: BaseException) -> bool:
    """True for an error raised by the database driver (the connection may be unusable after it),
    False for the routes' own errors (an unknown model must not cost a connection)."""
    return type(exc).__module__.split(".")[0] in {"sqlite3", "psycopg", "_sqlite3"}


class Pool:
    """At most ``size`` read-only connections to one database, opened on first need and reused."""

    def __init__(self, url: str, size: int = POOL_SIZE) -> None:
        self.url = url
        self._idle: queue.LifoQueue[Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A connection for the duration of one answer; waits while all are in use."""
        with self._slots:
            try:
                conn: Connection = self._idle.get_nowait()
            except queue.Empty:
                conn = connect(self.url)
            try:
                yield conn
            except BaseException as exc:
                if broken(exc):
                    conn.close()
                    raise
                self._idle.put(conn)
                raise
            self._idle.put(conn)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def check_schema(url: str) -> None:
    """Refuse a database that holds no ratecard data or whose schema is not this version's.

    The server never migrates (it may run as a read-only role): the writer (``ratecard run``)
    brings the schema to head first. Raises :class:`DatabaseMissing` with what to do.
    """
    conn = connect(url)
    try:
        found = revision(conn)
    finally:
        conn.close()
    if found is None:
        raise DatabaseMissing(f"{url} holds no ratecard data (run `ratecard run` or `ratecard demo` first)")
    if found != head_revision():
        raise DatabaseMissing(
            f"{url} is at schema revision {found}, this ratecard reads {head_revision()}: let the writer "
            "migrate it first (any `ratecard run`, or `ratecard runs --db URL` with the writer's login)"
        )


def fingerprint(settings: Settings) -> str:
    """A short digest of what shapes answers besides the data: the code's version, the settings and
    the installed litellm (the LiteLLM feed's base when no run fetched one).

    Part of every ETag, so a restart with another configuration never answers 304 for old bytes.
    """
    try:
        litellm = version("litellm")
    except PackageNotFoundError:
        litellm = "none"
    return hashlib.sha256(f"{__version__}|{settings!r}|{litellm}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Served:
    """The one object the routes get: where to read, how to judge staleness, how to tag answers."""

    url: str
    settings: Settings
    pool: Pool
    fingerprint: str
    raw: Path
    """The raw store the runs keep fetched bodies in (:func:`ratecard.locations.raw_dir`); read only."""
    pricer: Pricer = field(init=False)
    """The process's RateBook for ``POST /cost`` (reloaded after each run)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "pricer", Pricer(self.settings))
