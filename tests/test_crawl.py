"""The generic spider through real Scrapy against a local server: politeness, paging, failures."""

from __future__ import annotations

import json

from helpers import capture

from ratecard.capture_server import CaptureServer, Route, route_for
from ratecard.crawler.engine import crawl
from ratecard.crawler.fetch import Target
from ratecard.crawler.settings import CrawlSettings

FAST = CrawlSettings(
    user_agent="ratecard-test/1 (+https://example.invalid)",
    retry_times=2,
    retry_backoff_base=0.01,
    autothrottle_start_delay=0.0,
    download_timeout=2,
)


def test_identifies_itself_and_keeps_the_exact_body(server: CaptureServer) -> None:
    page = capture("anthropic", "2025-10-25")
    url = server.add_capture("anthropic", page)
    [fetched] = crawl([Target("anthropic", (url,))], FAST)
    assert fetched.ok and fetched.status == 200
    assert fetched.body == page.read_bytes()
    assert fetched.content_type and fetched.content_type.startswith("text/markdown")
    assert server.agents[-1] == FAST.user_agent
    assert "/robots.txt" in server.hits  # robots.txt is consulted first


def test_follows_next_page_links_until_they_end(server: CaptureServer) -> None:
    ndjson = capture("azure", "effective-2025-08-01")
    url = server.add("/api/retail/prices", route_for(ndjson))
    fetched = crawl([Target("azure", (url,), follow_json_key="NextPageLink")], FAST)
    lines = [x for x in ndjson.read_text().splitlines() if x.strip()]
    assert len(fetched) == -(-len(lines) // 100)
    items = [i for f in fetched for i in json.loads(f.body or b"{}")["Items"]]
    assert len(items) == len(lines)
    assert json.loads(fetched[-1].body or b"{}")["NextPageLink"] is None


def test_server_errors_are_retried_with_backoff_then_recorded(server: CaptureServer) -> None:
    url = server.add("/down", Route(b"boom", status=503))
    [fetched] = crawl([Target("x", (url,))], FAST)
    assert not fetched.ok and fetched.status == 503
    assert fetched.error == f"HTTP 503 from {url}"
    assert server.hits.count("/down") == 3  # first try + RETRY_TIMES


def test_timeouts_and_refusals_are_recorded_per_url(server: CaptureServer) -> None:
    from dataclasses import replace

    slow = server.add("/slow", Route(b"late", delay=1.5))
    fast = replace(FAST, download_timeout=0.5, retry_times=0)
    results = crawl([Target("a", (slow,)), Target("b", ("http://127.0.0.1:1/nothing",))], fast)
    by_vendor = {f.vendor: f for f in results}
    assert "TimeoutError" in (by_vendor["a"].error or "")
    assert "refused" in (by_vendor["b"].error or "").lower()
    assert by_vendor["a"].body is None and by_vendor["b"].status is None


def test_a_process_can_crawl_many_times(server: CaptureServer) -> None:
    url = server.add("/x", Route(b"ok"))
    for _ in range(3):
        [f] = crawl([Target("x", (url,))], FAST)
        assert f.body == b"ok"
