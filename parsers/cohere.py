"""Cohere: the marketing pricing page (cohere.com/pricing).

Its model price cards are rendered by JavaScript and absent from the captures we hold; what
remains are FAQ sentences ("Command R+ 08-2024 pricing is $2.50/1M tokens for input and ...").
Prose is never read into rates (which model and which field a number belongs to is not
reliably attributable), so such a page raises ``no price table found``. A capture that does
carry a model price table (``Model | Input | Output`` per 1M tokens) is read with
:mod:`ratecard.parsers.model_table`.
"""

from __future__ import annotations

import re
from datetime import datetime

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.model_table import Label, Layout, read

VENDOR = "cohere"

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


def model_id(name: str) -> str:
    """Cohere's API naming: lower case, ``+`` spelled ``-plus``, spaces as hyphens.

    ``Command R+ 08-2024`` -> ``command-r-plus-08-2024``; ``Command A`` -> ``command-a``.
    """
    spelled = name.lower().replace("+", " plus ")
    mid = "-".join(spelled.split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


LAYOUT = Layout(
    vendor=VENDOR,
    labels=(
        Label("batch input", "batch_input"),
        Label("batch output", "batch_output"),
        Label("input", "input"),
        Label("output", "output"),
    ),
    model_id=model_id,
)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    return read(body.decode("utf-8"), url, LAYOUT)
