"""Log output for unattended runs: plain text for people, JSON lines for log shippers."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum

from rich.console import Console


class LogFormat(StrEnum):
    text = "text"
    json = "json"


def log_event(fmt: LogFormat, event: str, **fields: object) -> None:
    """A structured log line on stderr (JSON lines for log shippers, or plain text)."""
    record = {"ts": datetime.now(UTC).isoformat(), "event": event, **fields}
    if fmt is LogFormat.json:
        sys.stderr.write(json.dumps(record, default=str) + "\n")
    else:
        logging.getLogger("ratecard").info("%s %s", event, fields)


def complain(fmt: LogFormat, event: str, message: str) -> None:
    """A problem on stderr: plain text for people, one JSON line for log shippers."""
    if fmt is LogFormat.json:
        log_event(fmt, event, message=message)
    else:
        Console(file=sys.stderr, soft_wrap=True).print(message, markup=False, highlight=False)


class JsonLines(logging.Formatter):
    """Library log records (Scrapy, APScheduler) as JSON lines, so stderr stays machine-readable."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "event": "log",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


@contextmanager
def structured_logging(fmt: LogFormat) -> Iterator[None]:
    """ratecard's own events at INFO, everyone else's warnings, all on stderr in ``fmt``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines()
        if fmt is LogFormat.json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root, ours = logging.getLogger(), logging.getLogger("ratecard")
    level = ours.level
    root.addHandler(handler)
    ours.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)
