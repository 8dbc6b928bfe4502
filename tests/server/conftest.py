"""Fixtures of the server tests: a database filled by the real pipeline, a real `ratecard serve`.

The database is built once per session by `ratecard backfill` over bundled captures of three
vendors (anthropic, openai, openrouter), plus two copies dated today so that today's answers have
verified rates: anthropic's latest page, and OpenRouter's latest API answer (whose moved values
stay quarantined, so their held values read as disputed). Every OpenRouter answer lists hostile model
ids too: markup, a template string and rich markup are stored like any other model; an id with ANSI
escapes is refused by name (said in the run's message wherever its length leaves room). OpenAI's newest page lists far fewer models than the one before: the models it
dropped are kept, flagged not-listed, and a person confirms one of them gone through
`ratecard confirm-removed`. The cross-check runs against the bundled LiteLLM registry copy, as in
`ratecard demo`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from browser import LAUNCH_ARGS, chromium_path
from serving import CONFIRMED, CONFIRMER, Live, archive, backfill, run_cli, start, stop

from ratecard.captures import bundled_registry


@pytest.fixture(scope="session")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cross-check against the bundled LiteLLM copy (what `ratecard demo` does), nothing else changed."""
    path = tmp_path_factory.mktemp("config") / "ratecard.toml"
    path.write_text(f"[settings]\nregistries = [{json.dumps(str(bundled_registry()))}]\n")
    return path


@dataclass(frozen=True)
class Demo:
    url: str
    report: str
    """What `ratecard backfill` printed: one line per vendor-day, with its notes."""


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, config_file: Path) -> Demo:
    """An SQLite database filled by `ratecard backfill` (anthropic, openai, openrouter + hostile ids),
    then one removal confirmed by a person (:data:`CONFIRMED`)."""
    root = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{root / 'ratecard.db'}"
    vendors = ("anthropic", "openai", "openrouter")
    report = backfill(url, archive(root / "archive", vendors, hostile=True), config_file)
    run_cli("confirm-removed", *CONFIRMED, "--by", CONFIRMER, "--db", url)
    return Demo(url, report)


@pytest.fixture(scope="session")
def demo_db(demo: Demo) -> str:
    return demo.url


@pytest.fixture(scope="session")
def live(demo_db: str) -> Iterator[Live]:
    """`ratecard serve` on 127.0.0.1 over the demo database."""
    server = start(demo_db)
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def client(live: Live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium driven by Playwright (Debian's headless shell; Playwright's own download is offline).

    Module-scoped, not session-scoped: between its calls Playwright's sync API leaves its asyncio
    loop marked as running on the main thread, so while it is open a later test in the same worker
    that starts Scrapy's asyncio reactor would hand it that loop and hang. Closed, it leaves none.
    """
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "no Chromium: CI must run the browser tests (apt-get install chromium-headless-shell)"
            )
        pytest.skip("no Chromium here: apt-get install chromium-headless-shell, or set RATECARD_CHROMIUM")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a development dependency")
    with playwright.sync_playwright() as p:
        found = p.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder under pytest's temporary directory (never in the repository) for page screenshots."""
    return tmp_path_factory.mktemp("screenshots")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Name the screenshot folders at the end of the run (xdist workers' folders included)."""
    factory = getattr(config, "_tmp_path_factory", None)  # pytest's own TempPathFactory
    if factory is None:
        return
    for folder in sorted(factory.getbasetemp().glob("**/screenshots*")):
        if folder.is_symlink():  # pytest's "...current" link to the newest folder
            continue
        shots = list(folder.glob("*.png"))
        if shots:
            terminalreporter.write_line(f"server page screenshots ({len(shots)}): {folder}")
