"""Parse stage: one pure module per vendor, looked up by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime

from ratecard.parsers.base import Parsed, ParseError

ParserFn = Callable[[bytes, str, datetime], Parsed]


def get_parser(name: str) -> ParserFn:
    """The ``parse`` function of ``ratecard.parsers.<name>``."""
    try:
        module = importlib.import_module(f"ratecard.parsers.{name}")
    except ModuleNotFoundError as exc:
        raise ParseError(name, f"no parser module named {name!r}") from exc
    fn: ParserFn = module.parse
    return fn
