"""The one generic spider: it fetches what a vendor's config entry names and knows no vendor.

Page bodies and the links in them are hostile input. A link is followed only if it passes
``bounds.refusal`` and its vendor's ``max_pages``; otherwise the vendor gets one failed fetch
whose message names the refused URL (shortened) and why, and nothing is fetched from it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.python.failure import Failure

from ratecard.crawler.bounds import MAX_URL_CHARS, hosts_of, refusal, shorten
from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.middleware import OutOfBounds, refused, retry_after

START, PAGE, ITEM = "start", "page", "item"
"""How a request came to be: a configured start URL, a next page, or a file a listing names."""


def _now() -> datetime:
    return datetime.now(UTC)


def _json(body: bytes) -> object:
    """The body as JSON, or None: an unreadable body has nothing to follow (its parser reports it)."""
    try:
        doc: object = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: hostile nesting, "[[[[…"
        return None
    return doc


def _too_large(exc: BaseException | None) -> bool:
    """Scrapy cancels a download past DOWNLOAD_MAXSIZE (as received), or ignores its response once
    decompression passes it; nothing else cancels a download while the crawl runs."""
    return isinstance(exc, DownloadCancelledError) or (
        isinstance(exc, IgnoreRequest) and isinstance(exc.__cause__, _DecompressionMaxSizeExceeded)
    )


class PricingSpider(scrapy.Spider):
    """Fetches every start URL of every target and follows the target's link rules, in bounds."""

    name = "ratecard"

    def __init__(self, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets = targets
        # every host some vendor of this crawl may reach: where a robots.txt redirect may go
        self.hosts = tuple(dict.fromkeys(h for t in targets for h in t.hosts))
        self._followed: dict[str, set[str]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request | Fetched]:
        for target in self.targets:
            for url in target.start_urls:
                why = refusal(url, hosts_of([url]))
                if why is None:
                    yield self._request(url, target, START)
                else:  # the config is trusted, but a typo should say what it is
                    yield self._failed(target, url, f"start URL {shorten(url)} not fetched: {why}")

    def _request(self, url: str, target: Target, role: str, via: str | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
            meta={"target": target, "role": role, "via": via},
        )

    def _failed(self, target: Target, url: str, error: str) -> Fetched:
        """A fetch that did not happen or brought nothing back; the URL is shortened for the log."""
        return Fetched(target.vendor, shorten(url, MAX_URL_CHARS), None, None, None, _now(), error=error)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Fetched | scrapy.Request]:
        target: Target = response.meta["target"]
        ctype = response.headers.get("Content-Type")
        error, keep_body = self._http_error(response, target)
        yield Fetched(
            vendor=target.vendor,
            url=response.url,
            status=response.status,
            content_type=shorten(ctype.decode("latin-1"), 255) if ctype else None,
            body=response.body if keep_body else None,
            fetched_at=_now(),
            error=error,
        )
        if response.status == 200:
            yield from self._follow(response, target)

    def _http_error(self, response: Response, target: Target) -> tuple[str | None, bool]:
        """The error of a non-200 answer, and whether its body is kept (not a refused redirect's)."""
        status, url = response.status, shorten(response.url)
        if status == 200:
            return None, True
        asked = retry_after(response)
        cap = self.settings.getfloat("RETRY_AFTER_MAX")
        if asked is not None and asked > cap:
            return (
                f"HTTP {status} from {url}: the server asked to wait {asked:.0f} s, "
                f"more than max_retry_after_seconds ({cap:g} s)",
                True,
            )
        location = response.headers.get("Location")
        if 300 <= status < 400 and location:
            dest = location.decode("latin-1")
            try:
                dest = response.urljoin(dest)
            except ValueError:
                return refused(dest, response.url, "not a valid URL", redirect=True), False
            why = refusal(dest, target.hosts, response.url)
            if why is not None:
                return refused(dest, response.url, why, redirect=True), False
            return f"HTTP {status} from {url}: redirect to {shorten(dest)} not followed", True
        return f"HTTP {status} from {url}", True

    def _follow(self, response: Response, target: Target) -> Iterator[Fetched | scrapy.Request]:
        """Next pages (``follow_json_key``) of start URLs and pages; listed files
        (``follow_json_each``) of start URLs only: a listed file is never a listing itself."""
        role = response.meta.get("role")
        if role == ITEM or not (target.follow_json_key or target.follow_json_each):
            return
        doc = _json(response.body)
        key = target.follow_json_key
        if key and isinstance(doc, dict) and doc.get(key) is not None:
            yield from self._links(response, target, [doc[key]], PAGE)
        each = target.follow_json_each
        if each and role == START and isinstance(doc, list):
            listed = [item[each] for item in doc if isinstance(item, dict) and item.get(each) is not None]
            yield from self._links(response, target, listed, ITEM)

    def _link(self, response: Response, target: Target, link: object, role: str) -> scrapy.Request | str:
        """The request for ``link`` found in ``response``, or why it is refused."""
        if not isinstance(link, str):
            return refused(repr(link), response.url, "not a URL string", redirect=False)
        try:
            request = self._request(response.urljoin(link), target, role, via=response.url)
        except ValueError:
            return refused(link, response.url, "not a valid URL", redirect=False)
        why = refusal(request.url, target.hosts, response.url)
        return request if why is None else refused(request.url, response.url, why, redirect=False)

    def _links(
        self, response: Response, target: Target, links: list[object], role: str
    ) -> Iterator[Fetched | scrapy.Request]:
        """Requests for every link, or one failure if any is refused or they are too many."""
        found = [self._link(response, target, link, role) for link in links]
        refusals = [f for f in found if isinstance(f, str)]
        if refusals:
            more = f" (and {len(refusals) - 1} more refused)" if len(refusals) > 1 else ""
            bad = next(link for link, f in zip(links, found, strict=True) if isinstance(f, str))
            yield self._failed(target, str(bad), refusals[0] + more)
            return
        requests = list({r.url: r for r in found if isinstance(r, scrapy.Request)}.values())
        if not requests:
            return
        seen, first = self._followed.setdefault(target.vendor, set()), requests[0].url
        if role == PAGE and (first in seen or first in target.start_urls):
            yield self._failed(target, first, f"pagination loops back to {shorten(first)}")
            return
        fresh = [r for r in requests if r.url not in seen]
        if len(seen) + len(fresh) > target.max_pages:
            what = "pagination does not end" if role == PAGE else f"{shorten(response.url)} lists too many"
            yield self._failed(target, first, f"stopped after {target.max_pages} pages: {what}")
            return
        seen.update(r.url for r in fresh)
        yield from fresh

    def failed(self, failure: Failure) -> Iterator[Fetched]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        target: Target = request.meta["target"]
        exc, url = failure.value, shorten(request.url)
        if isinstance(exc, OutOfBounds):
            error = str(exc)
        elif _too_large(exc):
            limit = self.settings.getint("DOWNLOAD_MAXSIZE")
            error = f"body of {url} exceeds {limit} bytes (max_body_bytes); not stored"
        else:
            reason = shorten(failure.getErrorMessage() or type(exc).__name__, 300)
            error = f"{type(exc).__name__} fetching {url}: {reason}"
        yield self._failed(target, request.url, error)
