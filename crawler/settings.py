"""How the crawl behaves: the one declaration of its settings (no Scrapy import here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

EXTENSIONS = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
"""The only Scrapy extensions a crawl runs. Scrapy's own list also starts a telnet console and a
remote-control HTTP server that runs code sent to it (writing its token under the user's state
directory), and can write feeds, job state and memory reports: an allowlist keeps whatever a
future Scrapy adds there off too."""

DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
"""Schemes Scrapy could fetch that the crawl never may (http and https keep Scrapy's handler)."""


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and robustness knobs. Declared once: the config's ``[settings]`` keys of the
    same names are read into this (see ``config.settings``), and Scrapy's settings come from it."""

    user_agent: str = "ratecard"
    """Sent with every request; names the project and how to reach it."""
    download_timeout: float = 30.0
    """Seconds per request before it counts as a timeout."""
    retry_times: int = 3
    """Retries on 5xx, 429, timeouts and connection errors, with exponential backoff."""
    retry_backoff_base: float = 1.0
    """Seconds before the first retry; doubled for each later one."""
    max_retry_after_seconds: float = 60.0
    """Longest wait a 429/503 ``Retry-After`` may ask for; a server asking more fails the fetch."""
    max_redirects: int = 5
    """Redirects followed per fetch (each within the vendor's allowed hosts)."""
    max_body_bytes: int = 20_000_000
    """A larger body (as received, or once decompressed) fails its vendor and is not stored."""
    verify_certificates: bool = True
    """Refuse HTTPS answers whose certificate does not verify (Scrapy does not check by default)."""
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
            "RETRY_AFTER_MAX": self.max_retry_after_seconds,
            # the spider records every failure with its URL; Scrapy's own line would repeat it
            "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
            "REDIRECT_MAX_TIMES": self.max_redirects,
            "METAREFRESH_ENABLED": False,  # a page's <meta refresh> is content, not a redirect
            "HTTPERROR_ALLOW_ALL": True,  # every status reaches the spider, which records it
            "DOWNLOAD_MAXSIZE": self.max_body_bytes,
            "DOWNLOAD_WARNSIZE": 0,  # past the cap is an error; below it, no noise
            "DOWNLOAD_VERIFY_CERTIFICATES": self.verify_certificates,
            "DOWNLOAD_HANDLERS": dict(DOWNLOAD_HANDLERS),
            "DOWNLOADER_MIDDLEWARES": {
                "ratecard.crawler.middleware.InBoundsMiddleware": 25,  # before robots.txt (100)
                "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                "ratecard.crawler.middleware.BackoffRetryMiddleware": 550,
                "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
                "ratecard.crawler.middleware.InBoundsRedirectMiddleware": 600,
            },
            "EXTENSIONS_BASE": dict(EXTENSIONS),
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "HTTPCACHE_ENABLED": False,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            "AUTOTHROTTLE_START_DELAY": self.autothrottle_start_delay,
            "AUTOTHROTTLE_MAX_DELAY": 30.0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            "COOKIES_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TWISTED_REACTOR": REACTOR,
        }
