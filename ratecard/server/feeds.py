"""Feeds other tools load from a URL: LiteLLM's price map, genai-prices' data, our own export.

- LiteLLM (``LITELLM_MODEL_COST_MAP_URL``) only adopts a remote map whose model count has not
  shrunk against its bundled copy (``GetModelCostMap.validate_model_cost_map``: at least 50 models
  and half the bundled count), so the feed is LiteLLM's *whole* map with our verified rates laid
  over it: nothing dropped, every entry still a JSON object. The map under ours is the newest
  upstream copy a nightly run fetched (kept in the raw store), else the installed litellm package's
  file; :class:`Base` says which.
- genai-prices (``UpdatePrices(url=...)``) gets the v2 document of
  :mod:`ratecard.exports.genai_prices`, with its start-date history, written exactly.

Both carry verified rates only by default: no inferred (derived or currency-converted) rate, no
disputed one and nothing stale, so a consumer never loads a guess as a price.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.crawler import read as fetches
from ratecard.crawler.rawstore import RawStore
from ratecard.dbapi import Reader
from ratecard.exports import litellm
from ratecard.exports.formats import ExportFormat
from ratecard.exports.render import render
from ratecard.registries import PREFIX
from ratecard.registry.litellm import NAME as LITELLM
from ratecard.registry.load import litellm_data_path
from ratecard.rows import PriceRow

THEIRS = frozenset({"litellm_provider", "mode"})
"""Fields of an entry LiteLLM already has that stay LiteLLM's: they route the call, not price it."""
UPSTREAM = f"{PREFIX}{LITELLM}"
"""The fetch log's ``vendor`` of the nightly runs' fetches of LiteLLM's upstream map."""
BASE_HEADER = "X-Ratecard-Base"


@dataclass(frozen=True)
class Base:
    """LiteLLM's full model map, the base our rates are laid over, and which copy it is."""

    doc: Mapping[str, Any]
    label: str
    """``upstream <sha256[:12]> fetched <day>`` or ``installed litellm <version>``: the
    :data:`BASE_HEADER` of the feed."""


@lru_cache(maxsize=2)
def _parsed(path: Path, mtime_ns: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


@lru_cache(maxsize=2)
def _stored(raw: Path, digest: str) -> dict[str, Any]:
    """A fetched map from the raw store, decoded once per content. Raises OSError when the body is
    not there or not readable, ValueError when it is damaged or not a JSON object."""
    doc = json.loads(RawStore(raw).get(digest))
    if not isinstance(doc, dict):
        raise ValueError(f"raw body {digest} is not a JSON object")
    return doc


def installed_base() -> Base:
    """The installed litellm package's own data file (read once per file change)."""
    path = litellm_data_path()
    return Base(_parsed(path, path.stat().st_mtime_ns), f"installed litellm {version('litellm')}")


def litellm_base(db: Reader, raw: Path) -> Base:
    """The newest LiteLLM map a nightly run fetched from upstream that the raw store ``raw`` holds
    readable, else the installed package's file. Only reads: the raw store is the writer's."""
    for fetch in fetches.latest_bodies(db, UPSTREAM):
        assert fetch.sha256 is not None
        try:
            doc = _stored(raw, fetch.sha256)
        except (OSError, ValueError):  # not kept here (another host's store), damaged, not a map
            continue
        return Base(doc, f"upstream {fetch.sha256[:12]} fetched {fetch.fetched_at.date().isoformat()}")
    return installed_base()


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
    db: Reader, settings: Settings, base: Base, day: date, vendors: Collection[str] | None = None
) -> dict[str, Any]:
    """``base`` with the verified rates in force on ``day`` laid over it.

    Our entries are also written under the LiteLLM key the latest cross-check matched
    (``claude-3-5-haiku`` -> ``claude-3-5-haiku-20241022``), so LiteLLM's own key gets our rates.
    """
    rows = verified(readmodel.prices(db, day, settings.stale_after, vendors))
    matched = litellm.matched_keys(readmodel.check_rows(db, LITELLM, vendors))
    return overlay(base.doc, litellm.fragment(rows, settings.vendors, matched))


def litellm_feed(db: Reader, settings: Settings, raw: Path, day: date) -> tuple[str, Base]:
    """The LiteLLM feed's body, and the base it was laid over."""
    base = litellm_base(db, raw)
    return json.dumps(litellm_map(db, settings, base, day), ensure_ascii=False), base


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


def feed_text(db: Reader, settings: Settings, raw: Path, name: str, day: date) -> str:
    """One feed's body exactly as the server answers it without query parameters."""
    if name == "litellm":
        return litellm_feed(db, settings, raw, day)[0]
    fmt = ExportFormat(name)
    return export_text(db, settings, fmt, day, None, verified_only=fmt is ExportFormat.genai_prices)


def publish(db: Reader, settings: Settings, raw: Path, folder: Path, day: date) -> list[Path]:
    """Write every feed under ``folder`` (``folder/litellm/...``), each file replaced atomically so
    a web server never serves half a file. For consumers that should never reach the database."""
    written = []
    for relative, name in FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(feed_text(db, settings, raw, name, day), encoding="utf-8", newline="")
        partial.replace(path)
        written.append(path)
    return written
