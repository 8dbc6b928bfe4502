"""Retries with exponential backoff: Scrapy's RetryMiddleware retries at once, hammering a failing site."""

from __future__ import annotations

import asyncio
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


class BackoffRetryMiddleware(RetryMiddleware):
    """Sleeps ``RETRY_BACKOFF_BASE × 2**(n-1)`` seconds (capped) before the n-th retry."""

    def _delay(self, request: scrapy.Request) -> float:
        settings = self.crawler.settings
        base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        n = int(request.meta.get("retry_times", 1))
        return float(min(cap, base * 2 ** max(0, n - 1)))

    async def process_response(  # type: ignore[override]
        self, request: scrapy.Request, response: Response, spider: Any = None
    ) -> scrapy.Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, scrapy.Request):
            await asyncio.sleep(self._delay(result))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: scrapy.Request, exception: Exception, spider: Any = None
    ) -> scrapy.Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, scrapy.Request):
            await asyncio.sleep(self._delay(result))
        return result
