"""`ratecard changes`: the audit changelog."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ratecard.commands.common import (
    ConfigOpt,
    CsvRawOpt,
    DbOpt,
    FormatOpt,
    VendorsOpt,
    command_app,
    known_vendors,
    parse_date,
    reader,
    settings,
)
from ratecard.output import Format, emit

app = command_app()


class ChangeKind(StrEnum):
    """What an audit row says happened (the changelog's vocabulary)."""

    model_added = "model_added"
    model_removed = "model_removed"
    added = "added"
    removed = "removed"
    changed = "changed"
    status = "status"
    correction = "correction"
    scheduled = "scheduled"
    withdrawn = "withdrawn"


@app.command("changes")
def changes(
    since: Annotated[str | None, typer.Option("--since", help="Only changes on or after YYYY-MM-DD.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only changes on or before YYYY-MM-DD.")
    ] = None,
    vendor: VendorsOpt = None,
    model: Annotated[str | None, typer.Option("--model", help="Only this model id.")] = None,
    kind: Annotated[
        list[ChangeKind] | None, typer.Option("--kind", help="Only these kinds of change (repeatable).")
    ] = None,
    include_superseded: Annotated[
        bool,
        typer.Option("--include-superseded", help="Also rows a reparse found were parser artefacts."),
    ] = False,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The audit changelog: every difference between consecutive snapshots, and corrections.

    Kinds: model_added, model_removed, added, removed, changed (a price moved), status (same price,
    another status), correction (a reparse read a stored page differently), scheduled and withdrawn
    (a price the page announces for a later day, dated when it takes effect).
    """
    from ratecard import readmodel
    from ratecard.rows import ChangeRow

    first = parse_date(since, "--since") if since else None
    last = parse_date(until, "--until") if until else None
    vendors = known_vendors(settings(config), vendor)
    kinds = [k.value for k in kind] if kind else None
    with reader(db) as r:
        rows = readmodel.changes(r, first, vendors, model, None, include_superseded, last, kinds)
    emit(sys.stdout, rows, fmt, ChangeRow, title="changes", csv_raw=csv_raw)
