"""Raw-store housekeeping: what the store holds against the fetch log, and a retention that never
deletes a body the history still cites.

Fetch rows are never deleted: they record what was fetched. Pruning removes bodies only, and
notes each one in ``pruned.log`` beside them, so a pruned body is not mistaken for a lost one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from ratecard.changelog import store as changelog
from ratecard.crawler import store as fetches
from ratecard.crawler.rawstore import RawStore
from ratecard.derive import store as anomalies
from ratecard.snapshots import store as snapshots

PRUNED_LOG = "pruned.log"


@dataclass(frozen=True)
class RawStats:
    fetch_rows: int
    """Rows in the fetch log, with or without a body."""
    rows_with_body: int
    distinct_bodies: int
    """Distinct sha256 among the fetch rows: what the store needs to hold."""
    bytes_fetched: int
    """Sum of the uncompressed sizes of every fetch: what keeping each fetch apart would cost."""
    files: int
    bytes_stored: int
    """Compressed bytes on disk, orphans included."""
    orphan_files: int
    """Bodies on disk that no fetch row points to."""
    pruned_rows: int
    """Fetch rows whose body `raw prune` deleted."""
    missing_rows: int
    """Fetch rows whose body is gone for no recorded reason."""


@dataclass(frozen=True)
class Fetch:
    """The part of a fetch row that retention looks at."""

    sha256: str
    vendor: str
    url: str
    fetched_at: datetime
    size: int | None


@dataclass
class Verdict:
    """One old body: deleted unless ``kept_because`` names something that needs it."""

    newest: Fetch
    kept_because: list[str] = field(default_factory=list)


def aware(moment: datetime) -> datetime:
    """Databases hand back naive UTC; compare everything as aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pruned(raw: RawStore) -> set[str]:
    log = raw.root / PRUNED_LOG
    if not log.exists():
        return set()
    return {line.split("\t")[0] for line in log.read_text(encoding="utf-8").splitlines() if line}


def note_pruned(raw: RawStore, digests: Iterable[str], when: datetime) -> None:
    with (raw.root / PRUNED_LOG).open("a", encoding="utf-8") as log:
        log.writelines(f"{d}\t{when.isoformat()}\n" for d in digests)


def stats(session: Session, raw: RawStore) -> RawStats:
    t = fetches.totals(session)
    per_body = fetches.rows_per_body(session)
    on_disk = set(raw.digests())
    gone = {d: n for d, n in per_body.items() if d not in on_disk}
    noted = pruned(raw)
    pruned_rows = sum(n for d, n in gone.items() if d in noted)
    return RawStats(
        fetch_rows=t.rows,
        rows_with_body=t.rows_with_body,
        distinct_bodies=t.distinct_bodies,
        bytes_fetched=t.bytes_fetched,
        files=len(on_disk),
        bytes_stored=sum(raw.stored_bytes(d) for d in on_disk),
        orphan_files=len(on_disk - set(per_body)),
        pruned_rows=pruned_rows,
        missing_rows=sum(gone.values()) - pruned_rows,
    )


def history(session: Session) -> list[Fetch]:
    """Every fetch that kept a body, oldest first."""
    return [
        Fetch(r.sha256, r.vendor, r.url, aware(r.fetched_at), r.size)
        for r in fetches.with_bodies(session)
        if r.sha256
    ]


def citations(session: Session) -> dict[str, list[str]]:
    """Why each cited body must stay: the rate spans, changes and anomalies that point at it."""
    cited: dict[str, list[str]] = {}
    for name, counts in (
        ("rate span", snapshots.citations(session)),
        ("change", changelog.citations(session)),
        ("anomaly", anomalies.citations(session)),
    ):
        for digest, n in counts.items():
            cited.setdefault(digest, []).append(f"cited by {n} {name}{'s' if n != 1 else ''}")
    return cited


def judge(history: Sequence[Fetch], cited: dict[str, list[str]], cutoff: datetime) -> list[Verdict]:
    """Every body, oldest first, with what (if anything) keeps it from being deleted.

    The latest body of every (vendor, url) stays whatever its age: it is what the page says now.
    """
    newest: dict[str, Fetch] = {}
    latest: dict[tuple[str, str], Fetch] = {}
    for f in history:  # oldest first, so the last one seen wins
        newest[f.sha256] = f
        latest[(f.vendor, f.url)] = f
    current = {f.sha256 for f in latest.values()}
    verdicts = []
    for digest, f in sorted(newest.items(), key=lambda kv: (kv[1].fetched_at, kv[0])):
        reasons = [f"fetched since {cutoff:%Y-%m-%d %H:%M} UTC"] if f.fetched_at >= cutoff else []
        reasons += cited.get(digest, [])
        if digest in current:
            reasons.append("latest fetch of its URL")
        verdicts.append(Verdict(f, reasons))
    return verdicts


def prune(session: Session, raw: RawStore, cutoff: datetime, *, dry_run: bool = False) -> list[Verdict]:
    """Delete the uncited bodies last fetched before ``cutoff`` (unless ``dry_run``); fetch rows stay.

    Returns a verdict for every body still on disk; bodies already gone are not reported again.
    """
    on_disk = set(raw.digests())
    verdicts = [v for v in judge(history(session), citations(session), cutoff) if v.newest.sha256 in on_disk]
    doomed = [v.newest.sha256 for v in verdicts if not v.kept_because]
    if not dry_run and doomed:
        note_pruned(raw, doomed, datetime.now(UTC))
        for digest in doomed:
            raw.delete(digest)
    return verdicts


@dataclass(frozen=True)
class Damage:
    """A body the fetch log cites that cannot be read back exactly, or a damaged orphan."""

    sha256: str
    problem: str
    """missing, or corrupt: why."""
    vendor: str | None
    url: str | None
    fetched_at: datetime | None


def verify(session: Session, raw: RawStore) -> tuple[int, list[Damage]]:
    """Re-hash every stored body; (bodies checked, the ones that fail) — pruned bodies aside."""
    latest: dict[str, Fetch] = {f.sha256: f for f in history(session)}
    gone = pruned(raw)
    checked, damaged = 0, []
    for digest in sorted(set(latest) | set(raw.digests())):
        if digest in gone and not raw.has(digest):
            continue
        checked += 1
        problem = raw.check(digest)
        if problem is not None:
            f = latest.get(digest)
            if f is None:
                damaged.append(Damage(digest, problem, None, None, None))
            else:
                damaged.append(Damage(digest, problem, f.vendor, f.url, f.fetched_at))
    return checked, damaged
