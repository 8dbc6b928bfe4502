"""The generic spider through real Scrapy against a local server: politeness, paging, redirects,
listings, Retry-After, failures, and the effective Scrapy settings."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from helpers import Reply, ScriptedServer, capture

from ratecard.capture_server import CaptureServer, Route, route_for
from ratecard.config.settings import Settings
from ratecard.crawler.engine import crawl, new_crawler, run
from ratecard.crawler.fetch import Target
from ratecard.crawler.middleware import retry_after
from ratecard.crawler.settings import CrawlSettings
from ratecard.pipeline import target

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


def test_redirects_inside_the_vendors_hosts_are_followed_and_the_final_url_recorded() -> None:
    with ScriptedServer() as srv:
        new = srv.add("/v2/pricing", Reply(body=b"prices"))
        old = srv.add("/pricing", Reply(301, headers={"Location": "/v1/pricing"}))
        srv.add("/v1/pricing", Reply(302, headers={"Location": new}))
        [fetched] = crawl([Target("x", (old,))], FAST)
    assert fetched.ok and fetched.body == b"prices"
    assert fetched.url == new
    assert srv.paths() == ["/pricing", "/v1/pricing", "/v2/pricing"]


def test_a_listing_fetches_the_file_under_the_key_of_every_object(server: CaptureServer) -> None:
    """Mistral's docs folder: a GitHub contents listing on one host, raw files on another."""
    with ScriptedServer() as raw:
        files = {"a.json": b'{"model": "a"}', "b.json": b'{"model": "b"}'}
        listing = [
            {"name": n, "type": "file", "download_url": raw.add(f"/{n}", Reply(body=b))}
            for n, b in files.items()
        ]
        listing.append({"name": "old", "type": "dir", "download_url": None})
        url = server.add(
            "/contents/models", Route(json.dumps(listing).encode(), content_type="application/json")
        )
        hosts = (urlsplit(url).netloc, raw.netloc)
        folder = Target("mistral", (url,), follow_json_each="download_url", allowed_hosts=hosts)
        fetched = crawl([folder], FAST)
    assert fetched[0].url == url  # the listing itself is kept like any fetch
    assert json.loads(fetched[0].body or b"") == listing
    assert sorted((f.url.rsplit("/", 1)[1], f.body) for f in fetched[1:]) == sorted(files.items())
    assert all(f.ok for f in fetched)


def test_retry_after_seconds_are_waited_before_asking_again() -> None:
    with ScriptedServer() as srv:
        url = srv.add("/busy", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(body=b"ok"))
        [fetched] = crawl([Target("x", (url,))], FAST)
    assert fetched.ok and fetched.body == b"ok"
    first, second = (s.at for s in srv.seen if s.path == "/busy")
    assert second - first >= 1.0  # FAST's backoff alone would wait 0.01 s


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from scrapy.http import Response

    now = datetime(2025, 12, 20, 12, 0, tzinfo=UTC)

    def asked(status: int, value: str) -> float | None:
        return retry_after(Response("http://x/", status=status, headers={"Retry-After": value}), now)

    assert asked(429, "120") == 120
    assert asked(503, "Sat, 20 Dec 2025 12:00:30 GMT") == 30
    assert asked(429, "Sat, 20 Dec 2025 11:00:00 GMT") == 0  # a date gone by: ask again now
    assert asked(429, "soon") is None  # unreadable: the ordinary backoff applies
    assert asked(500, "120") is None  # only 429 and 503 carry it


def test_the_vendors_allowed_hosts_default_to_its_start_and_fallback_urls(settings: Settings) -> None:
    azure = settings.vendors["azure"]
    assert target(azure).allowed_hosts == ("prices.azure.com",)
    both = replace(azure, start_urls=("https://a.example/p",), fallback_urls=("http://b.example:8080/p.md",))
    assert target(both).allowed_hosts == ("a.example", "b.example:8080")
    chosen = replace(both, allowed_hosts=("raw.githubusercontent.com",))
    assert target(chosen).allowed_hosts == ("raw.githubusercontent.com",)


def test_the_crawler_opens_no_port_and_fetches_no_other_scheme() -> None:
    """Read from a crawler built and run as every crawl is: Scrapy's defaults start a telnet console
    and a remote-control server that runs code sent to it."""
    with ScriptedServer() as srv:
        url = srv.add("/x", Reply(body=b"ok"))
        crawler = new_crawler(FAST)
        [fetched] = run(crawler, [Target("x", (url,))])
    assert fetched.ok
    assert {type(e).__name__ for e in crawler.extensions.middlewares} == {
        "CoreStats",
        "LogCount",
        "AutoThrottle",
    }
    assert not crawler.settings.getbool("TELNETCONSOLE_ENABLED")
    assert not crawler.settings.getbool("REMOTE_CONTROL_ENABLED")
    handlers = crawler.settings.getwithbase("DOWNLOAD_HANDLERS")
    assert {s for s, h in handlers.items() if h} == {"http", "https"}
    middlewares = [type(m).__name__ for m in crawler.engine.downloader.middleware.middlewares]
    assert middlewares.index("InBoundsMiddleware") < middlewares.index("RobotsTxtMiddleware")
    assert "HttpCacheMiddleware" not in middlewares and "MetaRefreshMiddleware" not in middlewares
    assert "InBoundsRedirectMiddleware" in middlewares and "RedirectMiddleware" not in middlewares
    assert crawler.settings.getint("DOWNLOAD_MAXSIZE") == FAST.max_body_bytes
    assert crawler.settings.getint("REDIRECT_MAX_TIMES") == FAST.max_redirects
    assert crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
