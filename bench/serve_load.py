"""How `ratecard serve` holds load: 32 clients for 30 s on 127.0.0.1 while a backfill writes.

For SQLite and for PostgreSQL (a throwaway cluster started here with initdb, as the tests do),
`ratecard serve --workers 2` answers a mix of GET /api/v1/prices?vendor=anthropic, a model page
and POST /api/v1/cost, while `ratecard backfill` writes one run per day into the same database.
Prints requests/s, p50/p99 per route and errors, then how long one API answer takes against the
same answer from a new CLI process. Only 127.0.0.1 is ever contacted; every loop is bounded.

    .venv/bin/python bench/serve_load.py [--seconds 30] [--clients 32] [--backend B] [--no-writer]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx

VENV_BIN = Path(sys.executable).parent
RATECARD = str(VENV_BIN / "ratecard")
HOST = "127.0.0.1"
COST = {"model": "anthropic/claude-sonnet-4-5", "usage": {"input_tokens": 5000, "output_tokens": 500}}
ROUTES = (
    ("GET", "/api/v1/prices?vendor=anthropic", None),
    ("GET", "/models/anthropic/claude-sonnet-4-5", None),
    ("POST", "/api/v1/cost", COST),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RATECARD_")}


def captures(root: Path, days: list[date]) -> Path:
    """An archive of anthropic's and openai's bundled captures, plus anthropic's latest page
    re-dated to each of ``days`` (what the writer replays during the load)."""
    from ratecard.captures import bundled_dir

    for vendor in ("anthropic", "openai"):
        (root / vendor).mkdir(parents=True, exist_ok=True)
        for page in (bundled_dir() / vendor).glob("20*"):
            shutil.copy(page, root / vendor / page.name)
    latest = bundled_dir() / "anthropic" / "2025-11-19__docs-claude-pricing.md"
    for day in days:
        shutil.copy(latest, root / "anthropic" / f"{day}__docs-claude-pricing.md")
    return root


def backfill(url: str, root: Path) -> subprocess.Popen[bytes]:
    cmd = [RATECARD, "backfill", str(root), "--db", url]
    return subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port (as tests/conftest.py starts one)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    bindir = Path(os.environ.get("PG_BINDIR", found[0] if found else "/usr/bin"))
    root = Path(tempfile.mkdtemp(prefix="ratecard-bench-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True)

    run(str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    opts = f"-p {port} -k {root} -c listen_addresses={HOST} -c fsync=off -c max_connections=100"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start")
    try:
        run(str(bindir / "createdb"), "-h", HOST, "-p", str(port), "-U", "postgres", "ratecard")
        yield f"postgresql+psycopg://postgres@{HOST}:{port}/ratecard"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def cpu_seconds(root: int) -> float:
    """User + system CPU of process ``root`` and its children (the uvicorn workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid, ppid = int(stat.parent.name), int(fields[1])
            if root in (pid, ppid):
                total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@contextlib.contextmanager
def serving(url: str, workers: int) -> Iterator[tuple[str, int]]:
    port = free_port()
    cmd = [RATECARD, "serve", "--db", url, "--host", HOST, "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/api/v1/runs?limit=1", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


async def load(base: str, seconds: float, clients: int) -> tuple[dict[str, list[float]], Counter[str], int]:
    """``clients`` loops, each cycling through the routes until the deadline; latencies per route,
    and the failed answers by route and status (or exception)."""
    latencies: dict[str, list[float]] = {path: [] for _, path, _ in ROUTES}
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        n = i
        while time.monotonic() < deadline:
            method, path, body = ROUTES[n % len(ROUTES)]
            n += 1
            start = time.perf_counter()
            try:
                answer = await http.request(method, path, json=body)
                failure = (
                    None if answer.status_code == 200 else f"HTTP {answer.status_code}: {answer.text[:160]}"
                )
            except httpx.HTTPError as exc:
                failure = type(exc).__name__
            latencies[path].append(time.perf_counter() - start)
            if failure is not None:
                errors[f"{path} {failure}"] += 1

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return latencies, errors, sum(len(v) for v in latencies.values())


def median_seconds(run: object, times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def one_answer_ratio(base: str, url: str) -> tuple[float, float]:
    """Median seconds of one API answer (warm server) and of the same rows from a new CLI process."""
    api_url = base + "/api/v1/prices?vendor=anthropic&as_of=2025-11-19"
    cli = [
        RATECARD,
        "prices",
        "--vendor",
        "anthropic",
        "--as-of",
        "2025-11-19",
        "--format",
        "json",
        "--db",
        url,
    ]
    with httpx.Client() as http:
        http.get(api_url)
        api = median_seconds(lambda: http.get(api_url).raise_for_status(), 21)
    command = median_seconds(lambda: subprocess.run(cli, check=True, capture_output=True, env=env()), 5)
    return api, command


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def bench(
    backend: str, url: str, folder: Path, seconds: float, clients: int, workers: int, write: bool
) -> None:
    first = date(2026, 2, 1)
    writes = [first + timedelta(days=i) for i in range(int(seconds) * 2)]
    seed = captures(folder / "seed", [])
    if (
        subprocess.run(
            [RATECARD, "backfill", str(seed), "--db", url], env=env(), capture_output=True
        ).returncode
        > 1
    ):
        raise SystemExit(f"{backend}: the seed backfill failed")
    writer_root = folder / "writes" / "anthropic"
    writer_root.mkdir(parents=True)
    latest = seed / "anthropic" / "2025-11-19__docs-claude-pricing.md"
    for day in writes:
        shutil.copy(latest, writer_root / f"{day}__docs-claude-pricing.md")
    with serving(url, workers) as (base, pid):
        writer = backfill(url, writer_root.parent) if write else None
        spent = cpu_seconds(pid)
        try:
            latencies, errors, total = asyncio.run(load(base, seconds, clients))
            spent = cpu_seconds(pid) - spent
        finally:
            if writer is not None:
                writer.terminate()
                writer.wait(timeout=30)
        api, command = one_answer_ratio(base, url)
    during = "a backfill writing" if write else "no writer"
    print(f"\n{backend}: {clients} clients, {seconds:.0f} s, {workers} workers, {during}")
    print(f"  {total / seconds:8.1f} requests/s, {sum(errors.values())} errors of {total}")
    for failure, count in errors.most_common():
        print(f"    {count} x {failure}")
    print(f"  server CPU {spent * 1000 / max(total, 1):.1f} ms per request (its workers' user + system time)")
    for path, values in latencies.items():
        p50, p99 = pct(values, 0.5) * 1000, pct(values, 0.99) * 1000
        print(f"  {path:40} {len(values):6} requests  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    print(
        f"  one answer: API {api * 1000:.1f} ms, CLI process {command * 1000:.0f} ms ({command / api:.0f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--no-writer", action="store_true", help="Read only: no backfill during the load.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ratecard-bench-") as tmp:
        if args.backend in ("sqlite", "both"):
            folder = Path(tmp) / "sqlite"
            folder.mkdir()
            url = f"sqlite:///{folder / 'ratecard.db'}"
            bench("sqlite", url, folder, args.seconds, args.clients, args.workers, not args.no_writer)
        if args.backend in ("postgresql", "both"):
            folder = Path(tmp) / "postgresql"
            folder.mkdir()
            with postgres() as url:
                bench("postgresql", url, folder, args.seconds, args.clients, args.workers, not args.no_writer)


if __name__ == "__main__":
    main()
