"""Run the spider in-process through Scrapy's own crawler API, as many times as a process needs.

Twisted's reactor cannot be restarted, so it runs once, in a daemon thread, and each crawl is
submitted to it; callers get a plain blocking function.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import TYPE_CHECKING, Any

from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.settings import REACTOR, CrawlSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_lock = threading.Lock()
_thread: threading.Thread | None = None

QUIET_LOGGERS = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.core.scraper",
    "scrapy.core.engine",
    "scrapy.core.downloader.handlers.http11",
    "twisted",
)
"""Loggers that attach a traceback to a failed download: robots.txt's above all, and Twisted's
(a certificate that does not verify)."""


@functools.cache
def _expected() -> tuple[type[BaseException], ...]:
    """Failures a crawl of pages we do not control must expect: they are one line, not a bug."""
    from OpenSSL.SSL import Error as TLSError
    from scrapy import exceptions as sx
    from service_identity.exceptions import CertificateError, VerificationError
    from twisted.internet import error as tx
    from twisted.web.client import ResponseFailed

    return (
        sx.DownloadConnectionRefusedError,
        sx.CannotResolveHostError,
        sx.DownloadTimeoutError,
        sx.DownloadFailedError,
        sx.DownloadCancelledError,
        sx.ResponseDataLossError,
        sx.UnsupportedURLSchemeError,
        sx.IgnoreRequest,
        tx.ConnectError,
        tx.ConnectionLost,
        tx.ConnectionDone,
        tx.TimeoutError,
        ResponseFailed,
        TLSError,
        CertificateError,
        VerificationError,
    )


class _NoTraceback(logging.Filter):
    """Keeps the one line Scrapy logs for an expected network failure and drops its traceback,
    which people reading a night's stderr would take for a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and isinstance(exc, _expected()):
            record.exc_info = None
            record.exc_text = None
        return True


_quiet = _NoTraceback()


def _twisted_logs_to_python() -> None:
    """Twisted writes its critical events (a certificate that does not verify, an unhandled error
    in a Deferred) to stderr, traceback and all, until logging begins: send them to Python's
    logging, where the run's handler formats them (one JSON line with ``--log-format json``)."""
    from twisted.logger import STDLibLogObserver, globalLogBeginner

    observer: Any = STDLibLogObserver(name="twisted")  # an ILogObserver (zope), unseen by mypy
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)


def _reactor() -> Any:
    global _thread
    with _lock:
        from scrapy.utils.reactor import install_reactor

        install_reactor(REACTOR)
        from twisted.internet import reactor as installed

        reactor: Any = installed

        if _thread is None:
            _twisted_logs_to_python()
            _thread = threading.Thread(
                target=reactor.run,
                kwargs={"installSignalHandlers": False},
                daemon=True,
                name="ratecard-reactor",
            )
            _thread.start()
        return reactor


class _Collector:
    """Receives items from Scrapy's item_scraped signal (kept alive: signals hold weak refs)."""

    def __init__(self) -> None:
        self.items: list[Fetched] = []

    def add(self, item: Fetched) -> None:
        self.items.append(item)


def new_crawler(settings: CrawlSettings) -> Crawler:
    """A crawler of the pricing spider with our settings over Scrapy's defaults, not yet run."""
    from scrapy.crawler import CrawlerRunner

    from ratecard.crawler.spider import PricingSpider

    for name in QUIET_LOGGERS:
        if _quiet not in logging.getLogger(name).filters:
            logging.getLogger(name).addFilter(_quiet)
    return CrawlerRunner(settings.scrapy()).create_crawler(PricingSpider)


def run(crawler: Crawler, targets: list[Target]) -> list[Fetched]:
    """Run ``crawler`` (once) on the reactor thread; return one :class:`Fetched` per URL."""
    from scrapy import signals
    from twisted.internet import threads

    reactor = _reactor()
    collector = _Collector()

    def start() -> Any:
        crawler.signals.connect(collector.add, signal=signals.item_scraped)
        return crawler.crawl(targets=targets)

    threads.blockingCallFromThread(reactor, start)
    return collector.items


def crawl(targets: list[Target], settings: CrawlSettings) -> list[Fetched]:
    """Fetch every target; return one :class:`Fetched` per URL, failures included."""
    if not targets:
        return []
    return run(new_crawler(settings), targets)
