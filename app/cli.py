"""The `ratecard` command: one module per command group, composed here."""

from __future__ import annotations

import typer

from ratecard.cli_commands import archive, audit, breakeven, export, query, reparse, run, schedule

app = typer.Typer(
    name="ratecard",
    help="An audited, day-by-day record of what LLM APIs cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (run, query, audit, breakeven, schedule, export, reparse, archive):
    module.register(app)


def main() -> None:
    app()
