"""One run at a time per database: a file lock for SQLite, an advisory lock for PostgreSQL.

Both die with the process that holds them, so a crashed run never blocks the next night.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text

from ratecard.dbapi import sqlite_file as sqlite_path

#: PostgreSQL advisory lock key: a stable 63-bit number derived from the name.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"ratecard-run").digest()[:8], "big") >> 1
_memory_lock = threading.Lock()


class LockHeld(Exception):
    """Another ratecard run holds this database's lock."""


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockHeld(f"another ratecard run holds {path} ({holder})") from exc
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
        except OSError as exc:  # a full disk: name the file, not "the data directory"
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        yield
    finally:
        try:
            handle.close()  # closing releases the flock
        except OSError as exc:  # the pid line could not be flushed (a full disk)
            raise OSError(exc.errno, exc.strerror, str(path)) from exc


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
        conn.commit()
        if not got:
            raise LockHeld(f"another ratecard run holds the advisory lock on {engine.url.render_as_string()}")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            conn.commit()


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """Hold the run lock for the duration of the block, or raise :class:`LockHeld` at once."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        if not _memory_lock.acquire(blocking=False):
            raise LockHeld("another ratecard run holds this in-memory database")
        try:
            yield
        finally:
            _memory_lock.release()
        return
    with _file_lock(path.with_name(path.name + ".lock")):
        yield
