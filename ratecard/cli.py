"""The `ratecard` command: one module per command group, composed here."""

from __future__ import annotations

from typing import Annotated

import typer

from ratecard import __version__
from ratecard.cli_commands import archive, audit, breakeven, export, query, reparse, run, schedule

app = typer.Typer(
    name="ratecard",
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


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """An audited, day-by-day record of what LLM APIs cost."""


for module in (run, query, audit, breakeven, schedule, export, reparse, archive):
    module.register(app)


def main() -> None:
    app()
