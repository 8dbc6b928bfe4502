"""Feeds other tools load from a URL: LiteLLM's price map, genai-prices' data, our own export.

- LiteLLM (``LITELLM_MODEL_COST_MAP_URL``) only adopts a remote map whose model count has not
  shrunk against its bundled copy (``GetModelCostMap.validate_model_cost_map``: at least 50 models
  and half the bundled count), so the feed is LiteLLM's *whole* map with our verified rates laid
  over it: nothing dropped, every entry still a JSON object.
- genai-prices (``UpdatePrices(url=...)``) gets the v2 document of
  :mod:`ratecard.exports.genai_prices`, with its start-date history, written exactly.

Both carry verified rates only by default: no inferred (derived or currency-converted) rate, no
disputed one and nothing stale, so a consumer never loads a guess as a price.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.dbapi import Reader
from ratecard.exports import litellm
from ratecard.exports.formats import ExportFormat
from ratecard.exports.render import render
from ratecard.registry.litellm import NAME as LITELLM
from ratecard.registry.load import litellm_data_path
from ratecard.rows import PriceRow

THEIRS = frozenset({"litellm_provider", "mode"})
"""Fields of an entry LiteLLM already has that stay LiteLLM's: they route the call, not price it."""


@lru_cache(maxsize=2)
def _parsed(path: Path, mtime_ns: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def litellm_base() -> Mapping[str, Any]:
    """LiteLLM's full model map, the base our rates are laid over (read once per file change).

    SEAM: today the installed litellm package's data file; at merge, today's LiteLLM registry
    from the raw store once the nightly run fetches it.
    """
    path = litellm_data_path()
    return _parsed(path, path.stat().st_mtime_ns)


def verified(rows: Sequence[PriceRow]) -> list[PriceRow]:
    """Rates verified on the vendor's page and fresh: not inferred, not disputed, not stale (freshness
    is a field of its own: a stale rate keeps status verified), not converted."""
    return [r for r in rows if r.status == "verified" and not r.stale and r.published_currency is None]


def overlay(base: Mapping[str, Any], ours: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``base`` with ``ours`` laid over: in an entry LiteLLM has, our price fields (and ``source``,
    ``ratecard_status``) replace its own and everything else stays; an entry it lacks is added whole.
    No key of ``base`` is dropped, so LiteLLM's shrink check accepts the result."""
    out = dict(base)
    for key, entry in ours.items():
        theirs = base.get(key)
        if isinstance(theirs, Mapping):
            out[key] = {**theirs, **{k: v for k, v in entry.items() if k not in THEIRS}}
        else:
            out[key] = dict(entry)
    return out


def litellm_map(
    db: Reader, settings: Settings, day: date, vendors: Collection[str] | None = None
) -> dict[str, Any]:
    """LiteLLM's map with the verified rates in force on ``day`` laid over it.

    Our entries are also written under the LiteLLM key the latest cross-check matched
    (``claude-3-5-haiku`` -> ``claude-3-5-haiku-20241022``), so LiteLLM's own key gets our rates.
    """
    rows = verified(readmodel.prices(db, day, settings.stale_after, vendors))
    matched = litellm.matched_keys(readmodel.check_rows(db, LITELLM, vendors))
    return overlay(litellm_base(), litellm.fragment(rows, settings.vendors, matched))


def export_text(
    db: Reader,
    settings: Settings,
    fmt: ExportFormat,
    day: date,
    vendors: Collection[str] | None = None,
    verified_only: bool = True,
) -> str:
    """``ratecard export --format FMT`` as text (genai-prices, json or csv)."""
    return render(db, fmt, day, vendors, settings, verified_only).text


FILES = {
    "litellm/model_prices_and_context_window.json": "litellm",
    "genai-prices/data.json": "genai-prices",
    "ratecard.json": "json",
    "ratecard.csv": "csv",
}
"""The feeds under ``/feeds/``, by path, as ``publish`` writes them."""


def feed_text(db: Reader, settings: Settings, name: str, day: date) -> str:
    """One feed's body exactly as the server answers it without query parameters."""
    if name == "litellm":
        return json.dumps(litellm_map(db, settings, day), ensure_ascii=False)
    fmt = ExportFormat(name)
    return export_text(db, settings, fmt, day, None, verified_only=fmt is ExportFormat.genai_prices)


def publish(db: Reader, settings: Settings, folder: Path, day: date) -> list[Path]:
    """Write every feed under ``folder`` (``folder/litellm/...``), each file replaced atomically so
    a web server never serves half a file. For consumers that should never reach the database."""
    written = []
    for relative, name in FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(feed_text(db, settings, name, day), encoding="utf-8", newline="")
        partial.replace(path)
        written.append(path)
    return written
