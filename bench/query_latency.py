"""How long a user waits for an answer: `ratecard prices` vs looking the price up through litellm.

Prints medians over repeated cold runs (new processes), and the ratio. The peer is what users do
today: `import litellm; litellm.model_cost[key]` (its import alone costs seconds). Run after
`bash scripts/demo.sh`:  .venv/bin/python bench/query_latency.py [--runs 7] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(cmd: list[str], runs: int) -> float:
    timed(cmd)  # warm the file cache
    return statistics.median(timed(cmd) for _ in range(runs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", default=None, help="database filled by `ratecard demo` (default: the demo's)")
    args = ap.parse_args()
    db = args.db
    if db is None:
        from platformdirs import user_data_dir

        db = f"sqlite:///{Path(user_data_dir('ratecard', appauthor=False)) / 'demo' / 'ratecard-demo.db'}"
    ours = [
        str(VENV_BIN / "ratecard"),
        "prices",
        "--db",
        db,
        "--vendor",
        "anthropic",
        "--model",
        "claude-sonnet-4-5",
        "--as-of",
        "2025-11-19",
        "--format",
        "json",
    ]
    peer = [sys.executable, "-c", "import litellm; print(litellm.model_cost['claude-sonnet-4-5-20250929'])"]
    bare = [sys.executable, "-c", "pass"]
    rows = [
        ("python startup", median_of(bare, args.runs)),
        ("ratecard prices", median_of(ours, args.runs)),
        ("litellm lookup", median_of(peer, args.runs)),
    ]
    for name, secs in rows:
        print(f"{name:16s} median {secs * 1000:8.1f} ms over {args.runs} runs")
    print(f"ratio litellm lookup / ratecard prices = {rows[2][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
