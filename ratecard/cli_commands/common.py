"""Options and edge helpers shared by the command modules (config and database are read here only)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from ratecard.config.settings import ConfigError, Settings, load
from ratecard.outcome import EXIT_CONFIG
from ratecard.output import Format

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


def console() -> Console:
    """Stdout; piped output gets a wide page so tables are not folded into unreadable columns."""
    return Console(file=sys.stdout, soft_wrap=True, width=None if sys.stdout.isatty() else 240)


def errors() -> Console:
    return Console(file=sys.stderr, soft_wrap=True)


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
    try:
        return load(config)
    except ConfigError as exc:
        errors().print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_CONFIG) from exc


def engine(db: str | None) -> Engine:
    from ratecard.db import open_db

    return open_db(db)


def known_vendor(cfg: Settings, vendor: str | None) -> str | None:
    """The ``--vendor`` value if configured; else a usage error naming the vendors that are."""
    if vendor is None or vendor in cfg.vendors:
        return vendor
    if vendor.lower() in cfg.vendors:
        return vendor.lower()
    raise typer.BadParameter(
        f"unknown vendor {vendor!r}; configured: {', '.join(sorted(cfg.vendors))}", param_hint="--vendor"
    )
