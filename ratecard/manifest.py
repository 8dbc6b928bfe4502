"""Where an archived capture came from: its page's own URL and the day it was captured.

An archive (``DIR/<vendor>/YYYY-MM-DD__name.ext``) may carry a manifest in the format of
``shared/fixtures/real/SOURCES.tsv`` — tab-separated, a header row naming ``saved_path``,
``original_url`` and ``commit_date`` among others — at its root or in a vendor folder. Rates read
from a capture then cite the page's real URL and the capture's date, not the local server that
replayed it. Without an entry, the vendor's configured URL stands in. Manifests are untrusted
input: only an http(s) URL is taken, and a capture's date always comes from its file name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import quote, urlsplit

from ratecard.captures import MANIFEST, Capture

_URL_CAP = 2048


@dataclass(frozen=True)
class Origin:
    """The page a capture is a copy of, and when it was captured."""

    url: str
    captured_at: datetime


_COMMENT = re.compile(r"\s+\(.*\)$")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
"""Characters a URL may carry as they are; anything else (a space) is percent-encoded."""


@dataclass(frozen=True)
class Entry:
    url: str | None
    committed: datetime | None


def _url(text: str) -> str | None:
    """A manifest's URL cell as a plain http(s) URL, else None: a trailing ``(comment)`` dropped,
    spaces inside it (Azure's ``$filter=serviceName eq '...'``) percent-encoded."""
    cell = _COMMENT.sub("", text.strip())
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in cell):
        return None
    word = quote(cell, safe=_URL_SAFE)
    parts = urlsplit(word)
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(word) > _URL_CAP:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in word):
        return None
    return word


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    if not reader.fieldnames or "saved_path" not in reader.fieldnames:
        return []
    return [r for r in reader if r.get("saved_path")]


def read(root: Path) -> dict[tuple[str, str], Entry]:
    """(vendor, file name) -> what the manifests under ``root`` say of that capture."""
    out: dict[tuple[str, str], Entry] = {}
    for path in [root / MANIFEST, *sorted(root.glob(f"*/{MANIFEST}"))]:
        if not path.is_file():
            continue
        for row in _rows(path):
            parts = row["saved_path"].replace("\\", "/").rstrip("/").split("/")
            if len(parts) < 2:
                continue
            entry = Entry(_url(row.get("original_url") or ""), _moment(row.get("commit_date") or ""))
            out[(parts[-2], parts[-1])] = entry
    return out


def origin(capture: Capture, entries: dict[tuple[str, str], Entry], configured: str) -> Origin:
    """The capture's page URL (manifest, else ``configured``) and capture time (its file name's day;
    the manifest's commit time when that falls on the same day)."""
    day = capture.day or date.min
    entry = entries.get((capture.vendor, capture.path.name))
    at = datetime.combine(day, time(0, 0), tzinfo=UTC)
    if entry is not None and entry.committed is not None and entry.committed.astimezone(UTC).date() == day:
        at = entry.committed.astimezone(UTC)
    url = entry.url if entry is not None and entry.url else configured
    return Origin(url, at)
