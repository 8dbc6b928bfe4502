"""What `ratecard demo` prints at the end: vendors, models, changes, flags and where the data is."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine

from ratecard import readmodel
from ratecard.config.settings import Settings
from ratecard.db_read import open_reader
from ratecard.outcome import RunReport
from ratecard.output import table


def fresh_demo_db(folder: Path) -> str:
    """A new, empty demo database (the demo replays history from the oldest capture on)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return f"sqlite:///{folder / 'ratecard-demo.db'}"


def print_summary(
    out: Console,
    engine: Engine,
    settings: Settings,
    reports: list[RunReport],
    url: str,
    raw_root: Path,
) -> None:
    last = max(r.day for r in reports) if reports else None
    with open_reader(url) as db:
        rows = readmodel.prices(db, last, settings.stale_after) if last else []
        changes = readmodel.changes(db)
        flags = readmodel.flags(db, last, settings.stale_after) if last else []
    per_vendor: dict[str, set[str]] = {}
    for r in rows:
        per_vendor.setdefault(r.vendor, set()).add(r.model)
    fails = [o for r in reports for o in r.outcomes if not o.ok]
    out.rule("ratecard demo")
    out.print(f"{len(reports)} runs replayed ({reports[0].day} .. {last})" if reports else "no captures")
    vendor_rows = [
        {
            "vendor": v,
            "models": len(m),
            "rates": sum(1 for r in rows if r.vendor == v),
            "stale": sum(1 for r in rows if r.vendor == v and r.stale),
        }
        for v, m in sorted(per_vendor.items())
    ]
    out.print(table(vendor_rows, ["vendor", "models", "rates", "stale"], title=f"Snapshot of {last}"))
    kinds = Counter(c.kind for c in changes)
    out.print(f"changes recorded: {len(changes)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
    shown = [c for c in changes if c.kind not in {"model_added"}][:15]
    if shown:
        out.print(
            table(
                shown,
                ["date", "vendor", "model", "field", "tier", "kind", "old", "new"],
                title="Changes (first 15 beyond first sightings)",
            )
        )
    flag_counts = Counter(f.kind for f in flags)
    out.print(
        f"flags as of {last}: "
        + (", ".join(f"{k} {n}" for k, n in sorted(flag_counts.items())) or "none")
        + "  (ratecard flags --kind ... says why)"
    )
    for o in fails:
        out.print(f"  - {o.message}", markup=False, highlight=False)
    out.print(f"database: {url}")
    out.print(f"raw store: {raw_root}")
    out.print("try: ratecard prices --db '" + url + "' --vendor anthropic --as-of " + str(last))
