"""Downloader middlewares: keep every request inside its vendor's bounds, and retry politely.

Scrapy's RetryMiddleware retries at once, hammering a failing site, and ignores ``Retry-After``;
nothing in Scrapy stops a link or redirect from leading to any host.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from ratecard.crawler.bounds import refusal, shorten

RETRY_AFTER_CODES = (429, 503)
"""Statuses whose ``Retry-After`` header says how long to wait before asking again."""


class OutOfBounds(IgnoreRequest):
    """A request refused before it reached robots.txt or the network; the message says why."""


def came_from(request: scrapy.Request) -> str | None:
    """The URL that led to ``request``: the redirect before it, or the page that linked to it.
    None for a start URL, which comes from the (trusted) config."""
    redirects: list[str] = request.meta.get("redirect_urls", [])
    if redirects:
        return redirects[-1]
    via: str | None = request.meta.get("via")
    return via


def refused(url: str, source: str, why: str, redirect: bool) -> str:
    """The one-line message of a refused link or redirect: both URLs shortened, and why."""
    if redirect:
        return f"refused redirect from {shorten(source)} to {shorten(url)}: {why}"
    return f"refused link to {shorten(url)} (found in {shorten(source)}): {why}"


class InBoundsMiddleware:
    """Refuses a request that a page or redirect led to, unless it stays in its vendor's bounds.

    Runs first (before robots.txt is fetched for a new host) on every request, redirected ones
    included: Scrapy sends a redirect's new request through all middlewares again.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InBoundsMiddleware:
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> None:
        source = came_from(request)
        if source is None:
            return
        target = request.meta.get("target")
        # robots.txt requests carry no target: they may go wherever any vendor of this crawl may
        hosts = target.hosts if target is not None else getattr(self.crawler.spider, "hosts", ())
        why = refusal(request.url, hosts, source)
        if why is not None:
            raise OutOfBounds(refused(request.url, source, why, "redirect_urls" in request.meta))


class InBoundsRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with a ``Location`` no URL parser can read refused like any other
    (naming it) instead of failing as a bare ``ValueError`` about the page that sent it."""

    def process_response(
        self, request: scrapy.Request, response: Response, spider: Any = None
    ) -> scrapy.Request | Response:
        try:
            result: scrapy.Request | Response = super().process_response(request, response)
        except ValueError as exc:
            location = (response.headers.get("Location") or b"").decode("latin-1")
            target = request.meta.get("target")
            why = refusal(location, target.hosts if target is not None else (), request.url)
            raise OutOfBounds(
                refused(location, request.url, why or "not a valid URL", redirect=True)
            ) from exc
        return result


def retry_after(response: Response, now: datetime | None = None) -> float | None:
    """Seconds a 429/503 answer asks us to wait (``Retry-After``: seconds or an HTTP date), or None."""
    if response.status not in RETRY_AFTER_CODES:
        return None
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isascii() and value.isdigit():
        return float(value) if len(value) < 10 else float("inf")
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # unreadable: the ordinary backoff applies
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Sleeps ``RETRY_BACKOFF_BASE × 2**(n-1)`` seconds (capped) before the n-th retry, or as long
    as the server's ``Retry-After`` asks if that is longer; a server asking for more than
    ``RETRY_AFTER_MAX`` seconds is not retried (the spider reports what it asked)."""

    def _delay(self, request: scrapy.Request) -> float:
        settings = self.crawler.settings
        base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        n = int(request.meta.get("retry_times", 1))
        return float(min(cap, base * 2 ** max(0, n - 1)))

    async def process_response(  # type: ignore[override]
        self, request: scrapy.Request, response: Response, spider: Any = None
    ) -> scrapy.Request | Response:
        asked = retry_after(response)
        if asked is not None and asked > self.crawler.settings.getfloat("RETRY_AFTER_MAX"):
            return response
        result = super().process_response(request, response)
        if isinstance(result, scrapy.Request):
            await asyncio.sleep(max(self._delay(result), asked or 0.0))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: scrapy.Request, exception: Exception, spider: Any = None
    ) -> scrapy.Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, scrapy.Request):
            await asyncio.sleep(self._delay(result))
        return result
