"""Options and edge helpers shared by the command modules: config and database are opened here only.

Each command module builds its ``app`` with :func:`command_app` and imports what it needs inside
its command functions, so ``ratecard X`` loads only X's dependencies.
"""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from ratecard.outcome import EXIT_CONFIG, EXIT_STORAGE, EXIT_USAGE
from ratecard.output import Format

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

    from ratecard.config.settings import Settings
    from ratecard.dbapi import Reader
    from ratecard.resolve import Catalog, Resolved

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL; else $RATECARD_DB, else an SQLite file in the user data dir."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="TOML file merged over the bundled config; else $RATECARD_CONFIG."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Date YYYY-MM-DD to answer for (default: today, UTC).")
]
VendorOpt = Annotated[str | None, typer.Option("--vendor", help="Only this vendor id.")]
VendorsOpt = Annotated[list[str] | None, typer.Option("--vendor", help="Only this vendor id (repeatable).")]
CsvRawOpt = Annotated[
    bool,
    typer.Option(
        "--csv-raw",
        help="CSV: write text cells exactly as stored. By default a cell starting with = + - @ TAB or CR "
        "gets a leading ' so spreadsheets never run it as a formula.",
    ),
]


def command_app(**kwargs: Any) -> typer.Typer:
    """A command module's Typer app, configured like the root one."""
    return typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="markdown", **kwargs
    )


def console() -> Console:
    """Stdout for rich output; piped output gets a wide page so tables are not folded."""
    from rich.console import Console

    return Console(file=sys.stdout, soft_wrap=True, width=None if sys.stdout.isatty() else 240)


def errors() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, soft_wrap=True)


def fail(message: str, code: int) -> typer.Exit:
    """Print one plain line on stderr (never markup) and return the exit to raise."""
    from ratecard import safe

    sys.stderr.write(safe.message(message) + "\n")
    return typer.Exit(code)


def today() -> date:
    return datetime.now(UTC).date()


def parse_date(value: str | None, option: str) -> date:
    if value is None:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=option) from exc


def settings(config: Path | None) -> Settings:
    from ratecard.config.settings import ConfigError, load

    try:
        return load(config)
    except ConfigError as exc:
        raise fail(f"configuration error: {exc}", EXIT_CONFIG) from exc


def database_url(db: str | None) -> str:
    """``--db`` (else $RATECARD_DB, else the default file) checked: a bad URL is one line, exit 78."""
    from ratecard.locations import resolve_url

    try:
        return resolve_url(db)
    except ValueError as exc:
        raise fail(f"database: {exc}", EXIT_CONFIG) from exc


def engine(db: str | None) -> Engine:
    """The write path's engine, schema migrated to head (a bad URL: one line, exit 78)."""
    from ratecard.db import open_db
    from ratecard.locations import resolve_url

    try:
        resolve_url(db)
    except ValueError as exc:
        raise fail(f"database: {exc}", EXIT_CONFIG) from exc
    return open_db(db)


@contextmanager
def reader(db: str | None) -> Iterator[Reader]:
    """The read path: a plain DB-API connection (no ORM), schema checked, never creating a database.

    A missing database or an unusable URL is one line and exit 78, never a traceback.
    """
    from ratecard.db_read import connect_reader
    from ratecard.dbapi import DatabaseMissing

    try:
        conn = connect_reader(db)
    except DatabaseMissing as exc:
        raise fail(str(exc), EXIT_CONFIG) from exc
    except ValueError as exc:
        raise fail(f"database: {exc}", EXIT_CONFIG) from exc
    try:
        yield conn
    finally:
        conn.close()


_STORAGE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO}


@contextmanager
def storage_errors(url: str | None) -> Iterator[None]:
    """A database, lock file or raw store that cannot be written: one line naming the path and the
    fix, exit 74 — never a traceback, never exit 1 (which means "a vendor failed")."""
    from ratecard.crawler.rawstore import RawStoreError

    try:
        yield
    except RawStoreError as exc:
        raise fail(
            f"cannot write the {exc.strerror} (check free space and permissions)", EXIT_STORAGE
        ) from exc
    except OSError as exc:
        if exc.errno not in _STORAGE_ERRNOS:
            raise
        where = exc.filename or "the data directory"
        raise fail(
            f"cannot write {where}: {exc.strerror} (check free space and permissions)", EXIT_STORAGE
        ) from exc
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "sqlalchemy" or not hasattr(exc, "orig"):
            raise
        detail = str(exc.orig).splitlines()[0] if str(exc.orig) else type(exc.orig).__name__
        raise fail(f"cannot use the database {_shown(url)}: {detail}", EXIT_STORAGE) from exc


F = TypeVar("F", bound=Callable[..., Any])


def writes_storage(command: F) -> F:
    """Mark a command that writes the database, lock or raw store: storage faults exit 74 (see
    :func:`storage_errors`), with the command's own ``--db`` in the message."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with storage_errors(kwargs.get("db")):
            return command(*args, **kwargs)

    return cast(F, guarded)


def _shown(url: str | None) -> str:
    """The database URL without its password."""
    from ratecard.locations import resolve_url

    try:
        found = resolve_url(url)
    except ValueError:
        return str(url)
    scheme, sep, rest = found.partition("://")
    creds, at, host = rest.rpartition("@")
    if at and ":" in creds:
        return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"
    return found


def known_vendors(cfg: Settings, vendors: Sequence[str] | None, option: str = "--vendor") -> list[str] | None:
    """The ``--vendor`` values if all configured (case-insensitive); else a usage error naming them."""
    if not vendors:
        return None
    out = []
    for vendor in vendors:
        found = vendor if vendor in cfg.vendors else vendor.lower()
        if found not in cfg.vendors:
            known = ", ".join(sorted(cfg.vendors))
            raise fail(f"{option}: unknown vendor {vendor!r}; configured: {known}", EXIT_USAGE)
        out.append(found)
    return out


def known_vendor(cfg: Settings, vendor: str | None) -> str | None:
    found = known_vendors(cfg, [vendor] if vendor else None)
    return found[0] if found else None


def exit_usage(message: str) -> typer.Exit:
    return fail(message, EXIT_USAGE)


def _catalog(r: Reader, cfg: Settings, vendors: Collection[str] | None) -> Catalog:
    from ratecard.resolve import Catalog
    from ratecard.snapshots import read as snapshots

    aliases = {v: c.aliases for v, c in cfg.vendors.items()}
    return Catalog(snapshots.models(r, vendors), aliases)


def resolve_model(r: Reader, cfg: Settings, vendors: Collection[str] | None, name: str) -> Resolved:
    """The one model ``name`` means, by the rules ``cost`` and ``breakeven`` use
    (:mod:`ratecard.resolve`); an unknown or ambiguous name is one usage error naming the
    candidates or suggestions. A name resolved by alias or suffix is said on stderr."""
    from ratecard import safe
    from ratecard.resolve import AmbiguousModel, UnknownModel

    try:
        found = _catalog(r, cfg, vendors).resolve(name)
    except (UnknownModel, AmbiguousModel) as exc:
        raise fail(f"Error: {exc}", EXIT_USAGE) from exc
    if found.rule not in ("vendor/id", "exact id"):
        sys.stderr.write(safe.visible(f"note: {name!r} is {found.ref} (by {found.rule})") + "\n")
    return found


def unknown_model(r: Reader, cfg: Settings, vendors: Collection[str] | None, part: str) -> None:
    """When no model id contains ``part`` on any day, the usage error ``no model matches``, with
    suggestions; when one does, nothing (the date simply has no rates for it)."""
    from ratecard.resolve import UnknownModel

    catalog = _catalog(r, cfg, vendors)
    if any(part.lower() in model.lower() for _, model in catalog.known):
        return
    raise fail(f"Error: {UnknownModel(part, catalog.suggest(part.lower()))}", EXIT_USAGE)
