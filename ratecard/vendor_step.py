"""One vendor, one day, stored: :func:`ratecard.verify.verify` then snapshot, changelog, quarantine.

The nightly run and backfill call :func:`process_vendor`; reparse calls ``verify`` itself and
stores corrections instead. Every table is written through its stage's store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from ratecard import safe
from ratecard.changelog import store as changelog
from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler.fetch import Fetched
from ratecard.derive import store as anomalies
from ratecard.derive.quarantine import Anomaly
from ratecard.derive.tables import AnomalyRecord
from ratecard.outcome import VendorFailure, VendorOutcome
from ratecard.registry import store as checks
from ratecard.registry.base import Registry
from ratecard.runs import store as runs
from ratecard.snapshots import store as snapshots
from ratecard.snapshots.diff import diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.verify import Known, Verified, verify


@dataclass(frozen=True)
class Carried:
    """A vendor's price history as its last stored day left it. The next day of a backfill starts
    from it instead of reloading every span, so a day's cost does not grow with history."""

    day: date
    history: dict[Key, Fact]
    fingerprint: tuple[object, ...]
    """:func:`ratecard.snapshots.store.fingerprint` after that day: unchanged means still true."""


Carry = dict[str, Carried]
"""Vendor -> what its last stored day left (one backfill's memory across its days)."""


def known(session: Session, vendor: str, day: date, carry: Carry | None = None) -> Known:
    """What the store holds for ``vendor`` before ``day``: the input of :func:`verify`."""
    carried = (carry or {}).get(vendor)
    fresh = carried is not None and carried.day < day
    if fresh and carried is not None and carried.fingerprint == snapshots.fingerprint(session, vendor):
        history = carried.history
    else:
        history = snapshots.last_values(session, vendor, day)
    return Known(
        previous=snapshots.facts(session, vendor, day),
        history=history,
        accepted=anomalies.answered(session, vendor, "accepted"),
        rejected=anomalies.answered(session, vendor, "rejected"),
        unlisted=snapshots.unlisted(session, vendor),
    )


def carry_over(session: Session, vendor: str, day: date, before: Known, carry: Carry) -> None:
    """Remember the history after storing ``day``: what it was, updated with the day's priced
    facts. Not when a span starts later (a scheduled price): the next day reloads instead."""
    mark = snapshots.fingerprint(session, vendor)
    latest_start = mark[2]
    if isinstance(latest_start, date) and latest_start > day:
        carry.pop(vendor, None)
        return
    now = snapshots.facts(session, vendor, day)
    history = {**before.history, **{k: f for k, f in now.items() if f.value is not None}}
    carry[vendor] = Carried(day, history, mark)


def latest_history(session: Session, vendor: str) -> tuple[date | None, date | None]:
    """(latest real change, latest verified day): a run for an earlier day must not contradict them."""
    return changelog.last_change_date(session, vendor), runs.last_verified_day(session, vendor)


def replace_day(session: Session, vendor: str, day: date, run_id: int) -> None:
    """``--force``: forget what earlier runs stored for ``day``; their change rows stay, superseded."""
    later = [d for d in latest_history(session, vendor) if d]
    if any(d > day for d in later):
        raise VendorFailure(vendor, f"history after {day} is stored; re-parse to rewrite it")
    snapshots.rewind(session, vendor, day)
    changelog.supersede_day(session, vendor, day, run_id)


def quarantine_message(vendor: str, held: Sequence[Anomaly], opened: Sequence[AnomalyRecord]) -> str:
    """The run summary's line for values held back: how many, which are new, the first few."""
    fresh = f"new: {', '.join(f'#{a.id}' for a in opened)}" if opened else "none new"
    shown = "; ".join(f"{a.key[0]} {a.key[1]} {a.message}" for a in held[:5])
    more = f"; and {len(held) - 5} more" if len(held) > 5 else ""
    return (
        f"{vendor}: {len(held)} value(s) quarantined ({fresh}; see `ratecard flags "
        f"--kind anomaly`): {shown}{more}"
    )


def store_day(
    session: Session,
    vendor: VendorConfig,
    day: date,
    found: Verified,
    run_id: int,
    force: bool,
    registries: Sequence[Registry] = (),
) -> VendorOutcome:
    """Make ``found`` the vendor's snapshot of ``day`` with its audit rows, checks and anomalies."""
    previous = snapshots.facts(session, vendor.id, day)
    changed = diff(previous, found.facts)
    if changed and runs.verified_on(session, vendor.id, day):
        if not force:
            raise VendorFailure(
                vendor.id,
                f"{day} was already verified with different rates ({len(changed)} differences); "
                "re-run with --force to replace that day's snapshot",
            )
        replace_day(session, vendor.id, day, run_id)
    checks.record_reads(session, run_id, vendor.id, day, registries)
    checks.add(session, run_id, vendor.id, day, found.checks, [r.name for r in registries])
    latest = max((d for d in latest_history(session, vendor.id) if d), default=None)
    try:
        deltas = snapshots.apply(session, vendor.id, day, found.facts, run_id, latest)
    except ValueError as exc:
        raise VendorFailure(vendor.id, str(exc)) from exc
    ahead = [snapshots.Announced(a.key, a.fact, a.valid_from, a.valid_until) for a in found.scheduled]
    deltas += snapshots.schedule(session, vendor.id, day, ahead, found.ends, run_id)
    page = found.sourced[0]
    rows = changelog.record(
        session, vendor.id, day, deltas, run_id, removal_source=(page.source_url, page.fetch_sha256)
    )
    opened = anomalies.quarantine(session, vendor.id, found.anomalies, day, run_id)
    last_listed = runs.last_verified_day(session, vendor.id)
    snapshots.mark_unlisted(session, vendor.id, found.unlisted, day, page.source_url, run_id, last_listed)
    problem = quarantine_message(vendor.id, found.anomalies, opened) if found.anomalies else None
    message = "; ".join(x for x in (problem, *(f"note: {n}" for n in found.notes)) if x) or None
    models = len({k[0] for k in found.facts})
    return VendorOutcome(
        vendor.id, not found.anomalies, message, models, len(found.facts), len(rows), len(found.anomalies)
    )


Fallback = Callable[[str], Sequence[Fetched]]
"""Fetch (and log) one alternative source of a vendor, by URL."""


def verify_sources(
    settings: Settings,
    vendor: VendorConfig,
    fetched: Sequence[Fetched],
    day: date,
    facts: Known,
    registries: Sequence[Registry],
    fallback: Fallback | None,
) -> Verified:
    """The vendor's pages verified from its start URLs, else from each ``fallback_urls`` entry in order
    (fetched only when needed); the vendor fails only when every alternative does, naming each."""
    try:
        return verify(settings, vendor, fetched, day, facts, registries)
    except VendorFailure as primary:
        if fallback is None or not vendor.fallback_urls:
            raise
        failures = [str(primary)]
        for url in vendor.fallback_urls:
            try:
                found = verify(settings, vendor, fallback(url), day, facts, registries)
            except VendorFailure as exc:
                failures.append(str(exc))
                continue
            note = f"primary source failed ({safe.capped(str(primary), 300)}); used fallback {url}"
            return replace(found, notes=[note, *found.notes])
        raise VendorFailure(vendor.id, f"every source failed: {' | '.join(failures)}") from primary


def process_vendor(
    session: Session,
    settings: Settings,
    vendor: VendorConfig,
    fetched: Sequence[Fetched],
    day: date,
    run_id: int,
    registries: Sequence[Registry] = (),
    force: bool = False,
    fallback: Fallback | None = None,
    carry: Carry | None = None,
) -> VendorOutcome:
    """Verify and store one vendor for ``day``.

    On failure nothing but the run record is written; a quarantined value keeps its previous one
    while the vendor's other rates land. ``carry`` (backfill) keeps the history between days.
    """
    try:
        facts = known(session, vendor.id, day, carry)
        found = verify_sources(settings, vendor, fetched, day, facts, registries, fallback)
        outcome = store_day(session, vendor, day, found, run_id, force, registries)
        if carry is not None:
            session.flush()
            carry_over(session, vendor.id, day, facts, carry)
    except VendorFailure as exc:
        session.rollback()
        outcome = VendorOutcome(vendor.id, False, str(exc))
    except Exception as exc:  # a bug in one vendor's step must not stop the others
        session.rollback()
        outcome = VendorOutcome(vendor.id, False, f"{vendor.id}: internal error: {exc!r}")
    runs.add_outcome(session, run_id, outcome)
    session.commit()
    return outcome
