"""Reading option values that arrive as CLI strings or TOML values into exact types.

Options are keyed by their Python names (``baseline_rates``); messages use the CLI spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

Options = Mapping[str, object]


class InputError(ValueError):
    """The question cannot be answered as asked; the CLI exits 2 with this message."""


def option(key: str) -> str:
    return "--" + key.replace("_", "-")


def number(opts: Options, key: str) -> Decimal | None:
    """An exact Decimal from "15", "2.5e6", a TOML int or a TOML float read as Decimal."""
    value = opts.get(key)
    if value is None:
        return None
    return _decimal(option(key), value)


def required(opts: Options, key: str, why: str) -> Decimal:
    value = number(opts, key)
    if value is None:
        raise InputError(f"{why} needs {option(key)}")
    return value


def whole(opts: Options, key: str) -> int | None:
    value = number(opts, key)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise InputError(f"{option(key)} must be a whole number, got {value}")
    return int(value)


def text(opts: Options, key: str) -> str | None:
    value = opts.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{option(key)} must be text, got {value!r}")


def flag(opts: Options, key: str) -> bool:
    value = opts.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{option(key)} must be true or false, got {value!r}")
    return value


def day(opts: Options, key: str) -> date | None:
    value = opts.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{option(key)} must be a date like 2025-11-19, got {value!r}") from None


def rate_values(opts: Options, key: str) -> dict[str, Decimal] | None:
    """``input=3,output=15`` (or a TOML table of the same) as field -> USD per MTok."""
    value = opts.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    else:
        pairs = [_pair(option(key), part) for part in str(value).split(",") if part.strip()]
    if not pairs:
        raise InputError(f"{option(key)} names no rates; write e.g. input=3,output=15")
    return {name.strip(): _decimal(f"{option(key)} {name.strip()}", v) for name, v in pairs}


def _pair(name: str, part: str) -> tuple[str, object]:
    field, sep, value = part.partition("=")
    if not sep:
        raise InputError(f"{name}: {part.strip()!r} is not FIELD=USD_PER_MTOK")
    return field, value


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        out = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not out.is_finite():
        raise InputError(f"{name} must be a finite number, got {value!r}")
    return out
