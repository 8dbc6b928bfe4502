"""The browser toolchain works: pip's playwright drives Debian's chromium-headless-shell.

The browser is the system one (``scripts/test.sh`` installs it with apt and exports its path as
``RATECARD_CHROMIUM``); playwright's own browser download cannot reach the internet from here.
Without it these tests skip, except under ``CI=1``, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import LAUNCH_ARGS, chromium_path


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") not in (None, "", "0", "false"):
            pytest.fail("chromium-headless-shell not found: CI must run the browser tests")
        pytest.skip("chromium-headless-shell is not installed (scripts/test.sh installs it as root)")
    assert os.access(path, os.X_OK), f"RATECARD_CHROMIUM={path} is not an executable"
    return path


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A local http.server on 127.0.0.1 serving one page; yields its URL and the paths requested."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>ratecard smoke</title></head>"
        "<body><p id='made-by-js'></p>"
        "<script>document.getElementById('made-by-js').textContent = String(6 * 7);</script>"
        "</body></html>"
    )
    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            requested.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html", requested
    finally:
        server.shutdown()
        server.server_close()


def test_playwright_drives_the_system_chromium(chromium: str, site: tuple[str, list[str]]) -> None:
    from playwright.sync_api import sync_playwright

    url, requested = site
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS, timeout=60_000)
        try:
            page = browser.new_page()
            response = page.goto(url, timeout=30_000)
            assert response is not None and response.status == 200
            assert page.title() == "ratecard smoke"
            # the page's own script ran: this is a browser, not an HTML fetcher
            assert page.text_content("#made-by-js") == "42"
            version = browser.version
        finally:
            browser.close()
    assert "/index.html" in requested
    assert version.split(".")[0].isdigit(), version
