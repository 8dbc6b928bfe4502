"""The read path's database access: plain DB-API (sqlite3, psycopg), no ORM.

Query commands, the RateBook and the HTTP server only read. SQLAlchemy and SQLModel take about half
a second to import, longer than the whole answer should take, so reads go through this small
layer instead. Every stage's read SQL is written once, with ``:name`` parameters, and runs here
or, on the write path, inside a SQLAlchemy session (:class:`SessionReader`), so both see the same
rows. Values come back as the driver gives them; :func:`as_date`, :func:`as_datetime` and
:func:`as_decimal` make them one type whatever the backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from sqlmodel import Session

Row = dict[str, Any]
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


class DatabaseMissing(LookupError):
    """A read was asked of a database that does not exist (reads never create one)."""


class Reader(Protocol):
    """Runs read-only SQL with ``:name`` parameters and returns rows as dicts."""

    dialect: str

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...


def expand(sql: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``col IN :ids`` with a list value -> ``col IN (:ids_0, :ids_1)``; an empty list matches nothing."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, list | tuple | set | frozenset):
            items = list(value)
            names = [f"{name}_{i}" for i in range(len(items))]
            placeholder = "(" + ", ".join(f":{n}" for n in names) + ")" if names else "(NULL)"
            sql = re.sub(rf":{name}\b", placeholder, sql)
            out.update(zip(names, items, strict=True))
        else:
            out[name] = value
    return sql, out


class _Sqlite:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        import sqlite3

        if not path.is_file():
            raise DatabaseMissing(f"no database at {path} (run `ratecard run` or `ratecard demo` first)")
        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA busy_timeout=30000")

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text, values = expand(sql, params or {})
        return [dict(r) for r in self._conn.execute(text, values).fetchall()]

    def close(self) -> None:
        self._conn.close()


class _Postgres:
    dialect = "postgresql"

    def __init__(self, conninfo: str) -> None:
        import psycopg
        from psycopg.rows import dict_row

        self._conn = psycopg.connect(conninfo, row_factory=dict_row, autocommit=True)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text, values = expand(sql, params or {})
        text = _PARAM.sub(r"%(\1)s", text.replace("%", "%%"))
        with self._conn.cursor() as cur:
            cur.execute(text.encode(), values)
            return list(cur.fetchall()) if cur.description else []

    def close(self) -> None:
        self._conn.close()


class SessionReader:
    """The same reads inside a SQLAlchemy session (the write path's transaction)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.dialect = session.get_bind().dialect.name

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        from sqlalchemy import text

        query, values = expand(sql, params or {})
        self._session.flush()  # see the transaction's own pending writes (a plain read skips autoflush)
        return [dict(r._mapping) for r in self._session.connection().execute(text(query), values)]


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (None for other backends and in-memory databases)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("sqlite"):
        return None
    path = unquote(url.split("://", 1)[1])[1:] if "://" in url else ""
    return Path(path.split("?", 1)[0]) if path and path != ":memory:" else None


def postgres_conninfo(url: str) -> str:
    """``postgresql+psycopg://u@h/db`` (SQLAlchemy's form) as libpq connection URI."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith("postgresql"):
        raise ValueError(f"not a PostgreSQL URL: {scheme}://")
    return f"postgresql://{rest}"


Connection = _Sqlite | _Postgres
"""An open read-only connection (close it when done)."""


def connect(url: str) -> Connection:
    """A read-only connection for a database URL; never creates a database."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.startswith("sqlite"):
        path = sqlite_file(url)
        if path is None:
            raise ValueError(f"{url!r}: an in-memory database has nothing to read")
        return _Sqlite(path)
    if scheme.startswith("postgresql"):
        return _Postgres(postgres_conninfo(url))
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql+psycopg://...")


def as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: object) -> datetime:
    """Aware UTC: databases hand back naive UTC (or ISO text on SQLite)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_decimal(value: object) -> Decimal | None:
    """Exact money whatever the column type (canonical text on SQLite, NUMERIC on PostgreSQL)."""
    if value is None:
        return None
    from ratecard.money import from_text

    return from_text(str(value))


def maybe(convert: Any, value: object) -> Any:
    return None if value is None else convert(value)


def placeholders(values: Iterable[object]) -> Sequence[object]:
    return list(values)
