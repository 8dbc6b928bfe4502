"""ratecard's benchmark suite: one command, one table of medians and ratios measured in one run.

    .venv/bin/python bench/run.py            # the full suite (a synthetic year: see docs/performance.md)
    .venv/bin/python bench/run.py --quick    # fewer repetitions and 10 synthetic days, for development

Sections: pricing one request in-process (RateBook vs litellm.cost_per_token vs
genai_prices.calc_price, with the totals compared exactly); CLI start-up per command against
`python -c pass` and `import litellm`; table vs JSON output of every row; the demo's wall time and
peak RSS; a synthetic year of OpenRouter history through `ratecard backfill` (time per day, database
size and rows vs a copy per day, query latency at 30/180/365 days, `reparse --all` time and memory).
Everything runs offline on this machine; numbers are medians, and ratios compare runs made together.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # litellm must not go online
BIN = Path(sys.executable).parent
RATECARD = str(BIN / "ratecard")
CAPTURE = (
    Path(__file__).resolve().parent.parent
    / "ratecard/captures/openrouter/2025-12-29__openrouter-api-v1-models.json"
)
#: (our name, litellm model, litellm provider, genai-prices model, genai-prices provider)
MODELS = (
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", "anthropic"),
    ("openai/gpt-4o", "gpt-4o", "openai", "gpt-4o", "openai"),
    ("azure/gpt-5", "azure/gpt-5", None, "gpt-5", "azure"),
)
VARIANTS = 1000
"""Distinct requests cycled through (token counts differ, so no answer is a repeat of the last)."""
SLICE_S = 0.005
"""Seconds of one timed batch of each library (see :func:`median_us`)."""
MAX_BATCH = 4000
COLD = 100
"""Calls timed right after another library's batch."""
T = TypeVar("T")
_MEMORY = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def row(name: str, value: str, note: str = "") -> None:
    print(f"| {name} | {value} | {note} |", flush=True)


def section(title: str) -> None:
    print(f"\n### {title}\n\n| measure | value | note |\n|---|---|---|", flush=True)


Batch = Callable[[int, int], object]
"""``call(first, count)``: ``count`` calls in a tight loop over the library's own prepared
arguments from index ``first`` on (so token counts vary)."""


def median_us(schedule: list[tuple[str, Batch, int | None]], rounds: int) -> dict[str, float]:
    """Median wall time of one call, in µs, per name of ``schedule``: (name, batch, count), run in
    order each round, so a shared machine's changing load weighs on each the same.

    A count of None is calibrated to :data:`SLICE_S` of that library's calls: equal slices of time,
    not equal counts, so the fastest library is not the one that most often starts cold, right after
    another library flushed the processor's caches (100 of our calls last 0.2 ms, 100 of genai-prices'
    20 ms). A fixed count measures just that start instead; a name may appear more than once.
    """
    counts: dict[int, int] = {}
    for i, (_name, call, count) in enumerate(schedule):
        call(0, 1)
        begin = time.perf_counter()
        call(0, 10)
        per_call = (time.perf_counter() - begin) / 10
        counts[i] = count or max(1, min(MAX_BATCH, int(SLICE_S / per_call)))
    times: dict[str, list[float]] = {name: [] for name, _, _ in schedule}
    for r in range(rounds):
        for i, (name, call, _) in enumerate(schedule):
            n = counts[i]
            begin = time.perf_counter()
            call((r * n) % VARIANTS, n)
            times[name].append((time.perf_counter() - begin) / n)
    return {name: statistics.median(found) * 1e6 for name, found in times.items()}


def cycled(items: list[T]) -> list[T]:
    """``items`` repeated so any slice of up to MAX_BATCH from an index below VARIANTS exists."""
    return items * (2 + MAX_BATCH // len(items))


def wall(cmd: list[str], runs: int, **kw: object) -> float:
    """Median seconds of a command, each in a new process (after one warm-up run)."""
    subprocess.run(cmd, capture_output=True, check=False, **kw)  # type: ignore[call-overload]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, **kw)  # type: ignore[call-overload]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEMORY, *cmd], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def _eq(theirs: Decimal, ours: Decimal) -> str:
    """Exactly equal, equal within a float's rounding (litellm's floats), or different."""
    if theirs == ours:
        return "=="
    return "≈ (float rounding)" if abs(theirs - ours) <= abs(ours) * Decimal("1e-12") else "!="


def pricing(db: str, rounds: int) -> None:
    """The same requests priced in-process by the three libraries, per call."""
    import genai_prices
    import litellm

    from ratecard import RateBook, Usage

    section(
        f"Pricing one request in-process (median µs per call: {rounds} batches each, a batch a tight "
        f"loop of ~{SLICE_S * 1000:.0f} ms of calls, the libraries' batches interleaved; token counts vary)"
    )
    start = time.perf_counter()
    book = RateBook.open(db)
    row("RateBook.open", f"{(time.perf_counter() - start) * 1000:.1f} ms", f"{len(book.models())} models")
    for ours, lite, provider, genai, genai_provider in MODELS:
        start = time.perf_counter()
        book.price(ours, Usage(input_tokens=1, output_tokens=1))
        cold = (time.perf_counter() - start) * 1000

        # each library's own request object is built before the clock starts (litellm takes ints);
        # a batch is a loop over a slice of them, the call itself spelled out as a user writes it
        tokens = cycled([5000 + i for i in range(VARIANTS)])
        usages = [Usage(input_tokens=n, output_tokens=500) for n in tokens[:VARIANTS]]
        theirs = [genai_prices.Usage(input_tokens=n, output_tokens=500) for n in tokens[:VARIANTS]]
        usages, theirs = cycled(usages), cycled(theirs)

        def rb(first: int, n: int, ours: str = ours, usages: list[Usage] = usages) -> object:
            total = None
            for usage in usages[first : first + n]:
                total = book.price(ours, usage).total_usd
            return total

        def ll(
            first: int, n: int, lite: str = lite, provider: str | None = provider, tokens: list[int] = tokens
        ) -> object:
            total = None
            for k in tokens[first : first + n]:
                total = litellm.cost_per_token(
                    model=lite, prompt_tokens=k, completion_tokens=500, custom_llm_provider=provider
                )
            return total

        def gp(
            first: int,
            n: int,
            genai: str = genai,
            genai_provider: str = genai_provider,
            theirs: Sequence[object] = theirs,
        ) -> object:
            total = None
            for usage in theirs[first : first + n]:
                total = genai_prices.calc_price(usage, genai, provider_id=genai_provider).total_price
            return total

        def build(first: int, n: int, tokens: list[int] = tokens) -> object:
            made = None
            for k in tokens[first : first + n]:
                made = Usage(input_tokens=k, output_tokens=500)
            return made

        def build_theirs(first: int, n: int, tokens: list[int] = tokens) -> object:
            made = None
            for k in tokens[first : first + n]:
                made = genai_prices.Usage(input_tokens=k, output_tokens=500)
            return made

        found = median_us(
            [
                ("ours", rb, None),
                ("litellm", ll, None),
                ("ours, cold", rb, COLD),
                ("genai", gp, None),
                ("ours, cold", rb, COLD),
                ("usage", build, None),
                ("genai usage", build_theirs, None),
            ],
            rounds,
        )
        ours_us, lite_us, genai_us = found["ours"], found["litellm"], found["genai"]
        total = book.price(ours, Usage(input_tokens=5000, output_tokens=500)).total_usd
        lite_total = sum(
            (
                Decimal(repr(x))
                for x in litellm.cost_per_token(
                    model=lite, prompt_tokens=5000, completion_tokens=500, custom_llm_provider=provider
                )
            ),
            Decimal(0),
        )
        genai_total = Decimal(
            genai_prices.calc_price(theirs[0], genai, provider_id=genai_provider).total_price
        )
        lite_same, genai_same = _eq(lite_total, total), _eq(genai_total, total)
        row(f"{ours}: RateBook.price", f"{ours_us:.2f} µs", f"total {total} (exact)")
        row(
            f"{ours}: litellm.cost_per_token",
            f"{lite_us:.1f} µs",
            f"{lite_us / ours_us:.0f}× the RateBook; total {lite_same} ({lite_total})",
        )
        row(
            f"{ours}: genai_prices.calc_price",
            f"{genai_us:.1f} µs",
            f"{genai_us / ours_us:.0f}× the RateBook; total {genai_same} ({genai_total})",
        )
        cold_us, usage_us, theirs_us = found["ours, cold"], found["usage"], found["genai usage"]
        row(
            f"{ours}: RateBook.price right after another library",
            f"{cold_us:.2f} µs",
            f"{COLD} calls timed just after a batch of litellm's or genai-prices' (the first of them "
            f"with cold caches): still {lite_us / cold_us:.0f}× / {genai_us / cold_us:.0f}× faster",
        )
        whole, theirs_whole = usage_us + ours_us, theirs_us + genai_us
        row(
            f"{ours}: building the request object too",
            f"{whole:.2f} µs",
            f"a Usage ({usage_us:.2f} µs) + price: {lite_us / whole:.0f}× faster than litellm (plain ints), "
            f"{theirs_whole / whole:.0f}× than genai-prices' Usage ({theirs_us:.2f} µs) + calc_price",
        )
        row(
            f"{ours}: first request to the model",
            f"{cold:.1f} ms",
            "reads the vendor's history once (the first of all imports the read path too)",
        )


def startup(db: str, runs: int) -> None:
    section(f"CLI start-up (median of {runs} new processes)")
    base = wall([sys.executable, "-c", "pass"], runs)
    row("python -c pass", f"{base * 1000:.0f} ms", "1.0×")
    cases = {
        "import litellm": [sys.executable, "-c", "import litellm"],
        "ratecard --version": [RATECARD, "--version"],
        "ratecard prices --vendor anthropic --format json": [
            RATECARD,
            "prices",
            "--vendor",
            "anthropic",
            "--format",
            "json",
            "--db",
            db,
        ],
        "ratecard history claude-sonnet-4-5": [RATECARD, "history", "claude-sonnet-4-5", "--db", db],
        "ratecard cost anthropic/claude-sonnet-4-5 ...": [
            RATECARD,
            "cost",
            "anthropic/claude-sonnet-4-5",
            "--input-tokens",
            "5000",
            "--output-tokens",
            "500",
            "--db",
            db,
        ],
    }
    for name, cmd in cases.items():
        secs = wall(cmd, runs)
        row(name, f"{secs * 1000:.0f} ms", f"{secs / base:.1f}× python -c pass")


def tables(db: str, runs: int) -> None:
    """Whole commands (new processes), then the rendering alone (in-process, same rows)."""
    import io

    from ratecard import readmodel
    from ratecard.config.settings import load
    from ratecard.db_read import open_reader
    from ratecard.output import Format, emit, rich_table
    from ratecard.rows import ChangeRow, PriceRow, columns

    section(f"Table vs JSON output of every row (median of {runs}; stdout a pipe, so tables are plain text)")
    stale = load(None).stale_after
    with open_reader(db) as r:
        found: dict[str, tuple[list[object], type]] = {
            "prices": (list(readmodel.prices(r, date.today(), stale)), PriceRow),
            "changes": (list(readmodel.changes(r)), ChangeRow),
        }
    for command, (rows, kind) in found.items():
        js = wall([RATECARD, command, "--format", "json", "--db", db], runs)
        tb = wall([RATECARD, command, "--format", "table", "--db", db], runs)
        row(
            f"`ratecard {command}` ({len(rows)} rows)",
            f"table {tb * 1000:.0f} ms, json {js * 1000:.0f} ms",
            f"table/json {tb / js:.2f}",
        )

        def render(fmt: Format, rows: list[object] = rows, kind: type = kind) -> None:
            emit(io.StringIO(), rows, fmt, kind)

        text = statistics.median(_timed(lambda: render(Format.table)) for _ in range(runs))
        as_json = statistics.median(_timed(lambda: render(Format.json)) for _ in range(runs))
        row(
            f"rendering {command}: plain table vs JSON",
            f"{text * 1000:.0f} ms vs {as_json * 1000:.0f} ms",
            f"table/json {text / as_json:.2f}",
        )
        if command == "prices":
            from rich.console import Console

            def drawn(rows: list[object] = rows, kind: type = kind) -> None:
                console = Console(file=io.StringIO(), force_terminal=True, width=240)
                console.print(rich_table(rows, columns(kind, table=True)))

            tty = _timed(drawn)
            row(
                "rendering prices on a terminal (rich)",
                f"{tty * 1000:.0f} ms",
                f"{tty / as_json:.1f}× JSON; once",
            )


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def demo(tmp: Path) -> str:
    section("Demo (`ratecard demo`, the bundled captures through the real pipeline)")
    db = f"sqlite:///{tmp / 'demo.db'}"
    secs, rss = peak_rss_mb([RATECARD, "demo", "--db", db])
    row("demo wall time", f"{secs:.1f} s")
    row("demo peak RSS", f"{rss:.0f} MB")
    return db


def mutate(doc: dict[str, object], rng: random.Random, share: float) -> int:
    """Change the prompt/completion price of ``share`` of the models (one change a model, ±10-30%)."""
    models = doc["data"]
    assert isinstance(models, list)
    changed = 0
    for model in models:
        pricing = model.get("pricing") or {}
        if rng.random() >= share or not pricing.get("prompt") or Decimal(pricing["prompt"]) <= 0:
            continue
        factor = Decimal(rng.choice(("0.7", "0.8", "0.9", "1.1", "1.2", "1.3")))
        for key in ("prompt", "completion"):
            if pricing.get(key) and Decimal(pricing[key]) > 0:
                pricing[key] = format((Decimal(pricing[key]) * factor).normalize(), "f")
        changed += 1
    return changed


def synthetic_year(tmp: Path, days: int, runs: int) -> None:
    """A year of OpenRouter captures (~1% of models changing price a day) through `ratecard backfill`."""
    section(f"A synthetic history of {days} days of OpenRouter (real capture, ~1% of models changing a day)")
    archive, db_path = tmp / "archive", tmp / "year.db"
    folder = archive / "openrouter"
    folder.mkdir(parents=True)
    doc = json.loads(CAPTURE.read_text(encoding="utf-8"))
    rng, first = random.Random(15), date(2025, 1, 1)
    changes = 0
    for n in range(days):
        day = first + timedelta(days=n)
        if n:
            changes += mutate(doc, rng, 0.01)
        snapshot = copy.deepcopy(doc)
        snapshot["fetched_at"] = f"{day.isoformat()}T03:00:00+00:00"
        (folder / f"{day.isoformat()}__openrouter-api-v1-models.json").write_text(json.dumps(snapshot))
    db = f"sqlite:///{db_path}"
    secs, rss = peak_rss_mb([RATECARD, "backfill", str(archive), "--db", db])
    row(
        "backfill",
        f"{secs:.0f} s, {secs / days:.2f} s/day",
        f"{changes} model price changes; peak RSS {rss:.0f} MB",
    )
    with sqlite3.connect(db_path) as conn:
        spans = conn.execute("SELECT COUNT(*) FROM rate_spans").fetchone()[0]
        first_day = conn.execute(
            "SELECT COUNT(*) FROM rate_spans WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)",
            (first.isoformat(), first.isoformat()),
        ).fetchone()[0]
    row("database size", f"{db_path.stat().st_size / 1e6:.1f} MB", "SQLite file, raw bodies beside it")
    with sqlite3.connect(db_path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    biggest = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    row("largest tables (rows)", ", ".join(f"{n} {c}" for n, c in biggest), "what grows with days")
    row(
        "rate rows (spans)",
        f"{spans}",
        f"a copy per day would hold {first_day * days} ({first_day * days / spans:.0f}×)",
    )
    for age in (30, 180, 365):
        if age > days:
            continue
        on = (first + timedelta(days=age - 1)).isoformat()
        cmd = [RATECARD, "prices", "--vendor", "openrouter", "--as-of", on, "--format", "json", "--db", db]
        row(
            f"prices --as-of day {age}",
            f"{wall(cmd, runs) * 1000:.0f} ms",
            "new process, all OpenRouter rows",
        )
    secs, rss = peak_rss_mb([RATECARD, "reparse", "--all", "--db", db])
    row("reparse --all", f"{secs:.0f} s", f"peak RSS {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and 10 synthetic days")
    ap.add_argument("--days", type=int, default=None, help="synthetic days (default 365, --quick 10)")
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        help="leave out a section: pricing, startup, tables, demo, year",
    )
    ap.add_argument("--db", default=None, help="with --skip demo: a database `ratecard demo` filled")
    args = ap.parse_args()
    if "demo" in args.skip and not args.db:
        ap.error("--skip demo needs --db URL (a database `ratecard demo` filled)")
    runs, rounds = (5, 10) if args.quick else (15, 60)
    days = args.days or (10 if args.quick else 365)
    load = os.getloadavg()
    mode = "quick" if args.quick else "full"
    print(
        f"## ratecard bench ({mode}), {os.cpu_count()} CPUs, load average "
        + " ".join(f"{x:.1f}" for x in load)
    )
    with tempfile.TemporaryDirectory(prefix="ratecard-bench-") as name:
        tmp = Path(name)
        db = demo(tmp) if "demo" not in args.skip else args.db
        if "pricing" not in args.skip:
            pricing(db, rounds)
        if "startup" not in args.skip:
            startup(db, runs)
        if "tables" not in args.skip:
            tables(db, runs)
        if "year" not in args.skip:
            synthetic_year(tmp, days, runs)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
