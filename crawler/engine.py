"""Run the spider in-process through Scrapy's own crawler API, as many times as a process needs.

Twisted's reactor cannot be restarted, so it runs once, in a daemon thread, and each crawl is
submitted to it; callers get a plain blocking function.
"""

from __future__ import annotations

import threading
from typing import Any

from ratecard.crawler.fetch import Fetched, Target
from ratecard.crawler.settings import REACTOR, CrawlSettings

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _reactor() -> Any:
    global _thread
    with _lock:
        from scrapy.utils.reactor import install_reactor

        install_reactor(REACTOR)
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
