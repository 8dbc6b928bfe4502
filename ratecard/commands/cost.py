"""`ratecard cost`: the price of one request at the rates in force when it was made (the RateBook)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ratecard.commands.common import ConfigOpt, DbOpt, command_app, fail
from ratecard.exports.formats import CostFormat
from ratecard.outcome import EXIT_CONFIG, EXIT_USAGE

if TYPE_CHECKING:
    from ratecard.costing import Quote

app = command_app()


class ServiceTier(StrEnum):
    batch = "batch"
    flex = "flex"
    priority = "priority"


class SearchContext(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


def parse_moment(value: str | None) -> datetime:
    """``--at``: an ISO date or date-time; without a zone it is UTC; default now."""
    if value is None:
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO date or date-time", param_hint="--at") from exc


def amount(value: str | None, option: str) -> Decimal:
    """A non-negative exact amount (seconds and minutes may be fractional)."""
    if value is None:
        return Decimal(0)
    try:
        found = Decimal(value)
    except InvalidOperation as exc:
        raise typer.BadParameter(f"{value!r} is not a number", param_hint=option) from exc
    if not found.is_finite() or found < 0:
        raise typer.BadParameter(f"{value!r} must be a non-negative number", param_hint=option)
    return found


def _count(name: str, help: str) -> Any:
    return typer.Option(name, min=0, help=help)


@app.command("cost")
def cost(
    model: Annotated[str, typer.Argument(help="VENDOR/MODEL, a model id, a unique suffix or an alias.")],
    input_tokens: Annotated[
        int, _count("--input-tokens", "Input tokens neither cached nor cache-written.")
    ] = 0,
    output_tokens: Annotated[int, _count("--output-tokens", "Output tokens (reasoning included).")] = 0,
    reasoning_tokens: Annotated[
        int, _count("--reasoning-tokens", "Reasoning tokens a vendor prices apart from output.")
    ] = 0,
    citation_tokens: Annotated[int, _count("--citation-tokens", "Citation tokens (Perplexity).")] = 0,
    cached_input_tokens: Annotated[
        int, _count("--cached-input-tokens", "Input tokens read from the cache.")
    ] = 0,
    cache_write_5m_tokens: Annotated[
        int, _count("--cache-write-5m-tokens", "Tokens written to a 5m cache.")
    ] = 0,
    cache_write_1h_tokens: Annotated[
        int, _count("--cache-write-1h-tokens", "Tokens written to a 1h cache.")
    ] = 0,
    images: Annotated[int, _count("--images", "Images generated (priced per image).")] = 0,
    image_size: Annotated[
        str | None, typer.Option("--image-size", help="Image size or resolution tier, e.g. 1024x1024, 1k.")
    ] = None,
    image_quality: Annotated[str | None, typer.Option("--image-quality", help="low, medium, high...")] = None,
    seconds: Annotated[str | None, typer.Option("--seconds", help="Seconds of audio or video.")] = None,
    video_resolution: Annotated[
        str | None, typer.Option("--video-resolution", help="Resolution tier of per-second video prices.")
    ] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="Minutes of audio.")] = None,
    characters: Annotated[int, _count("--characters", "Characters of speech generated.")] = 0,
    requests: Annotated[int, _count("--requests", "Requests, for per-request fees.")] = 1,
    searches: Annotated[int, _count("--searches", "Web searches.")] = 0,
    search_context: Annotated[
        SearchContext | None, typer.Option("--search-context", help="Search context size of the fees.")
    ] = None,
    service_tier: Annotated[
        ServiceTier | None,
        typer.Option("--service-tier", help="batch (batch_* rates), flex or priority (service= tiers)."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When the request was made (ISO; default now, UTC).")
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier",
            help="Price at this tier (context>200k, context=long, service=flex, "
            "deployment=global;region=eastus2). Default: the context>Nk tier whose threshold the "
            "request's input (input + cached) exceeds, "
            "else standard (the vendor's configured tier where it has no plain rate).",
        ),
    ] = None,
    fmt: Annotated[CostFormat, typer.Option("--format", "-f", help="table or json.")] = CostFormat.table,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The price of one request at the rates in force when it was made, with the rates used.

    A long request is billed as its vendor bills it: when all its input tokens, cached ones
    included, exceed a context>Nk threshold, every token is charged at that tier's rates.
    A field the tier lacks is charged at the standard rate; the notes say so. A rate the request
    needs and the model lacks is an error naming it, never a lower total.
    """
    from ratecard.config.settings import ConfigError
    from ratecard.dbapi import DatabaseMissing
    from ratecard.ratebook import RateBook
    from ratecard.usage import Usage

    moment = parse_moment(at)
    try:
        usage = Usage(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            reasoning_tokens=reasoning_tokens,
            citation_tokens=citation_tokens,
            cache_read_tokens=cached_input_tokens,
            cache_write_5m_tokens=cache_write_5m_tokens,
            cache_write_1h_tokens=cache_write_1h_tokens,
            images=images,
            image_size=image_size,
            image_quality=image_quality,
            seconds=amount(seconds, "--seconds"),
            video_resolution=video_resolution,
            minutes=amount(minutes, "--minutes"),
            characters=characters,
            requests=requests,
            searches=searches,
            search_context=search_context.value if search_context else None,
            service_tier=service_tier.value if service_tier else None,
        )
        book = RateBook.open(db, config=config, recheck_s=None)  # lives for one answer: never rechecks
        quote = book.price(model, usage, moment, tier=tier)
    except ConfigError as exc:
        raise fail(f"configuration error: {exc}", EXIT_CONFIG) from exc
    except DatabaseMissing as exc:  # as every query command says it
        raise fail(str(exc), EXIT_CONFIG) from exc
    except (LookupError, ValueError) as exc:
        raise fail(f"Error: {exc}", EXIT_USAGE) from exc
    if fmt is CostFormat.json:
        from ratecard.costing import quote_record
        from ratecard.output import to_json

        sys.stdout.write(to_json(quote_record(quote, moment, usage)) + "\n")
        return
    write_quote(quote)


def write_quote(quote: Quote) -> None:
    from ratecard import safe
    from ratecard.costing import line_record, standing
    from ratecard.money import to_text
    from ratecard.output import write_table

    names = ["field", "tier", "quantity", "unit", "rate", "usd"]
    write_table(sys.stdout, [line_record(line) for line in quote.lines], names, quote.ref)
    lines = [f"total_usd {to_text(quote.total_usd)} at the {quote.tier}-tier rates of {quote.day}"]
    lines += [
        f"{u.field} ({u.tier}): {standing(u)} since {u.since}, {u.source_url}" for u in quote.rates_used
    ]
    lines += [f"note: {n}" for n in quote.notes]
    sys.stdout.write("".join(safe.visible(line) + "\n" for line in lines))
