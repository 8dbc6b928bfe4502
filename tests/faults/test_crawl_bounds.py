"""Hostile pages against the real crawl: links, redirects, bodies and servers that try to take it
out of bounds, each served by a real HTTP server on 127.0.0.1 (issue 13, the crawl items)."""

from __future__ import annotations

import gzip
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from helpers import Reply, ScriptedServer, closed_port, with_urls, write_config
from sqlmodel import select

from ratecard.config.settings import Settings
from ratecard.crawler.bounds import hosts_of, refusal, shorten
from ratecard.crawler.engine import crawl
from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.rawstore import RawStore
from ratecard.crawler.settings import CrawlSettings
from ratecard.crawler.tables import FetchRecord
from ratecard.db import open_db, session
from ratecard.locations import raw_dir
from ratecard.outcome import EXIT_VENDOR_FAILED, VendorOutcome
from ratecard.pipeline import run_day

DAY = date(2025, 12, 20)
FAST = CrawlSettings(
    user_agent="ratecard-test/1",
    retry_times=2,
    retry_backoff_base=0.01,
    autothrottle_start_delay=0.0,
    download_timeout=3,
)


@pytest.fixture
def home() -> Iterator[ScriptedServer]:
    """The vendor's own server."""
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def foreign() -> Iterator[ScriptedServer]:
    """A server the vendor's config does not allow: it must never see a request."""
    with ScriptedServer() as srv:
        yield srv


def one(fetched: list[Fetched]) -> Fetched:
    assert len(fetched) == 1, fetched
    return fetched[0]


def run_azure(
    sqlite_url: str, settings: Settings, url: str
) -> tuple[VendorOutcome, list[FetchRecord], list[bytes]]:
    """The nightly run for the paged vendor at ``url``: its outcome, fetch rows and stored bodies."""
    engine = open_db(sqlite_url)
    raw = RawStore(raw_dir(sqlite_url))
    try:
        [outcome] = run_day(engine, with_urls(settings, azure=url), raw, DAY, ["azure"]).outcomes
        with session(engine) as s:
            rows = list(s.exec(select(FetchRecord).order_by(FetchRecord.id)).all())
    finally:
        engine.dispose()
    return outcome, rows, [raw.get(d) for d in raw.digests()]


# --- links in page bodies -------------------------------------------------------------------

LINKS: dict[str, Callable[[ScriptedServer, ScriptedServer], str]] = {
    "a local file": lambda home, foreign: "file:///etc/passwd",
    "another port": lambda home, foreign: foreign.url("/prices?token=s3cret"),
    "another host name": lambda home, foreign: home.url(
        "/page2", host=f"localhost:{home.netloc.split(':')[1]}"
    ),
    "a data: URL": lambda home, foreign: "data:text/plain;base64,cm9vdDp4OjA6MA==",
    "credentials": lambda home, foreign: f"http://user:pw@{home.netloc}/page2",
}


@pytest.mark.parametrize("where", list(LINKS))
def test_a_next_page_link_out_of_bounds_fails_the_vendor_and_fetches_nothing(
    where: str, home: ScriptedServer, foreign: ScriptedServer, sqlite_url: str, settings: Settings
) -> None:
    link = LINKS[where](home, foreign)
    page = json.dumps({"Items": [], "NextPageLink": link}).encode()
    url = home.add("/api/retail/prices", Reply(body=page, headers={"Content-Type": "application/json"}))
    home.add("/page2", Reply(body=b'{"Items": [], "NextPageLink": null}'))
    outcome, rows, bodies = run_azure(sqlite_url, settings, url)
    assert not outcome.ok
    assert outcome.message is not None and outcome.message.startswith("azure: refused link to ")
    assert shorten(link) in outcome.message
    assert foreign.seen == []
    assert home.paths() == ["/api/retail/prices"]
    assert {s.host for s in home.seen} == {home.netloc}
    assert bodies == [page]  # the page is kept; nothing from the refused link is
    assert [(r.status, r.sha256 is None) for r in rows] == [(200, False), (None, True)]


def test_a_listing_naming_one_foreign_file_fetches_none_of_its_files(
    home: ScriptedServer, foreign: ScriptedServer
) -> None:
    listing = [
        {"download_url": home.add("/a.json", Reply(body=b"{}"))},
        {"download_url": foreign.url("/b.json")},
    ]
    url = home.add("/contents", Reply(body=json.dumps(listing).encode()))
    fetched = crawl([Target("mistral", (url,), follow_json_each="download_url")], FAST)
    assert [f.ok for f in fetched] == [True, False]
    assert fetched[1].error == (
        f"refused link to {foreign.url('/b.json')} (found in {url}): "
        f"host {foreign.netloc} is not in allowed_hosts ({home.netloc})"
    )
    assert home.paths() == ["/contents"] and foreign.seen == []


def test_a_listing_longer_than_max_pages_fetches_none_of_its_files(home: ScriptedServer) -> None:
    listing = [{"download_url": home.add(f"/{n}.json", Reply(body=b"{}"))} for n in range(3)]
    url = home.add("/contents", Reply(body=json.dumps(listing).encode()))
    fetched = crawl([Target("mistral", (url,), follow_json_each="download_url", max_pages=2)], FAST)
    assert [f.ok for f in fetched] == [True, False]
    assert fetched[1].error == f"stopped after 2 pages: {url} lists too many"
    assert home.paths() == ["/contents"]


def test_pagination_that_loops_or_never_ends_stops(home: ScriptedServer) -> None:
    def page(n: int) -> Reply:
        return Reply(body=json.dumps({"Items": [], "NextPageLink": home.url(f"/p{n + 1}")}).encode())

    chain = [home.add(f"/p{n}", page(n)) for n in range(1, 9)]
    loop = home.add("/loop", Reply(body=json.dumps({"NextPageLink": "/loop"}).encode()))
    fetched = crawl(
        [
            Target("a", (chain[0],), follow_json_key="NextPageLink", max_pages=3),
            Target("b", (loop,), "NextPageLink"),
        ],
        FAST,
    )
    errors = {f.vendor: f.error for f in fetched if f.error}
    assert errors == {
        "a": "stopped after 3 pages: pagination does not end",
        "b": f"pagination loops back to {loop}",
    }
    assert sorted(p for p in home.paths() if p.startswith("/p")) == ["/p1", "/p2", "/p3", "/p4"]


def test_a_body_nested_past_any_parser_is_kept_without_a_crash(
    home: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = b"[" * 100_000
    url = home.add("/api", Reply(body=body))
    fetched = one(crawl([Target("x", (url,), follow_json_key="next", follow_json_each="url")], FAST))
    assert fetched.ok and fetched.body == body  # its parser refuses it, by name, later
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_meta_refresh_is_page_content_not_a_redirect(home: ScriptedServer, foreign: ScriptedServer) -> None:
    html = (
        f'<html><head><meta http-equiv="refresh" content="0;url={foreign.url("/")}"></head></html>'.encode()
    )
    url = home.add("/pricing", Reply(body=html, headers={"Content-Type": "text/html"}))
    fetched = one(crawl([Target("x", (url,))], FAST))
    assert fetched.ok and fetched.body == html and fetched.url == url
    assert foreign.seen == []


def test_a_start_url_of_another_scheme_is_not_fetched() -> None:
    fetched = one(crawl([Target("x", ("file:///etc/passwd",))], FAST))
    assert fetched.error == "start URL file:///etc/passwd not fetched: scheme 'file' is not http or https"
    assert fetched.body is None


# --- redirects ------------------------------------------------------------------------------


def test_a_redirect_to_another_host_fails_and_names_its_target(
    home: ScriptedServer, foreign: ScriptedServer
) -> None:
    away = foreign.url("/collect?key=abc")
    url = home.add("/pricing", Reply(302, headers={"Location": away}))
    fetched = one(crawl([Target("x", (url,))], FAST))
    assert fetched.error == (
        f"refused redirect from {url} to {away}: host {foreign.netloc} is not in allowed_hosts ({home.netloc})"
    )
    assert fetched.body is None and foreign.seen == []


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
        ("javascript:alert(1)", "scheme 'javascript' is not http or https"),
        ("http://[", "not a valid URL"),
    ],
)
def test_a_redirect_to_nothing_fetchable_fails_and_names_its_target(
    location: str, why: str, home: ScriptedServer
) -> None:
    url = home.add("/pricing", Reply(301, headers={"Location": location}))
    fetched = one(crawl([Target("x", (url,))], FAST))
    assert fetched.error == f"refused redirect from {url} to {location}: {why}"
    assert fetched.body is None
    assert home.paths() == ["/pricing"]


def test_a_robots_txt_redirect_out_of_bounds_is_not_followed(
    home: ScriptedServer, foreign: ScriptedServer
) -> None:
    home.add("/robots.txt", Reply(302, headers={"Location": foreign.url("/robots.txt")}))
    url = home.add("/pricing", Reply(body=b"prices"))
    fetched = one(crawl([Target("x", (url,))], FAST))
    assert fetched.ok and fetched.body == b"prices"  # no robots.txt to read: Scrapy's rule, allowed
    assert [s.path for s in home.seen] == ["/robots.txt", "/pricing"]
    assert foreign.seen == []


def test_redirects_stop_at_max_redirects(home: ScriptedServer) -> None:
    url = home.add("/a", Reply(302, headers={"Location": "/b"}))
    home.add("/b", Reply(302, headers={"Location": "/a"}))
    fetched = one(crawl([Target("x", (url,))], replace(FAST, max_redirects=3)))
    assert fetched.error is not None and "max redirections reached" in fetched.error
    assert fetched.body is None
    assert home.paths() == ["/a", "/b", "/a", "/b"]  # the first answer and three redirects


# --- bodies ---------------------------------------------------------------------------------

BIG = b"x" * 50_000
BODIES = {
    "announced": Reply(body=BIG),
    "streamed": Reply(body=BIG, length=False),
    "decompressed": Reply(body=gzip.compress(b"0" * 5_000_000), headers={"Content-Encoding": "gzip"}),
}


@pytest.mark.parametrize("how", list(BODIES))
def test_a_body_over_max_body_bytes_fails_unstored(how: str, home: ScriptedServer) -> None:
    url = home.add("/pricing", BODIES[how])
    fetched = one(crawl([Target("x", (url,))], replace(FAST, max_body_bytes=10_000)))
    assert fetched.error == f"body of {url} exceeds 10000 bytes (max_body_bytes); not stored"
    assert fetched.body is None
    assert home.paths() == ["/pricing"]  # not retried


# --- servers that ask us to wait ------------------------------------------------------------


def _in_a_day() -> str:
    return format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)


@pytest.mark.parametrize("wait", [lambda: "86400", _in_a_day], ids=["seconds", "http-date"])
def test_a_retry_after_beyond_the_cap_fails_at_once_saying_so(
    wait: Callable[[], str], home: ScriptedServer
) -> None:
    url = home.add("/pricing", Reply(429, b"later", {"Retry-After": wait()}))
    started = time.monotonic()
    fetched = one(crawl([Target("x", (url,))], FAST))
    assert time.monotonic() - started < 30  # against a day
    assert fetched.status == 429 and fetched.error is not None
    assert fetched.error.startswith(f"HTTP 429 from {url}: the server asked to wait 86")
    assert fetched.error.endswith(" s, more than max_retry_after_seconds (60 s)")
    assert home.paths() == ["/pricing"]


# --- the network path -----------------------------------------------------------------------


def test_a_certificate_nobody_vouches_for_fails_the_fetch(tmp_path: Path) -> None:
    with ScriptedServer(tls_dir=tmp_path) as srv:
        url = srv.add("/pricing", Reply(body=b"prices"))
        refused = one(crawl([Target("x", (url,))], replace(FAST, retry_times=0)))
        trusted = one(crawl([Target("x", (url,))], replace(FAST, verify_certificates=False)))
    assert refused.error is not None and refused.error.startswith(f"DownloadFailedError fetching {url}: ")
    assert "certificate verify failed" in refused.error and refused.body is None
    assert trusted.ok and trusted.body == b"prices"  # the same server, checks off
    assert srv.paths() == ["/pricing"]  # only the unchecked fetch got as far as a request


# --- failures are one line ------------------------------------------------------------------


def test_an_unknown_host_is_one_line_naming_the_url() -> None:
    url = "http://ratecard-test.invalid/pricing"
    fetched = one(crawl([Target("x", (url,))], replace(FAST, retry_times=0)))
    assert fetched.error is not None and fetched.error.startswith(f"CannotResolveHostError fetching {url}: ")
    assert "\n" not in fetched.error


def test_a_nightly_run_reports_network_failures_and_refused_links_without_tracebacks(
    tmp_path: Path, home: ScriptedServer
) -> None:
    """`ratecard run` as cron starts it; its stderr is what someone reads at 3 a.m."""
    down = f"http://127.0.0.1:{closed_port()}/pricing.md"
    page = home.add(
        "/api", Reply(body=json.dumps({"Items": [], "NextPageLink": "file:///etc/passwd"}).encode())
    )
    with ScriptedServer(tls_dir=tmp_path) as impostor:
        config = write_config(
            tmp_path / "c.toml", anthropic=down, azure=page, openrouter=impostor.url("/models")
        )
        done = _run(config, tmp_path)
    assert done.returncode == EXIT_VENDOR_FAILED, done.stderr
    assert "Traceback" not in done.stderr and '  File "' not in done.stderr
    failed = {x.split(" ", 1)[0]: x for x in done.stderr.splitlines() if " failed: " in x}
    assert failed["anthropic"].startswith(
        f"anthropic failed: anthropic: DownloadConnectionRefusedError fetching {down}"
    )
    assert failed["azure"].startswith("azure failed: azure: refused link to file:///etc/passwd (found in ")
    assert "certificate verify failed" in failed["openrouter"]


def _run(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`ratecard run` in a process of its own, as cron starts it."""
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code = "from ratecard.cli import main; main()"
    args = ["run", "--config", str(config), "--db", db, "--date", DAY.isoformat()]
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


# --- the checks themselves ------------------------------------------------------------------

ALLOWED = ("prices.azure.com", "127.0.0.1:8080")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://prices.azure.com/api?$skip=100", None),
        ("https://PRICES.azure.com./api", None),
        ("https://prices.azure.com:443/api", None),
        ("http://127.0.0.1:8080/x", None),
        ("https://prices.azure.com:8443/api", "host prices.azure.com:8443 is not in allowed_hosts"),
        ("http://127.0.0.1/x", "host 127.0.0.1 is not in allowed_hosts"),
        ("https://evil.example/prices.azure.com", "host evil.example is not in allowed_hosts"),
        ("https://prices.azure.com.evil.example/", "host prices.azure.com.evil.example is not in"),
        ("https://prices.azure.com@evil.example/", "is not a plain host[:port]"),
        ("https://evil.example\\@prices.azure.com/", "is not a plain host[:port]"),
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
        ("javascript:alert(1)", "scheme 'javascript' is not http or https"),
        ("//prices.azure.com/api", "not an absolute URL"),
        ("https://prices.azure.com/" + "a" * 2048, "the URL is longer than 2048 characters"),
    ],
)
def test_refusal_reads_urls_strictly(url: str, why: str | None) -> None:
    found = refusal(url, ALLOWED)
    assert found is None if why is None else why in (found or "")


def test_an_https_page_may_not_lead_to_plain_http() -> None:
    assert refusal("http://prices.azure.com/api", ALLOWED, came_from="https://prices.azure.com/") == (
        "it leaves https for plain http"
    )
    assert refusal("https://prices.azure.com/api", ALLOWED, came_from="http://prices.azure.com/") is None


def test_default_hosts_keep_a_port_only_where_the_url_names_one() -> None:
    assert hosts_of(["https://a.example/x", "http://b.example:8080/y", "https://a.example/z"]) == (
        "a.example",
        "b.example:8080",
    )


def test_shorten_makes_hostile_text_one_short_printable_line() -> None:
    assert (
        shorten("http://x/\n2025-12-20 ERROR forged\x1b[31m")
        == "http://x/\\n2025-12-20 ERROR forged\\x1b[31m"
    )
    long = shorten("http://x/" + "a" * 5000 + "/end", 100)
    assert len(long) == 100 and long.startswith("http://x/aaa") and long.endswith("a/end")
