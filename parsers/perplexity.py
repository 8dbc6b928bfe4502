"""Perplexity: the docs pricing page (docs.perplexity.ai/getting-started/pricing).

Read with :mod:`ratecard.parsers.model_table`: the token table (``Input Tokens ($/1M)``, output,
citation, reasoning tokens and ``Search Queries ($/1K)``), the request-fee table by search context
size (``Low Context Size | Medium ... | High ...``, "for every 1000 requests" stated above it)
when the page renders it, the Search API table (``Price per 1K requests``) and the embeddings
tables (``Model | Dimensions | Price ($/1M tokens)``: an embedding model's one price is per input
token, field ``input``). Request fees are per request, never per token:
field ``request``, unit ``usd_per_1k_requests``, tier ``search_context=low|medium|high``.
Deep Research's search queries are ``web_search`` (per 1K queries); its citation tokens are
``citation`` (per MTok). Tables without a model column are not read: cost examples
(``Component | Cost``), Agent API tools (``Tool | Price``) and Pro Search fees by search type
(``Search Type | ... | Request Fee (per 1K)``, three amounts in one cell).
"""

from __future__ import annotations

import re
from datetime import datetime

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.model_table import Label, Layout, read

VENDOR = "perplexity"

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


def model_id(name: str) -> str:
    """Perplexity's API ids are the display name lower-cased with spaces as hyphens.

    ``Sonar Reasoning Pro`` -> ``sonar-reasoning-pro``; the Search API product is ``search-api``.
    """
    mid = "-".join(name.lower().split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


LAYOUT = Layout(
    vendor=VENDOR,
    labels=(
        Label("input", "input"),
        Label("output", "output"),
        Label("citation", "citation"),
        Label("reasoning", "reasoning"),
        Label("search quer", "web_search"),
        Label("low", "request", tiers.make(search_context="low")),
        Label("medium", "request", tiers.make(search_context="medium")),
        Label("high", "request", tiers.make(search_context="high")),
        Label("request", "request"),
        Label("price", "input"),
    ),
    model_id=model_id,
    model_headers=("model", "api"),
)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    result = read(body.decode("utf-8"), url, LAYOUT)
    if not any(r.field == "input" and r.value is not None for r in result.rates):
        raise ParseError(
            VENDOR,
            f"no token price table found in {url} (expected 'Model | Input Tokens ($/1M) | ...')",
        )
    return result
