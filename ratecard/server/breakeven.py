"""``ratecard breakeven`` over HTTP: the CLI's options as JSON (or a form), the same answer.

The options and their help come from the CLI command's own signature, so the API, the form and
the command cannot drift apart. Numbers are read exactly: JSON numbers as Decimal, never float.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from ratecard import readmodel
from ratecard.breakeven.inputs import build
from ratecard.breakeven.options import InputError
from ratecard.breakeven.rates import RateSource
from ratecard.breakeven.result import Result
from ratecard.dbapi import Reader
from ratecard.rate_source import SnapshotRates
from ratecard.rows import PriceRow
from ratecard.server.errors import BadInput, NotFound

NOT_OPTIONS = frozenset({"ctx", "scenario", "format", "chart", "db", "config"})
"""CLI parameters that are about the command line, not the question."""


@dataclass(frozen=True, slots=True)
class Option:
    """One question option as the CLI declares it."""

    name: str
    """Python name, the JSON key: ``baseline_rates``."""
    flag: bool
    """True for a yes/no option (``fine_tune``)."""
    help: str
    panel: str
    """The CLI's help group: Baseline, Candidate, Workload, Costs, Input and output."""
    metavar: str


@cache
def options() -> tuple[Option, ...]:
    """The break-even options in the CLI's order, read from ``ratecard breakeven``'s signature."""
    from ratecard.commands import breakeven as command

    hints = typing.get_type_hints(command.breakeven, include_extras=True)
    out = []
    for name, hint in hints.items():
        if name in NOT_OPTIONS or name == "return":
            continue
        info = hint.__metadata__[0]
        out.append(
            Option(
                name=name,
                flag=typing.get_args(hint)[0] is bool,
                help=str(info.help or ""),
                panel=str(info.rich_help_panel or ""),
                metavar=str(info.metavar or ""),
            )
        )
    return tuple(out)


def from_json(body: bytes) -> dict[str, object]:
    """A JSON object of options, numbers as exact Decimals; unknown keys are refused by name."""
    try:
        doc = json.loads(body or b"{}", parse_float=Decimal)
    except ValueError as exc:
        raise BadInput(f"the body is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise BadInput("the body must be a JSON object of break-even options")
    return checked(doc)


def from_form(form: Mapping[str, str]) -> dict[str, object]:
    """Form fields as options: empty fields are left out, checkboxes are true when present."""
    flags = {o.name for o in options() if o.flag}
    opts: dict[str, object] = {}
    for key, value in form.items():
        if key in flags:
            opts[key] = True
        elif value.strip():
            opts[key] = value.strip()
    return checked(opts)


def checked(opts: Mapping[str, object]) -> dict[str, object]:
    known = {o.name for o in options()}
    unknown = sorted(set(opts) - known)
    if unknown:
        raise BadInput(f"unknown option(s) {', '.join(unknown)}", known=sorted(known))
    return {k: v for k, v in opts.items() if v is not None}


@dataclass(frozen=True)
class PooledRates(SnapshotRates):
    """The CLI's snapshot rate source, reading on the request's pooled connection."""

    reader: Reader | None = None

    def _rows(self, day: date, vendor: str | None = None, model: str | None = None) -> list[PriceRow]:
        assert self.reader is not None
        vendors = [vendor] if vendor else None
        return readmodel.prices(self.reader, day, self.settings.stale_after, vendors, model)


def answer(opts: Mapping[str, object], source: RateSource, today: date) -> Result:
    """The calculator's result; a question it cannot answer is :class:`BadInput`, an unknown model
    :class:`NotFound` (the CLI exits 2 for both)."""
    try:
        return build(opts, lambda: source, today).answer()
    except InputError as exc:
        raise BadInput(str(exc)) from None
    except LookupError as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    except NotImplementedError as exc:
        raise BadInput(f"not supported: {exc}") from None


def option_values(opts: Mapping[str, object]) -> dict[str, Any]:
    """Options as a form shows them back: text for values, True for ticked boxes."""
    return {k: v if isinstance(v, bool) else str(v) for k, v in opts.items()}
