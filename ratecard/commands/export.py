"""`ratecard export`: the rates of a date for other tools (a query path: no Scrapy, no litellm)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ratecard.commands.common import (
    AsOfOpt,
    ConfigOpt,
    CsvRawOpt,
    DbOpt,
    VendorsOpt,
    command_app,
    fail,
    known_vendors,
    parse_date,
    reader,
    settings,
)
from ratecard.exports.formats import ExportFormat
from ratecard.outcome import EXIT_CONFIG

app = command_app()


@app.command("export")
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="json, csv, litellm or genai-prices (with history)."),
    ],
    as_of: AsOfOpt = None,
    vendor: VendorsOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE, not stdout.")] = None,
    verified_only: Annotated[
        bool,
        typer.Option("--verified-only", help="Leave out inferred and stale rates (every format)."),
    ] = False,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Rates of a date for other tools: rows with provenance, LiteLLM's map, genai-prices' data.

    By default inferred rates (derived from a documented convention, or converted from another
    currency) and stale ones (the vendor not re-verified lately) are included and marked:
    json/csv in each row's status and reason, litellm in each entry's ratecard_status (field ->
    "verified" or "inferred: why"), genai-prices in each model's price_comments.
    --verified-only leaves them out.

    Prices are exact decimals in every format but litellm: LiteLLM's format holds USD per token
    as JSON floats, so that export writes floats (the nearest float to each exact rate). Its
    entries are keyed by our model id and also by the LiteLLM key the latest cross-check
    matched (claude-3-5-haiku-20241022), so merging the file overrides LiteLLM's own entry.
    """
    from ratecard.exports.render import render

    day = parse_date(as_of, "--as-of")
    cfg = settings(config)
    vendors = known_vendors(cfg, vendor)
    try:
        with reader(db) as r:
            result = render(r, fmt, day, vendors, cfg, verified_only, csv_raw)
    except ValueError as exc:  # two vendors claim one LiteLLM key: a configuration problem
        raise fail(f"Error: {exc}", EXIT_CONFIG) from exc
    for note in result.notes:
        sys.stderr.write(f"note: {note}\n")
    if output is None:
        sys.stdout.write(result.text)
    else:
        output.write_text(result.text, encoding="utf-8")
        sys.stderr.write(f"wrote {fmt} export as of {day} to {output}\n")
