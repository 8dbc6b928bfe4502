"""The `ratecard` command: one module per command or command group, loaded only when called.

``ratecard prices`` imports ``ratecard.commands.prices`` and what it needs, nothing else; the
listing in ``ratecard --help`` loads every module (help is not where users wait). ``ratecard
--version`` answers before typer is even imported, and the Typer ``app`` is built on first use.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from ratecard import __version__

if TYPE_CHECKING:
    import typer

COMMANDS: dict[str, str] = {
    "run": "run",
    "demo": "demo",
    "schedule": "schedule",
    "prices": "prices",
    "history": "history",
    "changes": "changes",
    "runs": "runs",
    "vendors": "vendors",
    "crosscheck": "review",
    "flags": "review",
    "accept": "review",
    "confirm-removed": "review",
    "cost": "cost",
    "breakeven": "breakeven",
    "export": "export",
    "reparse": "reparse",
    "backfill": "backfill",
    "raw": "raw",
    "serve": "serve",
}
"""Command name -> module of ``ratecard.commands`` defining it (a module's ``app`` named like the
command is a group of its own, e.g. ``raw``)."""


def load(name: str) -> Any:
    """The click command ``name``, from its module's Typer app."""
    import typer

    module = importlib.import_module(f"ratecard.commands.{COMMANDS[name]}")
    sub: typer.Typer = module.app
    group = typer.main.get_group(sub)
    if sub.info.name == name:
        group.name = name
        return group
    return group.commands[name]


def build() -> typer.Typer:
    """The root Typer app, its commands loaded lazily by name."""
    import typer
    from typer.core import TyperGroup

    class LazyGroup(TyperGroup):
        """A group whose commands are imported on first use."""

        def list_commands(self, ctx: Any) -> list[str]:
            return [*COMMANDS, *(c for c in super().list_commands(ctx) if c not in COMMANDS)]

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            if cmd_name in COMMANDS:
                return load(cmd_name)
            return super().get_command(ctx, cmd_name)

    root = typer.Typer(
        name="ratecard",
        cls=LazyGroup,
        help="An audited, day-by-day record of what LLM APIs cost.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="markdown",
    )

    def _version(value: bool) -> None:
        if value:
            typer.echo(f"ratecard {__version__}")
            raise typer.Exit()

    @root.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ) -> None:
        """An audited, day-by-day record of what LLM APIs cost."""

    return root


_APP: list[typer.Typer] = []


def __getattr__(name: str) -> Any:
    """``ratecard.cli.app``, built when first asked for (tests and embedders import it)."""
    if name != "app":
        raise AttributeError(f"module 'ratecard.cli' has no attribute {name!r}")
    if not _APP:
        _APP.append(build())
    return _APP[0]


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"ratecard {__version__}\n")
        return
    __getattr__("app")()
