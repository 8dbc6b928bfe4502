"""A local HTTP server that serves captures in the shape the real endpoints have.

Pages are served as captured. JSON API captures are served as the API answers: OpenRouter's
scraper envelope is reduced to ``{"data": [...]}``, and Azure's NDJSON items are paged 100 at a
time as ``{"Items": [...], "NextPageLink": ..., "Count": ...}``. Tests add routes that fail.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
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


def api_body(path: Path) -> bytes:
    """A captured JSON body as the live API returns it (scraper envelopes removed)."""
    raw = path.read_bytes()
    doc = json.loads(raw)
    if isinstance(doc, dict) and isinstance(doc.get("data"), list) and {"api_url", "source"} & doc.keys():
        return json.dumps({"data": doc["data"]}).encode()
    return raw


def ndjson_pages(path: Path, size: int = PAGE_SIZE) -> list[dict[str, object]]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"Items": items[i : i + size]} for i in range(0, len(items), size)] or [{"Items": []}]


def route_for(path: Path) -> Route:
    ctype = _TYPES.get(path.suffix, "application/octet-stream")
    if path.suffix == ".ndjson":
        return Route(content_type=ctype, pages=ndjson_pages(path))
    if path.suffix == ".json":
        return Route(api_body(path), content_type=ctype)
    return Route(path.read_bytes(), content_type=ctype)


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
                if route.pages is not None:
                    body = server._page(parts.path, route.pages, parse_qs(parts.query))
                # The client may have timed out first: that is what a delay route tests.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(route.status, route.content_type, body)

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

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
        more = index + 1 < len(pages)
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
