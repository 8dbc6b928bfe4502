"""`ratecard cost`: the price of one request at the rates in force when it was made."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from ratecard.commands.common import ConfigOpt, DbOpt, command_app, fail, reader, settings
from ratecard.exports.formats import CostFormat
from ratecard.outcome import EXIT_USAGE

app = command_app()


def parse_moment(value: str | None) -> datetime:
    """``--at``: an ISO date or date-time; without a zone it is UTC; default now."""
    if value is None:
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO date or date-time", param_hint="--at") from exc


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
    from ratecard import safe, tiers
    from ratecard.costing import CostError, Request, day_of, model_rows, price
    from ratecard.money import to_text
    from ratecard.output import to_json, write_table

    moment = parse_moment(at)
    day = day_of(moment)
    cfg = settings(config)
    request = Request(input_tokens, output_tokens, cached_input_tokens)
    try:
        with reader(db) as r:
            vendor, found, rows = model_rows(r, model, day, cfg.stale_after, tier or tiers.STANDARD)
        result = price(rows, request, f"{vendor}/{found}", tier)
    except CostError as exc:
        raise fail(f"Error: {exc}", EXIT_USAGE) from exc
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
        sys.stdout.write(to_json(answer) + "\n")
        return
    write_table(
        sys.stdout, result["lines"], ["field", "tier", "tokens", "usd_per_mtok", "usd"], f"{vendor}/{found}"
    )
    lines = [f"total_usd {to_text(result['total_usd'])} at the {result['tier']}-tier rates of {day}"]
    lines += [
        f"{u.field} ({u.tier}): {u.status} since {u.since}, {u.source_url}" for u in result["rates_used"]
    ]
    lines += [f"note: {n}" for n in result["notes"]]
    sys.stdout.write("".join(safe.visible(line) + "\n" for line in lines))
