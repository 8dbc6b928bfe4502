"""`ratecard breakeven`: would a cheaper model, a fine-tune or self-hosting pay back?

This module only reads options, a scenario file and the rate source (the edges); the answer
comes from the pure :mod:`ratecard.breakeven` core.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ratecard.breakeven.chart import FORMATS, draw
from ratecard.breakeven.inputs import build
from ratecard.breakeven.options import InputError, text
from ratecard.breakeven.rates import RateSource
from ratecard.breakeven.report import to_json, to_table
from ratecard.breakeven.scenario import load, merge
from ratecard.commands.common import ConfigOpt, DbOpt, command_app, console, errors, today

_B, _C, _W, _K, _O = "Baseline", "Candidate", "Workload", "Costs", "Input and output"
_RATES_HELP = "USD/MTok by hand: input=3,output=15 or blended=15; cache_read, batch_input.."
_MODEL_HELP = "Model priced from snapshots; a bare MODEL id if one vendor lists it."
_NOT_SCENARIO = frozenset({"scenario", "ctx"})


def _opt(metavar: str, help: str, panel: str) -> Any:
    return typer.Option(metavar=metavar, help=help, rich_help_panel=panel, show_default=False)


def _flag(name: str, help: str) -> Any:
    return typer.Option(name, help=help, rich_help_panel=_C)


Text = str | None


app = command_app()


@app.command("breakeven")
def breakeven(
    ctx: typer.Context,
    baseline: Annotated[Text, _opt("VENDOR/MODEL", _MODEL_HELP, _B)] = None,
    baseline_rates: Annotated[Text, _opt("F=USD,..", _RATES_HELP, _B)] = None,
    batch_share: Annotated[Text, _opt("0..1", "Share sent at batch rates.", _B)] = None,
    candidate: Annotated[Text, _opt("VENDOR/MODEL", _MODEL_HELP, _C)] = None,
    candidate_rates: Annotated[Text, _opt("F=USD,..", "USD/MTok by hand, as above.", _C)] = None,
    fine_tune: Annotated[bool, _flag("--fine-tune", "A hosted fine-tune of --candidate.")] = False,
    training_tokens: Annotated[Text, _opt("N", "Training tokens per epoch.", _C)] = None,
    epochs: Annotated[Text, _opt("N", "Training epochs (default 1).", _C)] = None,
    training_rate: Annotated[Text, _opt("USD_PER_MTOK", "Overrides the snapshot's.", _C)] = None,
    self_host: Annotated[bool, _flag("--self-host", "Rented GPUs instead of an API.")] = False,
    gpu_hourly: Annotated[Text, _opt("USD", "Price of one GPU hour.", _C)] = None,
    gpus: Annotated[Text, _opt("N", "GPUs rented; more are priced if the volume needs them.", _C)] = None,
    tokens_per_second: Annotated[Text, _opt("N", "Throughput per GPU.", _C)] = None,
    gpu_hours_per_month: Annotated[Text, _opt("H", "Billed hours (default 730).", _C)] = None,
    requests_per_month: Annotated[Text, _opt("N", "Requests a month.", _W)] = None,
    input_tokens: Annotated[Text, _opt("N", "Uncached input tokens per request.", _W)] = None,
    output_tokens: Annotated[Text, _opt("N", "Output tokens per request.", _W)] = None,
    cached_input_tokens: Annotated[Text, _opt("N", "Cache-read tokens per request.", _W)] = None,
    tokens_per_month: Annotated[Text, _opt("N", "Tokens a month, at blended rates.", _W)] = None,
    output_share: Annotated[Text, _opt("0..1", "Output share of those tokens.", _W)] = None,
    monthly_growth: Annotated[Text, _opt("RATE", "Volume growth, 0.05 = +5 %/month.", _W)] = None,
    coverage: Annotated[Text, _opt("0..1", "Share the candidate can take.", _W)] = None,
    upfront: Annotated[Text, _opt("USD", "One-time: engineering, data, evals.", _K)] = None,
    monthly_fixed: Annotated[Text, _opt("USD", "Hosting, maintenance, evals.", _K)] = None,
    retrain_every: Annotated[Text, _opt("MONTHS", "Retraining interval.", _K)] = None,
    retrain_cost: Annotated[Text, _opt("USD", "Cost of one retraining.", _K)] = None,
    lifetime_months: Annotated[Text, _opt("N", "Upfront must pay back within.", _K)] = None,
    as_of: Annotated[Text, _opt("DATE", "Snapshot date for VENDOR/MODEL.", _O)] = None,
    scenario: Annotated[Path | None, _opt("FILE.toml", "These options in TOML.", _O)] = None,
    format: Annotated[
        Text,
        typer.Option(
            "--format", "-f", metavar="table|json", help="Output (default table).", rich_help_panel=_O
        ),
    ] = None,
    chart: Annotated[Text, _opt("FILE.png|FILE.svg", "Cumulative cost chart.", _O)] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Would fine-tuning, self-hosting or a cheaper model pay back against a baseline API?"""
    known = {p.name for p in ctx.command.params if p.name} - _NOT_SCENARIO
    try:
        given = {k: v for k, v in ctx.params.items() if k in known}
        opts = merge(load(scenario, known) if scenario else {}, given)
        _answer(opts)
    except (InputError, LookupError) as exc:
        errors().print(f"Error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    except NotImplementedError as exc:
        errors().print(f"Error: {exc}", markup=False)
        raise typer.Exit(1) from exc


def resolved(source: RateSource, name: str) -> str:
    """``vendor/id`` of the model ``name`` means, by the resolver's rules (UnknownModel/AmbiguousModel)."""
    from ratecard.rate_source import SnapshotRates

    return source.book.resolve(name).ref if isinstance(source, SnapshotRates) else name


def _answer(opts: dict[str, object]) -> None:
    output = text(opts, "format") or "table"
    if output not in {"table", "json"}:
        raise InputError(f"--format must be table or json, got {output!r}")
    chart = text(opts, "chart")
    if chart is not None and Path(chart).suffix.lower() not in FORMATS:
        raise InputError(f"--chart must name a .png or .svg file, got {chart!r}")
    db, config = text(opts, "db"), opts.get("config")

    opened: list[RateSource] = []

    def open_source() -> RateSource:
        if not opened:
            from ratecard.rate_source import open_rate_source  # the database only when a model is named

            opened.append(open_rate_source(db, None if config is None else Path(str(config))))
        return opened[0]

    from ratecard.dbapi import DatabaseMissing

    for side in ("baseline", "candidate"):  # one resolver for every command (ratecard.resolve)
        named = text(opts, side)
        if named is not None and text(opts, f"{side}_rates") is None:
            try:
                opts[side] = resolved(open_source(), named)
            except DatabaseMissing:
                break  # the question's own errors (a missing option) are reported first, then this
    result = build(opts, open_source, today()).answer()
    if output == "json":
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        console().print(to_table(result))
    if chart is not None:
        draw(result, Path(chart))
        errors().print(f"chart written to {chart}", markup=False)
