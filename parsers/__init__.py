"""Parse stage: one pure module per vendor, looked up by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the package is imported to check a parser exists (config): keep that light
    from ratecard.parsers.base import Parsed

ParserFn = Callable[[bytes, str, datetime], "Parsed"]


def get_parser(name: str) -> ParserFn:
    """The ``parse`` function of ``ratecard.parsers.<name>``."""
    from ratecard.parsers.base import ParseError

    try:
        module = importlib.import_module(f"ratecard.parsers.{name}")
    except ModuleNotFoundError as exc:
        raise ParseError(name, f"no parser module named {name!r}") from exc
    fn: ParserFn = module.parse
    return fn
