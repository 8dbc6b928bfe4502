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
from ratecard.breakeven.compute import evaluate
from ratecard.breakeven.inputs import build
from ratecard.breakeven.options import InputError, text
from ratecard.breakeven.rates import RateSource
from ratecard.breakeven.report import to_json, to_table
from ratecard.breakeven.scenario import load, merge
from ratecard.cli_commands.common import ConfigOpt, DbOpt, console, errors, today
from ratecard.rate_source import open_rate_source

_BASE, _CAND, _WORK, _COSTS, _OUT = "Baseline", "Candidate", "Workload", "Costs", "Input and output"
_NOT_SCENARIO = frozenset({"scenario", "ctx"})


def _opt(metavar: str, help: str, panel: str) -> Any:
    return typer.Option(metavar=metavar, help=help, rich_help_panel=panel, show_default=False)


Text = str | None


def register(app: typer.Typer) -> None:
    @app.command("breakeven")
    def breakeven(
        ctx: typer.Context,
        baseline: Annotated[
            Text, _opt("VENDOR/MODEL", "Baseline model, rates from snapshots.", _BASE)
        ] = None,
        baseline_rates: Annotated[
            Text,
            _opt(
                "F=USD,..",
                "Baseline USD/MTok by hand: input=3,output=15, blended=15, cache_read=.., batch_input=..",
                _BASE,
            ),
        ] = None,
        batch_share: Annotated[
            Text, _opt("0..1", "Share of baseline traffic at its batch rates.", _BASE)
        ] = None,
        candidate: Annotated[
            Text, _opt("VENDOR/MODEL", "Candidate model, rates from snapshots.", _CAND)
        ] = None,
        candidate_rates: Annotated[
            Text, _opt("F=USD,..", "Candidate USD/MTok by hand, same fields.", _CAND)
        ] = None,
        fine_tune: Annotated[
            bool,
            typer.Option(
                "--fine-tune",
                help="Candidate is a hosted fine-tune (tier variant=fine-tuned).",
                rich_help_panel=_CAND,
            ),
        ] = False,
        training_tokens: Annotated[Text, _opt("N", "Fine-tune training tokens per epoch.", _CAND)] = None,
        epochs: Annotated[Text, _opt("N", "Fine-tune epochs (default 1).", _CAND)] = None,
        training_rate: Annotated[
            Text, _opt("USD_PER_MTOK", "Training price; overrides the snapshot's.", _CAND)
        ] = None,
        self_host: Annotated[
            bool, typer.Option("--self-host", help="Candidate runs on rented GPUs.", rich_help_panel=_CAND)
        ] = False,
        gpu_hourly: Annotated[Text, _opt("USD", "Price of one GPU hour.", _CAND)] = None,
        gpus: Annotated[Text, _opt("N", "GPUs rented.", _CAND)] = None,
        tokens_per_second: Annotated[Text, _opt("N", "Throughput of one GPU, tokens/s.", _CAND)] = None,
        gpu_hours_per_month: Annotated[
            Text, _opt("H", "GPU hours billed a month (default 730).", _CAND)
        ] = None,
        requests_per_month: Annotated[Text, _opt("N", "Requests a month.", _WORK)] = None,
        input_tokens: Annotated[Text, _opt("N", "Uncached input tokens per request.", _WORK)] = None,
        output_tokens: Annotated[Text, _opt("N", "Output tokens per request.", _WORK)] = None,
        cached_input_tokens: Annotated[Text, _opt("N", "Cache-read input tokens per request.", _WORK)] = None,
        tokens_per_month: Annotated[
            Text, _opt("N", "Tokens a month, priced at blended rates.", _WORK)
        ] = None,
        output_share: Annotated[
            Text, _opt("0..1", "Output share of --tokens-per-month, to mix input/output rates.", _WORK)
        ] = None,
        monthly_growth: Annotated[Text, _opt("RATE", "Monthly volume growth, 0.05 = +5 %.", _WORK)] = None,
        coverage: Annotated[
            Text, _opt("0..1", "Share of the workload the candidate takes (default 1).", _WORK)
        ] = None,
        upfront: Annotated[
            Text, _opt("USD", "One-time cost: engineering, data, eval set-up.", _COSTS)
        ] = None,
        monthly_fixed: Annotated[
            Text, _opt("USD", "Monthly fixed cost: hosting, maintenance, evals.", _COSTS)
        ] = None,
        retrain_every: Annotated[Text, _opt("MONTHS", "Retraining interval.", _COSTS)] = None,
        retrain_cost: Annotated[Text, _opt("USD", "Cost of one retraining.", _COSTS)] = None,
        lifetime_months: Annotated[
            Text, _opt("N", "Months the upfront cost must pay back in.", _COSTS)
        ] = None,
        as_of: Annotated[Text, _opt("DATE", "Snapshot date for VENDOR/MODEL rates.", _OUT)] = None,
        scenario: Annotated[
            Path | None, _opt("FILE.toml", "TOML file holding these options; flags win.", _OUT)
        ] = None,
        format: Annotated[Text, _opt("table|json", "Output format (default table).", _OUT)] = None,
        chart: Annotated[Text, _opt("FILE.png|FILE.svg", "Draw cumulative costs with payback.", _OUT)] = None,
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


def _answer(opts: dict[str, object]) -> None:
    output = text(opts, "format") or "table"
    if output not in {"table", "json"}:
        raise InputError(f"--format must be table or json, got {output!r}")
    chart = text(opts, "chart")
    if chart is not None and Path(chart).suffix.lower() not in FORMATS:
        raise InputError(f"--chart must name a .png or .svg file, got {chart!r}")
    db, config = text(opts, "db"), opts.get("config")

    def open_source() -> RateSource:
        return open_rate_source(db, None if config is None else Path(str(config)))

    question = build(opts, open_source, today())
    result = evaluate(question.workload, question.baseline, question.candidate, question.costs)
    if output == "json":
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        console().print(to_table(result))
    if chart is not None:
        draw(result, Path(chart))
        errors().print(f"chart written to {chart}", markup=False)
