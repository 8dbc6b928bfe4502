"""How the crawl behaves: the one declaration of its settings (no Scrapy import here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and robustness knobs. Declared once: the config's ``[settings]`` keys of the
    same names are read into this (see ``config.settings``), and Scrapy's settings come from it."""

    user_agent: str = "ratecard"
    """Sent with every request; names the project and how to reach it."""
    download_timeout: float = 30.0
    """Seconds per request before it counts as a timeout."""
    retry_times: int = 3
    """Retries on 5xx, timeouts and connection errors, with exponential backoff."""
    retry_backoff_base: float = 1.0
    """Seconds before the first retry; doubled for each later one."""
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
            "TWISTED_REACTOR": REACTOR,
        }
