"""Scenario files: the CLI's options written down in TOML, so a question can be re-asked.

Keys are the option names without dashes (``baseline-rates = "input=3,output=15"`` or a table
``[baseline-rates]``); numbers are read as Decimal, never float. Options on the command line win.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path

from ratecard.breakeven.options import InputError, option


def load(path: Path, known: Collection[str]) -> dict[str, object]:
    """The file's options keyed by Python name; InputError for unreadable files or unknown keys."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise InputError(f"cannot read scenario {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario {path} is not valid TOML: {exc}") from None
    opts = {key.replace("-", "_"): value for key, value in raw.items()}
    unknown = sorted(option(k)[2:] for k in opts if k not in known)
    if unknown:
        raise InputError(f"scenario {path}: unknown key(s) {', '.join(unknown)}")
    return opts


def merge(scenario: Mapping[str, object], given: Mapping[str, object]) -> dict[str, object]:
    """Command-line values over the scenario's; an option left unset (None, False) keeps it."""
    chosen = {k: v for k, v in given.items() if v is not None and v is not False}
    return {**scenario, **chosen}
