"""Run the spider in-process through Scrapy's own crawler API, as many times as a process needs.

Twisted's reactor cannot be restarted, so it runs once, in a daemon thread, and each crawl is
submitted to it; callers get a plain blocking function.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ratecard.crawler.fetch import Fetched, Target

_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
_lock = threading.Lock()
_thread: threading.Thread | None = None


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and robustness knobs, from the config's [settings]."""

    user_agent: str
    download_timeout: float = 30.0
    retry_times: int = 3
    retry_backoff_base: float = 1.0
    autothrottle: bool = True
    autothrottle_start_delay: float = 1.0
    obey_robots: bool = True

    def scrapy(self) -> dict[str, Any]:
        return {
            "USER_AGENT": self.user_agent,
            "ROBOTSTXT_OBEY": self.obey_robots,
            "DOWNLOAD_TIMEOUT": self.download_timeout,
            "RETRY_ENABLED": self.retry_times > 0,
            "RETRY_TIMES": self.retry_times,
            "RETRY_BACKOFF_BASE": self.retry_backoff_base,
            "DOWNLOADER_MIDDLEWARES": {
                "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                "ratecard.crawler.middleware.BackoffRetryMiddleware": 550,
            },
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            "AUTOTHROTTLE_START_DELAY": self.autothrottle_start_delay,
            "AUTOTHROTTLE_MAX_DELAY": 30.0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TWISTED_REACTOR": _REACTOR,
        }


def _reactor() -> Any:
    global _thread
    with _lock:
        from scrapy.utils.reactor import install_reactor

        install_reactor(_REACTOR)
        from twisted.internet import reactor as installed

        reactor: Any = installed

        if _thread is None:
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


def crawl(targets: list[Target], settings: CrawlSettings) -> list[Fetched]:
    """Fetch every target; return one :class:`Fetched` per URL, failures included."""
    if not targets:
        return []
    from scrapy import signals
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import threads

    from ratecard.crawler.spider import PricingSpider

    reactor = _reactor()
    collector = _Collector()

    def start() -> Any:
        runner = CrawlerRunner(settings.scrapy())
        crawler = runner.create_crawler(PricingSpider)
        crawler.signals.connect(collector.add, signal=signals.item_scraped)
        return runner.crawl(crawler, targets=targets)

    threads.blockingCallFromThread(reactor, start)
    return collector.items
