"""The one generic spider: it fetches what a vendor's config entry names and knows no vendor."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ratecard.crawler.fetch import Fetched, Target


def _now() -> datetime:
    return datetime.now(UTC)


class PricingSpider(scrapy.Spider):
    """Fetches every start URL of every target and follows the target's pagination rule."""

    name = "ratecard"

    def __init__(self, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets = targets
        self._pages: dict[str, int] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for target in self.targets:
            for url in target.start_urls:
                yield self._request(url, target)

    def _request(self, url: str, target: Target) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
            meta={"target": target, "handle_httpstatus_all": True},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Fetched | scrapy.Request]:
        target: Target = response.meta["target"]
        ctype = response.headers.get("Content-Type")
        yield Fetched(
            vendor=target.vendor,
            url=response.url,
            status=response.status,
            content_type=ctype.decode("latin-1") if ctype else None,
            body=response.body,
            fetched_at=_now(),
            error=None if response.status == 200 else f"HTTP {response.status} from {response.url}",
        )
        if response.status == 200 and target.follow_json_key:
            yield from self._follow(response, target)

    def _follow(self, response: Response, target: Target) -> Iterator[Fetched | scrapy.Request]:
        try:
            nxt = json.loads(response.body).get(target.follow_json_key)
        except (ValueError, AttributeError):
            return  # the parser reports the unreadable body; nothing to follow
        if not nxt:
            return
        count = self._pages.get(target.vendor, 1) + 1
        self._pages[target.vendor] = count
        if count > target.max_pages:
            yield Fetched(
                target.vendor,
                str(nxt),
                None,
                None,
                None,
                _now(),
                error=f"stopped after {target.max_pages} pages: pagination does not end",
            )
            return
        yield self._request(response.urljoin(str(nxt)), target)

    def failed(self, failure: Failure) -> Iterator[Fetched]:
        request = failure.request  # type: ignore[attr-defined]
        target: Target = request.meta["target"]
        reason = failure.getErrorMessage() or type(failure.value).__name__
        yield Fetched(
            target.vendor,
            request.url,
            None,
            None,
            None,
            _now(),
            error=f"{type(failure.value).__name__} fetching {request.url}: {reason}",
        )
