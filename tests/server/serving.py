"""What the server tests share (imported as ``from serving import ...``; fixtures stay in conftest):
the hostile names, the archive `ratecard backfill` fills the test database from, and a real
`ratecard serve` started and stopped."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from ratecard.captures import bundled_dir

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
