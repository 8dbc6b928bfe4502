"""Which reference registries a run cross-checks against, fetched the way vendor pages are.

The registry users actually load is today's upstream file, not the copy frozen inside the pinned
litellm package. So a night fetches ``litellm`` (and ``genai-prices``, when configured) from its
upstream URL through the same crawl as vendor pages — kept in the raw store and the fetch log with
its sha and date — and falls back to the installed package's file only when the fetch fails. The
run says which copy it used and how old it is. A FILE in the list is read from disk.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ratecard.config.settings import Settings
from ratecard.crawler.bounds import hosts_of
from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.rawstore import sha256
from ratecard.registry.base import Registry, RegistryError
from ratecard.registry.load import decode, keeps_history, read_document

PREFIX = "registry:"
"""Fetch-log ``vendor`` of a registry fetch (``registry:litellm``)."""
INSTALLED_ONLY = "litellm-installed"
"""The installed litellm package's data file, never fetched (offline installs, tests)."""
_PARSED: OrderedDict[tuple[str, str, date | None], Registry] = OrderedDict()
"""Registries read, by (sha256, source, day; None for formats without dated prices), newest last."""
_DOCS: OrderedDict[str, Any] = OrderedDict()
"""Decoded documents of dated formats, by sha256: read again for another day, never re-decoded."""
_KEEP = 8


@dataclass(frozen=True)
class Source:
    """One entry of ``[settings] registries``: a named upstream (with an offline fallback) or a file."""

    name: str
    url: str | None = None
    path: Path | None = None
    installed_fallback: bool = False


def sources(settings: Settings) -> list[Source]:
    """The configured registries: ``litellm``, ``litellm-installed``, ``genai-prices``, a URL or a FILE."""
    out = []
    for entry in settings.registries:
        if entry == "litellm":
            out.append(Source("litellm", url=settings.litellm_url, installed_fallback=True))
        elif entry == INSTALLED_ONLY:
            out.append(Source("litellm", installed_fallback=True))
        elif entry == "genai-prices":
            out.append(Source("genai-prices", url=settings.genai_prices_url))
        elif entry.startswith(("http://", "https://")):
            out.append(Source(f"url-{sha256(entry.encode())[:8]}", url=entry))
        else:
            out.append(Source(entry, path=Path(entry).expanduser()))
    return out


def targets(found: Sequence[Source]) -> list[Target]:
    """Crawl targets for the registries that have an upstream URL."""
    return [
        Target(f"{PREFIX}{s.name}", (s.url,), allowed_hosts=hosts_of([s.url]))
        for s in found
        if s.url is not None
    ]


def parsed(body: bytes, source: str, day: date) -> Registry:
    """A registry file decoded once per process per content (a backfill reads one file many
    nights): LiteLLM's map is read once; a file of dated prices is read again for each day from its
    decoded document. A few recent ones are kept, so memory does not grow with days."""
    digest = sha256(body)
    for key in ((digest, source, None), (digest, source, day)):
        if key in _PARSED:
            _PARSED.move_to_end(key)
            return _PARSED[key]
    doc = _DOCS[digest] if digest in _DOCS else decode(body, source)
    registry = read_document(doc, digest, source, at=day)
    dated = keeps_history(registry.name)
    if dated:
        _remember(_DOCS, digest, doc)
    _remember(_PARSED, (digest, source, day if dated else None), registry)
    return registry


def _remember(cache: OrderedDict[Any, Any], key: object, value: object) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _KEEP:
        cache.popitem(last=False)


def load(found: Sequence[Source], fetched: Sequence[Fetched], day: date) -> tuple[list[Registry], list[str]]:
    """The registries to cross-check against, and one line per registry saying which copy was used."""
    registries: list[Registry] = []
    notes: list[str] = []
    for s in found:
        try:
            registry, note = _one(s, fetched, day)
        except RegistryError as exc:
            notes.append(f"registry {s.name} not cross-checked: {exc}")
            continue
        registries.append(registry)
        notes.append(note)
    return registries, notes


def _one(s: Source, fetched: Sequence[Fetched], day: date) -> tuple[Registry, str]:
    failure = None
    if s.url is not None:
        mine = [f for f in fetched if f.vendor == f"{PREFIX}{s.name}"]
        good = [f for f in mine if f.ok and f.body is not None]
        if good and good[0].body is not None:
            body = good[0].body
            try:
                registry = parsed(body, s.url, day)
            except RegistryError as exc:
                failure = str(exc)
            else:
                return (
                    registry,
                    f"registry {s.name}: upstream {s.url} fetched {day} (sha256 {registry.version[:12]})",
                )
        else:
            failure = next((f.error for f in mine if f.error), None) or "not fetched"
    if s.path is not None:
        try:
            body = s.path.read_bytes()
        except OSError as exc:
            raise RegistryError(f"cannot read registry file {s.path}: {exc}") from exc
        registry = parsed(body, str(s.path), day)
        dated = f"dated {registry.date}" if registry.date else "undated"
        return registry, f"registry {s.name}: file {s.path} ({dated})"
    if s.installed_fallback:
        from ratecard.registry.load import litellm_data_path

        path = litellm_data_path()
        registry = parsed(path.read_bytes(), str(path), day)
        why = f"upstream failed ({failure}); " if failure else ""
        copy = f"the installed litellm {_installed()} copy (frozen at that release)"
        return registry, f"registry {s.name}: {why}used {copy}"
    raise RegistryError(f"upstream {s.url} failed: {failure}")


def _installed() -> str:
    try:
        return version("litellm")
    except PackageNotFoundError:  # pragma: no cover - litellm is a dependency
        return "(unknown version)"
