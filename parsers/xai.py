"""xAI: the docs "Models and Pricing" page (docs.x.ai/docs/models).

The per-model price table is rendered by JavaScript in the captures we hold, so the page read
as markdown has none and parsing raises ``no price table found``. When a capture does carry
the table (``Model | ... | Input | Cached input | Output`` per 1M tokens) it is read with
:mod:`ratecard.parsers.model_table`. The tool-invocation table (``Tool | Cost per 1,000 calls``)
has no model column: its fees are per tool, not per model, and are not read here.
"""

from __future__ import annotations

import re
from datetime import datetime

from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.model_table import Label, Layout, read

VENDOR = "xai"

_ID = re.compile(r"^grok(?:-[a-z0-9.]+)*$")


def model_id(name: str) -> str:
    """xAI's API ids as the table prints them (``grok-4-0709``), lower-cased, spaces as hyphens.

    Only ``grok…`` names are accepted: anything else in the model column means the table changed.
    """
    mid = "-".join(name.lower().split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


LAYOUT = Layout(
    vendor=VENDOR,
    labels=(
        Label("cached", "cache_read"),
        Label("cache read", "cache_read"),
        Label("image input", "image_input"),
        Label("batch input", "batch_input"),
        Label("batch output", "batch_output"),
        Label("input", "input"),
        Label("prompt", "input"),
        Label("completion", "output"),
        Label("output", "output"),
    ),
    model_id=model_id,
)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    return read(body.decode("utf-8"), url, LAYOUT)
