"""Re-parse stored raw bodies with today's parsers and repair history, without the network.

For each vendor, history is rewound to the first day re-parsed and replayed day by day: re-parsed
days take today's parse of the bodies fetched that day, later days keep what was stored. What
differs from what was stored is written as a *correction* (not as a price change on the vendor's
side), and changelog rows that only an earlier parser produced are marked superseded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ratecard.changelog.store import record
from ratecard.changelog.tables import ChangeRow
from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import RawStore
from ratecard.crawler.tables import FetchRow
from ratecard.db import session
from ratecard.derive.conventions import derive
from ratecard.derive.quarantine import Limits, screen
from ratecard.lock import run_lock
from ratecard.outcome import VendorFailure
from ratecard.pipeline import finish_run, start_run
from ratecard.snapshots import store
from ratecard.snapshots.diff import Delta, diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.tables import Run
from ratecard.vendor_step import accepted_values, guard_model_count, parse_all, to_fact

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
    query = (
        select(col(Run.date))
        .join(FetchRow, col(FetchRow.run_id) == col(Run.id))
        .where(FetchRow.vendor == vendor, FetchRow.status == 200, col(FetchRow.sha256).is_not(None))
        .distinct()
    )
    return sorted(s.exec(query).all())


def bodies(s: Session, raw: RawStore, vendor: str, day: date) -> list[Fetched]:
    """The pages of the latest run on ``day`` that fetched all of this vendor's pages, from the raw store."""
    query = (
        select(FetchRow)
        .join(Run, col(Run.id) == col(FetchRow.run_id))
        .where(FetchRow.vendor == vendor, Run.date == day, col(Run.trigger) != "reparse")
        .order_by(col(FetchRow.run_id).desc(), col(FetchRow.id))
    )
    runs: dict[int, list[FetchRow]] = {}
    for r in s.exec(query).all():
        runs.setdefault(r.run_id, []).append(r)
    complete = [rows for rows in runs.values() if all(r.status == 200 and r.sha256 for r in rows)]
    latest = complete[0] if complete else next(iter(runs.values()), [])
    out = []
    for r in latest:
        body = raw.get(r.sha256) if r.sha256 and raw.has(r.sha256) else None
        error = r.error if body is not None or r.sha256 is None else f"raw body {r.sha256} is missing"
        out.append(Fetched(vendor, r.url, r.status, r.content_type, body, r.fetched_at, error))
    return out


def reparsed_facts(
    settings: Settings,
    vendor: VendorConfig,
    fetched: list[Fetched],
    day: date,
    previous: Facts,
    accepted: set[tuple[Key, Decimal]],
) -> Facts:
    parsed = {
        (x.rate.model, x.rate.field, x.rate.tier): to_fact(vendor, x) for x in parse_all(vendor, fetched, day)
    }
    guard_model_count(previous, parsed, vendor.id, settings.min_model_ratio)
    limits = Limits(settings.ceiling_usd_per_mtok, settings.max_move_factor)
    held, _ = screen(previous, parsed, limits, accepted)
    return derive(held, vendor.conventions)


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


def _same(row: ChangeRow, d: Delta) -> bool:
    return (row.model, row.field, row.tier, row.kind, row.old, row.new) == (
        *d.key,
        d.kind,
        d.old.value if d.old else None,
        d.new.value if d.new else None,
    )


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
    before = {d: store.facts(s, vendor.id, d) for d in replay}
    old_rows = s.exec(
        select(ChangeRow).where(
            ChangeRow.vendor == vendor.id,
            ChangeRow.effective_date >= first,
            col(ChangeRow.superseded_by).is_(None),
            ChangeRow.kind != "correction",
        )
    ).all()
    accepted = accepted_values(s, vendor.id)
    store.rewind(s, vendor.id, first)
    previous = store.facts(s, vendor.id, first)
    seen: dict[Key, tuple[Rate, Rate]] = {}
    for day in replay:
        facts = before[day]
        if day in days:
            try:
                fetched = bodies(s, raw, vendor.id, day)
                facts = reparsed_facts(settings, vendor, fetched, day, previous, accepted)
                result.days.append(day)
            except VendorFailure as exc:
                result.failures.append(f"{day}: {exc}")
        reason = f"correction by reparse (run #{run_id}): today's parser reads the stored page differently"
        fixed = corrections(before[day], facts, seen)
        record(s, vendor.id, day, fixed, run_id, reason=reason)
        result.corrections += len(fixed)
        deltas = store.apply(s, vendor.id, day, facts, run_id)
        stored_today = [r for r in old_rows if r.effective_date == day]
        for r in stored_today:
            if not any(_same(r, d) for d in deltas):
                r.superseded_by = run_id
                s.add(r)
                result.superseded += 1
        unseen = [d for d in deltas if not any(_same(r, d) for r in stored_today)]
        if day not in days:  # the stored history resumes: its step from the corrected days is a correction
            boundary = [Delta(d.key, "correction", d.old, d.new) for d in unseen]
            record(s, vendor.id, day, boundary, run_id, reason=f"{reason}; the stored history resumes here")
            result.corrections += len(boundary)
        else:
            corrected = {d.key for d in diff(before[day], facts)}
            events = {(r.model, r.field, r.tier, r.kind) for r in stored_today}
            found = [d for d in unseen if d.key not in corrected or (*d.key, d.kind) in events]
            record(s, vendor.id, day, found, run_id, reason=f"found by reparse (run #{run_id})")
            result.found += len(found)
        previous = facts
    s.commit()
    return result


def reparse(
    engine: Engine, settings: Settings, raw: RawStore, days: set[date] | None, vendors: Sequence[VendorConfig]
) -> tuple[int, list[VendorReparse]]:
    """Re-parse ``days`` (None: every stored day) for ``vendors`` under the run lock."""
    with run_lock(engine):
        with session(engine) as s:
            wanted = days or {d for v in vendors for d in stored_days(s, v.id)}
        run_id = start_run(engine, min(wanted) if wanted else date.today(), "reparse")
        results = []
        with session(engine) as s:
            for v in vendors:
                results.append(reparse_vendor(s, settings, raw, v, wanted, run_id))
        from ratecard.outcome import RunReport, VendorOutcome

        report = RunReport(
            run_id,
            min(wanted) if wanted else date.today(),
            [
                VendorOutcome(r.vendor, not r.failures, "; ".join(r.failures) or None, changes=r.corrections)
                for r in results
            ],
        )
        finish_run(engine, report)
    return run_id, results
