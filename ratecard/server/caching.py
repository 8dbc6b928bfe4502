"""HTTP caching: every answer is tagged with the data it was read from, and past days are kept.

The data changes only when a run writes, so the ETag is made of the latest run (its id and when it
ended), the day (answers without ``as_of`` mean today: staleness moves with it) and the server's
fingerprint (version and settings). A client or proxy revalidates with ``If-None-Match`` and gets
``304 Not Modified`` without the database being read for the answer. While the latest run is still
writing, answers carry its tag but never a 304: its rows may land between two requests. A run whose
process died without ending (``interrupted`` in ``ratecard runs``) writes nothing more: it settles.

An answer for a day before today (``as_of`` in the past) is marked long-lived and immutable: a day
that is over does not change, except through a reparse or an accepted anomaly, which reach caches
within :data:`PAST_MAX_AGE`. Everything else must be revalidated (``no-cache``), cheaply, by ETag.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ratecard import readmodel
from ratecard.runs import read as runs
from ratecard.server.state import Served, today

TAG_TTL = 1.0
"""Seconds a looked-up tag is reused: under load one lookup a second rather than one per request.
A run that ends is seen at most this late."""
PAST_MAX_AGE = 86_400
"""Seconds a past day's answer may be used without asking again."""
PAST = f"public, max-age={PAST_MAX_AGE}, immutable"
CURRENT = "no-cache"
UNCACHED = ("/static/",)
"""Paths with validators of their own (static files carry their file's ETag)."""


@dataclass(frozen=True, slots=True)
class Tag:
    value: str
    """The ETag header value, quoted."""
    settled: bool
    """False while the latest run has not ended: then no 304 is answered."""


def tag_for(run: runs.Run | None, day: date, fingerprint: str, state: str = "finished") -> Tag:
    """The ETag of every answer while ``run`` is the latest run, on ``day``; ``state`` is the run's
    (:func:`ratecard.readmodel.run_state`): finished, running or interrupted."""
    if run is None:
        return Tag(f'"none-{day:%Y%m%d}-{fingerprint}"', True)
    ended = run.ended_at.isoformat() if run.ended_at else state
    digest = hashlib.sha256(f"{ended}|{day}|{fingerprint}".encode()).hexdigest()[:16]
    return Tag(f'"r{run.run_id}-{digest}"', run.ended_at is not None or state == "interrupted")


def matches(if_none_match: str | None, tag: str) -> bool:
    """``If-None-Match`` names ``tag`` (weak comparison: a ``W/`` prefix is ignored) or is ``*``."""
    if not if_none_match:
        return False
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or tag in wanted


def past_day(query_string: bytes, day: date) -> bool:
    """The query asks about a day before ``day`` (``as_of=YYYY-MM-DD``)."""
    values = parse_qs(query_string.decode("latin-1")).get("as_of", [])
    try:
        asked = date.fromisoformat(values[-1]) if values else None
    except ValueError:
        return False
    return asked is not None and asked < day


def cache_control(method: str, status: int, past: bool) -> str:
    if method not in ("GET", "HEAD"):
        return "no-store"
    return PAST if past and status == 200 else CURRENT


class Revalidate:
    """ASGI middleware: ETag and Cache-Control on every answer, 304 for a matching ``If-None-Match``."""

    def __init__(self, app: ASGIApp, served: Served) -> None:
        self.app = app
        self.served = served
        self._cached: tuple[float, date, Tag] | None = None

    def lookup(self, day: date) -> Tag:
        with self.served.pool.reader() as db:
            latest = runs.recent(db, 1)
        if not latest:
            return tag_for(None, day, self.served.fingerprint)
        run = latest[0][0]
        return tag_for(run, day, self.served.fingerprint, readmodel.run_state(run))

    async def current(self) -> Tag:
        """The tag of this moment: looked up at most once per :data:`TAG_TTL` (and each new day)."""
        now, day = time.monotonic(), today()
        cached = self._cached
        if cached is not None and now - cached[0] < TAG_TTL and cached[1] == day:
            return cached[2]
        tag = await run_in_threadpool(self.lookup, day)
        self._cached = (now, day, tag)
        return tag

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNCACHED):
            await self.app(scope, receive, send)
            return
        tag = await self.current()
        method = scope["method"]
        past = past_day(scope.get("query_string", b""), today())
        asked = Headers(scope=scope).get("if-none-match")
        if method in ("GET", "HEAD") and tag.settled and matches(asked, tag.value):
            headers = [
                (b"etag", tag.value.encode()),
                (b"cache-control", cache_control(method, 200, past).encode()),
            ]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["etag"] = tag.value
                if "cache-control" not in headers:
                    headers["cache-control"] = cache_control(method, message["status"], past)
            await send(message)

        await self.app(scope, receive, tagged)
