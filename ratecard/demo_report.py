"""What `ratecard demo` prints at the end: vendors, models, changes, flags and where the data is."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.text import Text
from sqlalchemy import Engine

from ratecard import readmodel, safe
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
    verified = {o.vendor for r in reports for o in r.outcomes if o.ok or o.anomalies}
    names = ", ".join(sorted(verified))
    out.print(f"{len(verified)} of {len(settings.vendors)} configured vendors verified: {names}")
    kinds = Counter(c.kind for c in changes)
    out.print(f"changes recorded: {len(changes)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
    moves = [c for c in changes if c.kind in PRICE_MOVES][-15:]
    if moves:
        out.print(
            table(
                moves,
                ["date", "vendor", "model", "field", "tier", "kind", "old", "new"],
                title="Latest price changes (not first sightings)",
            )
        )
    flag_counts = Counter(f.kind for f in flags)
    out.print(
        f"flags as of {last}: "
        + (", ".join(f"{k} {n}" for k, n in sorted(flag_counts.items())) or "none")
        + "  (ratecard flags --kind ... says why)"
    )
    for line in explain_failures(reports):
        out.print(Text(safe.visible(f"  - {line}")))
    out.print(Text(f"database: {url}"))
    out.print(Text(f"raw store: {raw_root}"))
    command = [_executable(), "prices", "--db", url, "--vendor", "anthropic", "--as-of", str(last)]
    out.print(Text("try: " + shlex.join(command)))


PRICE_MOVES = frozenset({"changed", "scheduled", "withdrawn", "correction"})
"""Change kinds that move a price (first sightings, removals and status flips aside)."""


def explain_failures(reports: list[RunReport]) -> list[str]:
    """Each failed vendor-day with what became of the vendor later (a later capture that reads)."""
    later: dict[str, list[RunReport]] = {}
    for r in reports:
        for o in r.outcomes:
            if o.ok:
                later.setdefault(o.vendor, []).append(r)
    out = []
    for r in reports:
        for o in r.outcomes:
            if o.ok:
                continue
            after = [x.day for x in later.get(o.vendor, []) if x.day > r.day]
            fate = f"a later capture reads ({after[0]})" if after else "no later capture reads yet"
            if o.anomalies:
                fate = f"verified, {o.anomalies} value(s) held for a person (ratecard flags --kind anomaly)"
            out.append(f"{r.day} {o.vendor} -> {fate}: {safe.capped(o.message or 'failed', 200)}")
    return out


def _executable() -> str:
    """The ratecard the user just ran, so the hint runs as printed (the venv is rarely on PATH)."""
    path = Path(sys.argv[0])
    return str(path.resolve()) if path.name == "ratecard" and path.is_file() else "ratecard"
