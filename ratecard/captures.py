"""Dated captures on disk: ``<vendor>/YYYY-MM-DD__name.ext`` (or ``undated__name.ext``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}|undated)__(?P<rest>.+)$")
MANIFEST = "SOURCES.tsv"
"""A capture folder's manifest (the format of ``shared/fixtures/real/SOURCES.tsv``): where each
capture came from and when; read by :mod:`ratecard.manifest`."""


@dataclass(frozen=True)
class Capture:
    vendor: str
    day: date | None
    """None for undated captures: they can be parsed but not filed under a date."""
    path: Path


def bundled_dir() -> Path:
    return Path(str(resources.files("ratecard") / "captures"))


def bundled_registry() -> Path:
    """The LiteLLM registry copy of 2025-12-29 that the demo cross-checks against, offline."""
    folder = Path(str(resources.files("ratecard") / "registries"))
    return folder / "2025-12-29__model_prices_and_context_window.wrapped.json"


def scan(root: Path, vendors: set[str] | None = None) -> list[Capture]:
    """Every capture under ``root`` whose folder is a vendor, oldest first (undated last)."""
    out: list[Capture] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if vendors is not None and folder.name not in vendors:
            continue
        for path in sorted(folder.iterdir()):
            m = _NAME.match(path.name)
            if not path.is_file() or m is None:
                continue
            day = None if m["date"] == "undated" else date.fromisoformat(m["date"])
            out.append(Capture(folder.name, day, path))
    return sorted(out, key=lambda c: (c.day is None, c.day or date.min, c.vendor, c.path.name))


def by_date(captures: list[Capture]) -> dict[date, list[Capture]]:
    grouped: dict[date, list[Capture]] = {}
    for c in captures:
        if c.day is not None:
            grouped.setdefault(c.day, []).append(c)
    return dict(sorted(grouped.items()))
