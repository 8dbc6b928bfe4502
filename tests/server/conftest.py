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
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from ratecard.captures import bundled_dir, bundled_registry

VENV_BIN = Path(sys.executable).parent
RATECARD = str(VENV_BIN / "ratecard")
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[bold red]x[/bold red]",
    "{{ 7*7 }}",
)
"""Model names an OpenRouter lister could choose; stored as ``evil/<name>`` (lower-cased by the parser)."""
REFUSED = ("\x1b[31mred\x1b[0m",)
"""Names holding control characters (an ANSI colour escape): refused by name when parsed, never stored."""
CONFIRMED = ("openai", "o1-mini")
"""A model OpenAI's newest page no longer lists, confirmed gone by a person (the others stay kept)."""
CONFIRMER = "server-tests"
TODAY = datetime.now(UTC).date()


def hostile_ids(names: tuple[str, ...] = HOSTILE) -> list[str]:
    return [f"evil/{h}".lower() for h in names]


def newest_capture_day(vendor: str) -> date:
    """The day of the vendor's newest dated bundled capture (its latest page in the archive)."""
    return max(date.fromisoformat(p.name[:10]) for p in (bundled_dir() / vendor).glob("20*"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def archive(root: Path, vendors: tuple[str, ...], hostile: bool, today: bool = True) -> Path:
    """Bundled captures of ``vendors`` laid out for `ratecard backfill`, plus today's copies."""
    src = bundled_dir()
    for vendor in vendors:
        (root / vendor).mkdir(parents=True, exist_ok=True)
        for page in sorted((src / vendor).glob("20*")):
            shutil.copy(page, root / vendor / page.name)
    if today and "anthropic" in vendors:
        latest = src / "anthropic" / "2025-11-19__docs-claude-pricing.md"
        shutil.copy(latest, root / "anthropic" / f"{TODAY}__docs-claude-pricing.md")
    if hostile:
        pages = sorted((root / "openrouter").glob("20*"))
        latest = root / "openrouter" / f"{TODAY}__{pages[-1].name.partition('__')[2]}"
        shutil.copy(pages[-1], latest)
        for page in [*pages, latest]:
            doc = json.loads(page.read_text())
            models = doc if isinstance(doc, list) else doc["data"]  # a bare .data array, or the API's object
            for name in (*HOSTILE, *REFUSED):
                pricing = {"prompt": "0.000001", "completion": "0.000002"}
                models.append({"id": f"evil/{name}", "name": name, "pricing": pricing})
            page.write_text(json.dumps(doc))
    return root


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATECARD_")}
    return subprocess.run(
        [RATECARD, *args], capture_output=True, text=True, check=check, env=env, timeout=300
    )


def backfill(url: str, root: Path, config: Path) -> str:
    """`ratecard backfill` of the archive ``root``; returns what it printed (a line per vendor-day)."""
    done = run_cli("backfill", str(root), "--db", url, "--config", str(config), check=False)
    assert done.returncode in (0, 1), done.stderr  # 1: OpenRouter's quarantined values, as in the demo
    return done.stdout


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


@dataclass
class Live:
    """A running `ratecard serve` and how to reach it."""

    base: str
    db: str
    process: subprocess.Popen[bytes]

    def url(self, path: str) -> str:
        return self.base + path


def start(db: str, *extra: str) -> Live:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATECARD_")}
    cmd = [RATECARD, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), *extra]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"ratecard serve exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(base + "/api/v1/runs?limit=1", timeout=2).status_code == 200:
                return Live(base, db, process)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("ratecard serve did not answer within 60 s")


def stop(live: Live) -> None:
    live.process.terminate()
    try:
        live.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        live.process.kill()


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


def chromium_path() -> str | None:
    """``$RATECARD_CHROMIUM`` (set by scripts/test.sh), else Debian's chromium-headless-shell."""
    env = os.environ.get("RATECARD_CHROMIUM")
    candidates = [env] if env else []
    candidates += [
        "/usr/lib/chromium/chromium-headless-shell",
        "/usr/bin/chromium-headless-shell",
        "/usr/lib/chromium/chromium",
        "/usr/bin/chromium",
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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
        found = p.chromium.launch(executable_path=path, args=BROWSER_ARGS)
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
