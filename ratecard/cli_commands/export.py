"""Export and cost commands: the store for other tools, and the price of one request.

Both are query paths: they import neither Scrapy nor litellm.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ratecard.cli_commands.common import (
    AsOfOpt,
    ConfigOpt,
    DbOpt,
    VendorOpt,
    console,
    engine,
    errors,
    parse_date,
    settings,
)
from ratecard.exports.formats import CostFormat, ExportFormat
from ratecard.outcome import EXIT_CONFIG, EXIT_USAGE
from ratecard.output import table, to_json
from ratecard.snapshots.money import to_text


def parse_moment(value: str | None) -> datetime:
    """``--at``: an ISO date or date-time; without a zone it is UTC; default now."""
    if value is None:
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO date or date-time", param_hint="--at") from exc


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        fmt: Annotated[
            ExportFormat,
            typer.Option("--format", "-f", help="json, csv, litellm or genai-prices (with history)."),
        ],
        as_of: AsOfOpt = None,
        vendor: VendorOpt = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write to FILE, not stdout.")
        ] = None,
        verified_only: Annotated[
            bool,
            typer.Option("--verified-only", help="Leave out inferred and stale rates (every format)."),
        ] = False,
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
        from ratecard.db import session
        from ratecard.exports.render import render

        day = parse_date(as_of, "--as-of")
        cfg = settings(config)
        try:
            with session(engine(db)) as s:
                result = render(s, fmt, day, vendor, cfg, verified_only)
        except ValueError as exc:  # two vendors claim one LiteLLM key: a configuration problem
            errors().print(f"Error: {exc}", markup=False, highlight=False)
            raise typer.Exit(EXIT_CONFIG) from exc
        for note in result.notes:
            errors().print(f"note: {note}", markup=False, highlight=False)
        if output is None:
            console().file.write(result.text)
        else:
            output.write_text(result.text, encoding="utf-8")
            errors().print(f"wrote {fmt} export as of {day} to {output}", markup=False, highlight=False)

    @app.command("cost")
    def cost(
        model: Annotated[str, typer.Argument(help="VENDOR/MODEL or a model id.")],
        input_tokens: Annotated[int, typer.Option("--input-tokens", min=0, help="Input tokens not cached.")],
        output_tokens: Annotated[int, typer.Option("--output-tokens", min=0, help="Output tokens.")],
        cached_input_tokens: Annotated[
            int, typer.Option("--cached-input-tokens", min=0, help="Input tokens read from the cache.")
        ] = 0,
        at: Annotated[
            str | None, typer.Option("--at", help="When the request was made (ISO; default now, UTC).")
        ] = None,
        tier: Annotated[
            str | None,
            typer.Option(
                "--tier",
                help="Price at this tier (service=flex, service=priority, context>200k, ...). Default: "
                "the context>Nk tier whose threshold the request's input (input + cached) exceeds, "
                "else standard.",
            ),
        ] = None,
        fmt: Annotated[CostFormat, typer.Option("--format", "-f", help="table or json.")] = CostFormat.table,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """The price of one request at the rates in force when it was made, with the rates used.

        A long request is billed as its vendor bills it: when all its input tokens, cached ones
        included, exceed a context>Nk threshold, every token is charged at that tier's rates.
        A field the tier lacks is charged at the standard rate; the notes say so.
        """
        from ratecard import tiers
        from ratecard.db import session
        from ratecard.exports.cost import CostError, Request, day_of, model_rows, price

        moment = parse_moment(at)
        day = day_of(moment)
        cfg = settings(config)
        stale_after = {v.id: v.stale_after_days for v in cfg.vendors.values()}
        request = Request(input_tokens, output_tokens, cached_input_tokens)
        try:
            with session(engine(db)) as s:
                vendor, found, rows = model_rows(s, model, day, stale_after, tier or tiers.STANDARD)
            result = price(rows, request, f"{vendor}/{found}", tier)
        except CostError as exc:
            errors().print(f"Error: {exc}", markup=False, highlight=False)
            raise typer.Exit(EXIT_USAGE) from exc
        answer = {
            "vendor": vendor,
            "model": found,
            "at": moment,
            "snapshot_date": day,
            "tier": result["tier"],
            "input_tokens": input_tokens,
            "cached_input_tokens": cached_input_tokens,
            "output_tokens": output_tokens,
            **result,
        }
        if fmt is CostFormat.json:
            console().file.write(to_json(answer) + "\n")
            return
        out = console()
        columns = ["field", "tier", "tokens", "usd_per_mtok", "usd"]
        out.print(table(result["lines"], columns, f"{vendor}/{found}"))
        total = f"total_usd {to_text(result['total_usd'])} at the {result['tier']}-tier rates of {day}"
        out.print(total, markup=False, highlight=False)
        for r in result["rates_used"]:
            line = f"{r['field']} ({r['tier']}): {r['status']} since {r['since']}, {r['source_url']}"
            out.print(line, markup=False, highlight=False)
        for note in result["notes"]:
            out.print(f"note: {note}", markup=False, highlight=False)
