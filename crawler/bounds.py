"""Where the crawl may go. Links in page bodies and redirect targets are hostile input: they are
checked here, as plain strings, before anything is fetched from them (no Scrapy import here)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
"""The only schemes the crawl fetches, with the port a host entry without one stands for."""
MAX_URL_CHARS = 2048
"""Longer URLs are refused: the fetch log's ``url`` column holds no more."""
_NETLOC = re.compile(
    r"(?P<host>[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?",
)
"""A plain host (name or bracketed IPv6) and optional port: no credentials, no odd characters that
another URL parser might read as a different host."""


def shorten(text: str, limit: int = 160) -> str:
    """``text`` safe to print on one line of a log: control and non-ASCII characters escaped,
    at most ``limit`` characters (the middle elided), so a hostile URL cannot flood or forge lines."""
    safe = "".join(
        c if c.isascii() and c.isprintable() else c.encode("unicode_escape").decode() for c in text
    )
    if len(safe) <= limit:
        return safe
    keep = limit - 1
    return f"{safe[: keep - keep // 4]}…{safe[len(safe) - keep // 4 :]}"


def _origin(netloc: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a strict ``host[:port]``, lowercased, trailing dot dropped; else None."""
    found = _NETLOC.fullmatch(netloc.lower())
    if found is None:
        return None
    port = found["port"]
    return found["host"].rstrip("."), int(port) if port else None


def hosts_of(urls: Iterable[str]) -> tuple[str, ...]:
    """The default allowed hosts: each URL's host, with its port when the URL names one."""
    out: list[str] = []
    for url in urls:
        origin = _origin(urlsplit(url).netloc)
        if origin is not None:
            host, port = origin
            entry = host if port is None else f"{host}:{port}"
            if entry not in out:
                out.append(entry)
    return tuple(out)


def _allows(entry: str, scheme: str, host: str, port: int) -> bool:
    """An entry ``host`` allows that host on the scheme's default port; ``host:port`` that port."""
    origin = _origin(entry)
    if origin is None:
        return False
    allowed_host, allowed_port = origin
    return allowed_host == host and (allowed_port or DEFAULT_PORTS[scheme]) == port


def refusal(url: str, allowed: Iterable[str], came_from: str | None = None) -> str | None:
    """Why ``url`` (as Scrapy will fetch it, ``Request.url``) may not be fetched, or None if it may.

    ``allowed`` are the vendor's host entries; ``came_from`` the page or redirect that named the
    URL (an https page may not lead to plain http, where anyone on the path could answer).
    """
    if len(url) > MAX_URL_CHARS:
        return f"the URL is longer than {MAX_URL_CHARS} characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return f"scheme {shorten(scheme, 20)!r} is not http or https" if scheme else "not an absolute URL"
    origin = _origin(parts.netloc)
    if origin is None:
        return f"{shorten(parts.netloc, 80)!r} is not a plain host[:port] (credentials or odd characters)"
    host, port = origin
    if port is not None and not 0 < port < 65536:
        return f"port {port} is out of range"
    if came_from is not None and came_from.lower().startswith("https:") and scheme == "http":
        return "it leaves https for plain http"
    hosts = tuple(allowed)
    if not any(_allows(entry, scheme, host, port or DEFAULT_PORTS[scheme]) for entry in hosts):
        where = host if port is None else f"{host}:{port}"
        return f"host {where} is not in allowed_hosts ({shorten(', '.join(hosts), 120) or 'none'})"
    return None
