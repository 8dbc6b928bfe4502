"""A local HTTP server that serves captures in the shape the real endpoints have.

Pages are served as captured. JSON API captures are served as the API answers: OpenRouter's
scraper envelope is reduced to ``{"data": [...]}``, and Azure's NDJSON items are paged 100 at a
time as ``{"Items": [...], "NextPageLink": ..., "Count": ...}``. Tests add routes that fail.

A capture is read from disk when it is asked for, never held: pages stream in chunks, an NDJSON
page reads only the lines it serves, so a replay of a year of captures stays small in memory.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, quote, unquote, urlsplit

PAGE_SIZE = 100
_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".ndjson": "application/json",
    ".txt": "text/plain",
}


@dataclass
class Route:
    """A canned answer. ``delay`` makes a timeout; ``status`` 500 makes a server error."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain"
    delay: float = 0.0
    pages: list[dict[str, object]] | None = None
    """Azure-style API pages (``$skip``-addressed) instead of a single body."""
    file: Path | None = None
    """A capture read at each request instead of ``body`` (see :func:`route_for`)."""


def api_body(path: Path) -> bytes:
    """A captured JSON body as the live API returns it (scraper envelopes removed)."""
    raw = path.read_bytes()
    doc = json.loads(raw)
    if isinstance(doc, dict) and isinstance(doc.get("data"), list) and {"api_url", "source"} & doc.keys():
        return json.dumps({"data": doc["data"]}).encode()
    return raw


def ndjson_items(path: Path) -> Iterator[object]:
    """The items of an NDJSON capture, one line at a time."""
    with path.open(encoding="utf-8") as lines:
        yield from (json.loads(line) for line in lines if line.strip())


def ndjson_pages(path: Path, size: int = PAGE_SIZE) -> list[dict[str, object]]:
    items = list(ndjson_items(path))
    return [{"Items": items[i : i + size]} for i in range(0, len(items), size)] or [{"Items": []}]


def route_for(path: Path) -> Route:
    """A capture served from disk: read when asked for, in the shape its endpoint answers."""
    return Route(content_type=_TYPES.get(path.suffix, "application/octet-stream"), file=path)


class CaptureServer:
    """``with CaptureServer() as srv: srv.add("/x", Route(...))`` on 127.0.0.1, any free port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                server.agents.append(self.headers.get("User-Agent", ""))
                parts = urlsplit(self.path)
                route = server.routes.get(parts.path) or server.routes.get(quote(unquote(parts.path)))
                if route is None:
                    self._send(404, "text/plain", b"not found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                body = route.body
                query = parse_qs(parts.query)
                if route.pages is not None:
                    body = server._page(parts.path, route.pages, query)
                # The client may have timed out first: that is what a delay route tests.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if route.file is None:
                        self._send(route.status, route.content_type, body)
                    elif route.file.suffix == ".ndjson":
                        page = server._file_page(parts.path, route.file, query)
                        self._send(route.status, route.content_type, page)
                    elif route.file.suffix == ".json":
                        self._send(route.status, route.content_type, api_body(route.file))
                    else:
                        self._stream(route.status, route.content_type, route.file)

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, status: int, ctype: str, path: Path) -> None:
                with path.open("rb") as f:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(path.stat().st_size))
                    self.end_headers()
                    shutil.copyfileobj(f, self.wfile, 64 * 1024)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def add_capture(self, vendor: str, capture: Path) -> str:
        """Serve a capture under its own name, URL-quoted (``?``, ``#`` and spaces are file names here)."""
        return self.add(f"/{quote(vendor)}/{quote(capture.name)}", route_for(capture))

    def _page(self, path: str, pages: list[dict[str, object]], query: dict[str, list[str]]) -> bytes:
        skip = int(query.get("$skip", ["0"])[0])
        index = skip // PAGE_SIZE
        if index >= len(pages):
            return json.dumps({"Items": [], "NextPageLink": None, "Count": 0}).encode()
        items = pages[index]["Items"]
        assert isinstance(items, list)
        return self._page_doc(path, skip, items, index + 1 < len(pages))

    def _file_page(self, path: str, file: Path, query: dict[str, list[str]]) -> bytes:
        """One ``$skip`` page of an NDJSON capture, read from disk up to the page's end."""
        skip = int(query.get("$skip", ["0"])[0])
        window = list(itertools.islice(ndjson_items(file), skip, skip + PAGE_SIZE + 1))
        items, more = window[:PAGE_SIZE], len(window) > PAGE_SIZE
        if not items and skip:
            return json.dumps({"Items": [], "NextPageLink": None, "Count": 0}).encode()
        return self._page_doc(path, skip, items, more)

    def _page_doc(self, path: str, skip: int, items: list[object], more: bool) -> bytes:
        doc = {
            "BillingCurrency": "USD",
            "CustomerEntityId": "Default",
            "CustomerEntityType": "Retail",
            "Items": items,
            "NextPageLink": self.url(f"{path}?$skip={skip + PAGE_SIZE}") if more else None,
            "Count": len(items),
        }
        return json.dumps(doc).encode()

    def __enter__(self) -> CaptureServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
