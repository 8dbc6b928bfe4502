"""What a crawl hands to the rest of the pipeline: one record per URL fetched (or failed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ratecard.crawler.bounds import hosts_of


@dataclass(frozen=True)
class Fetched:
    """One fetch of one URL for one vendor. ``body`` is None when nothing usable came back."""

    vendor: str
    url: str
    status: int | None
    content_type: str | None
    body: bytes | None
    fetched_at: datetime
    error: str | None = None
    origin_url: str | None = None
    """For an archived capture served locally: the page's own URL."""
    captured_at: datetime | None = None
    """For an archived capture: when the page was captured."""

    @property
    def source_url(self) -> str:
        """The URL a rate read from this body cites: the page's own, not where it was replayed from."""
        return self.origin_url or self.url

    @property
    def captured(self) -> datetime:
        """When the body's content was captured: the fetch time, or an archive's capture time."""
        return self.captured_at or self.fetched_at

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and self.body is not None


@dataclass(frozen=True)
class Target:
    """What to fetch for one vendor: its start URLs, how to follow links, and where they may lead."""

    vendor: str
    start_urls: tuple[str, ...]
    follow_json_key: str | None = None
    """JSON key of the next page's URL in a paged API answer."""
    follow_json_each: str | None = None
    """JSON key of the URL to fetch for every object of a JSON array answer (a folder listing)."""
    max_pages: int = 500
    """Most URLs followed from pages (next pages, listed files), beyond the start URLs."""
    allowed_hosts: tuple[str, ...] = ()
    """``host`` or ``host:port`` entries that links and redirects may lead to (a bare host means
    the scheme's default port); empty means the hosts of the start URLs."""

    @property
    def hosts(self) -> tuple[str, ...]:
        return self.allowed_hosts or hosts_of(self.start_urls)
