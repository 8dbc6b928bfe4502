"""Re-parse stored raw bodies with today's parsers and repair history, without the network.

For each vendor, history is rewound to the first day re-parsed and replayed day by day: re-parsed
days take today's parse of the bodies fetched that day, later days keep what was stored. What was
stored is read once, as spans, and swept day by day: memory stays flat however many days. What
differs from what was stored is written as a *correction* (not as a price change on the vendor's
side), and changelog rows that only an earlier parser produced are marked superseded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from ratecard.changelog import store as changelog
from ratecard.changelog.tables import ChangeRecord
from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler import store as fetches
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import CorruptBody, RawStore
from ratecard.crawler.tables import FetchRecord
from ratecard.db import session
from ratecard.derive import store as anomalies
from ratecard.lock import run_lock
from ratecard.outcome import RunReport, VendorFailure, VendorOutcome
from ratecard.runs import store as runs
from ratecard.snapshots import store
from ratecard.snapshots.diff import Delta, diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.snapshots.replay import by_day
from ratecard.verify import Known, Verified, verify

Facts = dict[Key, Fact]
Rate = tuple[object, ...] | None


def rate(fact: Fact | None) -> Rate:
    """What a correction is about: the amount, unit and status, not the fetch it came from."""
    return None if fact is None else (fact.value, fact.unit, fact.status)


@dataclass
class VendorReparse:
    vendor: str
    days: list[date] = field(default_factory=list)
    corrections: int = 0
    superseded: int = 0
    found: int = 0
    failures: list[str] = field(default_factory=list)


def stored_days(s: Session, vendor: str) -> list[date]:
    """Every run date with a 200 body of the vendor in the raw store's fetch log."""
    dates = runs.run_dates(s)
    return sorted({dates[r] for r in fetches.runs_with_bodies(s, vendor) if r in dates})


def bodies(s: Session, raw: RawStore, vendor: str, day: date) -> list[Fetched]:
    """The pages of the latest run on ``day`` that fetched all of this vendor's pages, from the raw store."""
    same_day = [r for r, d in runs.run_dates(s, exclude_trigger="reparse").items() if d == day]
    by_run: dict[int, list[FetchRecord]] = {}
    for r in fetches.of_runs(s, same_day, vendor):
        by_run.setdefault(r.run_id, []).append(r)
    newest_first = [by_run[r] for r in sorted(by_run, reverse=True)]
    complete = [rows for rows in newest_first if all(r.status == 200 and r.sha256 for r in rows)]
    latest = complete[0] if complete else next(iter(newest_first), [])
    out = []
    for r in latest:
        body, error = None, r.error
        if r.sha256 and raw.has(r.sha256):
            try:
                body = raw.get(r.sha256)
            except CorruptBody as exc:  # a damaged body fails its day, named; the others go on
                error = f"{exc} (run `ratecard raw verify`)"
        elif r.sha256:
            error = f"raw body {r.sha256} is missing"
        out.append(
            Fetched(
                vendor,
                r.url,
                r.status,
                r.content_type,
                body,
                r.fetched_at,
                error,
                r.origin_url,
                r.captured_at,
            )
        )
    return out


def remember(history: dict[Key, Fact], facts: Facts) -> None:
    """Keep each key's last priced fact as days are replayed (the screen's memory of vanished values)."""
    history.update({k: f for k, f in facts.items() if f.value is not None})


def corrections(before: Facts, after: Facts, last: dict[Key, tuple[Rate, Rate]]) -> list[Delta]:
    """Differences between what was stored and today's parse, each reported once until it changes."""
    differing = diff(before, after)
    for key in set(last) - {d.key for d in differing}:
        del last[key]
    out = []
    for d in differing:
        pair = (rate(d.old), rate(d.new))
        if last.get(d.key) != pair:
            out.append(Delta(d.key, "correction", d.old, d.new))
        last[d.key] = pair
    return out


def _row_said(row: ChangeRecord) -> tuple[object, ...]:
    """What a stored change says, comparable with :func:`_delta_said` (set lookups, not pairwise)."""
    return (row.model, row.field, row.tier, row.kind, row.old, row.new)


def _delta_said(d: Delta) -> tuple[object, ...]:
    return (*d.key, d.kind, d.old.value if d.old else None, d.new.value if d.new else None)


def _by_effective_day(rows: Iterable[ChangeRecord]) -> dict[date, list[ChangeRecord]]:
    out: dict[date, list[ChangeRecord]] = {}
    for r in rows:
        out.setdefault(r.effective_date, []).append(r)
    return out


def reparse_vendor(
    s: Session, settings: Settings, raw: RawStore, vendor: VendorConfig, days: set[date], run_id: int
) -> VendorReparse:
    result = VendorReparse(vendor.id)
    all_days = stored_days(s, vendor.id)
    todo = [d for d in all_days if d in days]
    if not todo:
        return result
    first = todo[0]
    replay = [d for d in all_days if d >= first]
    spans = store.held_since(s, vendor.id, first)  # grows with changes; one day's snapshot at a time
    stored = changelog.vendor_changes_since(s, vendor.id, first)
    old_rows = _by_effective_day(r for r in stored if r.kind not in changelog.SCHEDULE_KINDS)
    announced = {
        (r.model, r.field, r.tier, r.kind, r.new, r.effective_date)
        for r in stored
        if r.kind in changelog.SCHEDULE_KINDS
    }
    accepted = anomalies.answered(s, vendor.id, "accepted")
    rejected = anomalies.answered(s, vendor.id, "rejected")
    history = store.last_values(s, vendor.id, first)
    unlisted = store.unlisted(s, vendor.id)
    store.rewind(s, vendor.id, first)
    previous = store.facts(s, vendor.id, first)
    seen: dict[Key, tuple[Rate, Rate]] = {}
    for day, was in by_day(spans, replay):
        facts = was
        found = None
        if day in days:
            try:
                fetched = bodies(s, raw, vendor.id, day)
                known = Known(previous, history, accepted, rejected, unlisted)
                found = verify(settings, vendor, fetched, day, known)
                facts = found.facts
                result.days.append(day)
            except VendorFailure as exc:
                result.failures.append(f"{day}: {exc}")
        reason = f"correction by reparse (run #{run_id}): today's parser reads the stored page differently"
        fixed = corrections(was, facts, seen)
        changelog.record(s, vendor.id, day, fixed, run_id, reason=reason)
        result.corrections += len(fixed)
        deltas = store.apply(s, vendor.id, day, facts, run_id)
        stored_today = old_rows.get(day, [])
        said_now = {_delta_said(d) for d in deltas}
        said_before = {_row_said(r) for r in stored_today}
        gone = [r for r in stored_today if _row_said(r) not in said_now]
        changelog.supersede(s, gone, run_id)
        result.superseded += len(gone)
        unseen = [d for d in deltas if _delta_said(d) not in said_before]
        if day not in days:  # the stored history resumes: its step from the corrected days is a correction
            boundary = [Delta(d.key, "correction", d.old, d.new) for d in unseen]
            resumes = f"{reason}; the stored history resumes here"
            changelog.record(s, vendor.id, day, boundary, run_id, reason=resumes)
            result.corrections += len(boundary)
        else:
            corrected = {d.key for d in diff(was, facts)}
            events = {(r.model, r.field, r.tier, r.kind) for r in stored_today}
            missing = [d for d in unseen if d.key not in corrected or (*d.key, d.kind) in events]
            changelog.record(s, vendor.id, day, missing, run_id, reason=f"found by reparse (run #{run_id})")
            result.found += len(missing)
        if found is not None:
            result.found += rescheduled(s, vendor.id, day, found, run_id, announced)
        remember(history, facts)
        previous = facts
    s.commit()
    return result


def rescheduled(
    s: Session,
    vendor: str,
    day: date,
    found: Verified,
    run_id: int,
    announced: Collection[tuple[object, ...]],
) -> int:
    """Re-announce what the re-parsed page announces; record only announcements not stored before."""
    ahead = [store.Announced(a.key, a.fact, a.valid_from, a.valid_until) for a in found.scheduled]
    deltas = store.schedule(s, vendor, day, ahead, found.ends, run_id)
    fresh = [
        d for d in deltas if (*d.key, d.kind, d.new.value if d.new else None, d.effective) not in announced
    ]
    changelog.record(s, vendor, day, fresh, run_id, reason=f"found by reparse (run #{run_id})")
    return len(fresh)


def reparse(
    engine: Engine, settings: Settings, raw: RawStore, days: set[date] | None, vendors: Sequence[VendorConfig]
) -> tuple[int, list[VendorReparse]]:
    """Re-parse ``days`` (None: every stored day) for ``vendors`` under the run lock."""
    with run_lock(engine):
        with session(engine) as s:
            wanted = days or {d for v in vendors for d in stored_days(s, v.id)}
        day = min(wanted) if wanted else date.today()
        run_id = runs.start(engine, day, "reparse")
        results = []
        try:
            with session(engine) as s:
                for v in vendors:
                    results.append(reparse_vendor(s, settings, raw, v, wanted, run_id))
        except BaseException as exc:  # the run row must never stay open
            crashed = [VendorOutcome(v.id, False, f"reparse crashed: {exc!r}") for v in vendors]
            with contextlib.suppress(Exception):
                runs.finish(engine, RunReport(run_id, day, crashed))
            raise
        outcomes = [
            VendorOutcome(r.vendor, not r.failures, "; ".join(r.failures) or None, changes=r.corrections)
            for r in results
        ]
        runs.finish(engine, RunReport(run_id, day, outcomes))
    return run_id, results
