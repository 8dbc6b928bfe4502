"""Dated captures on disk: ``<vendor>/YYYY-MM-DD__name.ext`` (or ``undated__name.ext``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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


def latest_day() -> date:
    """The latest day a capture or a run may be for: tomorrow, UTC (time zones ahead of UTC)."""
    return datetime.now(UTC).date() + timedelta(days=1)


def shown(name: str) -> str:
    """A file name as text a terminal can show: undecodable bytes escaped (``\\xff``)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def problems(root: Path, vendors: set[str] | None = None, latest: date | None = None) -> list[str]:
    """Names an archive must not hold: an impossible date (2025-02-30), a date after ``latest``
    (a far-future capture would poison history), a name that is not UTF-8. One line each."""
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if vendors is not None and folder.name not in vendors:
            continue
        for path in sorted(folder.iterdir()):
            where = f"{shown(folder.name)}/{shown(path.name)}"
            if shown(path.name) != path.name:
                out.append(f"{where}: the file name is not UTF-8")
                continue
            m = _NAME.match(path.name)
            if m is None or m["date"] == "undated":
                continue
            day = _day(m["date"])
            if day is None:
                out.append(f"{where}: {m['date']} is not a date")
            elif latest is not None and day > latest:
                out.append(f"{where}: {day} is in the future (after {latest})")
    return out


def scan(root: Path, vendors: set[str] | None = None) -> list[Capture]:
    """Every capture under ``root`` whose folder is a vendor, oldest first (undated last).
    Names with an impossible date are left out (:func:`problems` names them)."""
    out: list[Capture] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if vendors is not None and folder.name not in vendors:
            continue
        for path in sorted(folder.iterdir()):
            m = _NAME.match(path.name)
            if not path.is_file() or m is None or shown(path.name) != path.name:
                continue
            day = None if m["date"] == "undated" else _day(m["date"])
            if m["date"] != "undated" and day is None:
                continue
            out.append(Capture(folder.name, day, path))
    return sorted(out, key=lambda c: (c.day is None, c.day or date.min, c.vendor, c.path.name))


def by_date(captures: list[Capture]) -> dict[date, list[Capture]]:
    grouped: dict[date, list[Capture]] = {}
    for c in captures:
        if c.day is not None:
            grouped.setdefault(c.day, []).append(c)
    return dict(sorted(grouped.items()))
