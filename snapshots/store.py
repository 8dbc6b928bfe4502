"""Reading and writing snapshots as validity spans. Knows no vendor and no page format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ratecard.snapshots.diff import Delta, diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.snapshots.replay import Held
from ratecard.snapshots.tables import RateSpan, UnlistedModel


def at(day: date) -> ColumnElement[bool]:
    """The SQL condition "this span is in force on ``day``"."""
    return (col(RateSpan.valid_from) <= day) & or_(
        col(RateSpan.valid_to).is_(None), col(RateSpan.valid_to) > day
    )


def snapshot(session: Session, day: date, vendors: Iterable[str] | None = None) -> list[RateSpan]:
    """The snapshot of ``day``: every span in force that day, in a stable order."""
    query = select(RateSpan).where(at(day))
    if vendors is not None:
        query = query.where(col(RateSpan.vendor).in_(list(vendors)))
    query = query.order_by(col(RateSpan.vendor), col(RateSpan.model), col(RateSpan.field), col(RateSpan.tier))
    return list(session.exec(query))


def fact_of(span: RateSpan) -> Fact:
    return Fact(
        unit=span.unit,
        value=span.value,
        status=span.status,
        source_url=span.source_url,
        fetch_sha256=span.fetch_sha256,
        fetched_at=span.fetched_at,
        reason=span.reason,
        published_value=span.published_value,
        published_currency=span.published_currency,
        captured_at=span.captured_at,
    )


def facts(session: Session, vendor: str, day: date) -> dict[Key, Fact]:
    return {(s.model, s.field, s.tier): fact_of(s) for s in snapshot(session, day, [vendor])}


def last_change_date(session: Session, vendor: str) -> date | None:
    """The latest date on which this vendor's stored history changes."""
    starts = session.exec(select(func.max(RateSpan.valid_from)).where(RateSpan.vendor == vendor)).one()
    ends = session.exec(select(func.max(RateSpan.valid_to)).where(RateSpan.vendor == vendor)).one()
    found = [d for d in (starts, ends) if d is not None]
    return max(found) if found else None


RATE_SPANS = RateSpan.__table__  # type: ignore[attr-defined]  # SQLModel sets it on the class
"""The spans' table, for reads of plain rows (columns by name)."""


def held_on(session: Session, vendor: str, day: date) -> dict[Key, tuple[int, Fact]]:
    """The vendor's spans in force on ``day`` as (span id, fact): plain rows, no ORM object per
    span, so a day's write loads only the spans it changes (a backfill day stays cheap)."""
    names = ("id", "model", "field", "tier", *(f.name for f in fields(Fact)))
    query = sa_select(*(RATE_SPANS.c[name] for name in names)).where(col(RateSpan.vendor) == vendor, at(day))
    session.flush()  # a plain read bypasses autoflush: it must see the spans the day before wrote
    return {
        (m, f, t): (span_id, Fact(*rest)) for span_id, m, f, t, *rest in session.connection().execute(query)
    }


def apply(
    session: Session,
    vendor: str,
    day: date,
    new: Mapping[Key, Fact],
    run_id: int,
    latest: date | None = None,
) -> list[Delta]:
    """Make ``new`` the snapshot of ``vendor`` from ``day`` on; return what changed.

    Running the same day twice with the same facts changes nothing, for any past day too. A
    late run that would change a day before ``latest`` (the vendor's latest real change or
    verification, which the caller knows) is refused: later snapshots would silently contradict
    what was verified then. History is rewritten by reparse, not by a late run.
    """
    held = held_on(session, vendor, day)
    deltas = diff({k: fact for k, (_, fact) in held.items()}, new)
    if deltas and latest is not None and day < latest:
        raise ValueError(
            f"{vendor}: {len(deltas)} change(s) on {day}, but the stored history already runs to "
            f"{latest}; re-parse to rewrite history"
        )
    for delta in deltas:
        found = held.get(delta.key)
        old_span = session.get(RateSpan, found[0]) if found is not None else None
        if old_span is not None:
            if old_span.valid_from == day:
                session.delete(old_span)  # replaced the same day: no empty span left behind
            else:
                old_span.valid_to = day
                session.add(old_span)
        if delta.new is not None:
            session.add(_span(vendor, delta.key, delta.new, day, run_id))
    return deltas


def _span(vendor: str, key: Key, fact: Fact, day: date, run_id: int) -> RateSpan:
    model, field, tier = key
    return RateSpan(
        vendor=vendor,
        model=model,
        field=field,
        tier=tier,
        unit=fact.unit,
        value=fact.value,
        published_value=fact.published_value,
        published_currency=fact.published_currency,
        status=fact.status,
        reason=fact.reason,
        source_url=fact.source_url,
        fetch_sha256=fact.fetch_sha256,
        fetched_at=fact.fetched_at,
        captured_at=fact.captured_at,
        valid_from=day,
        run_id=run_id,
    )


@dataclass(frozen=True)
class Announced:
    """A price a page announces for a later period: from ``start`` until ``until`` (exclusive)."""

    key: Key
    fact: Fact
    start: date
    until: date | None


def schedule(
    session: Session,
    vendor: str,
    day: date,
    ahead: Sequence[Announced],
    ends: Mapping[Key, date],
    run_id: int,
) -> list[Delta]:
    """Keep the vendor's announced prices in step with ``day``'s pages; return what was announced
    or withdrawn, each dated when it takes (or would have taken) effect.

    An announced price is a span that starts in the future; the span in force ends where the next
    announced one starts (or where the page says it ends). A price the pages stop announcing is
    deleted before it ever holds: a withdrawn price never surfaces as one that was in force.
    """
    wanted = {(a.key, a.start): a for a in ahead}
    future = session.exec(select(RateSpan).where(RateSpan.vendor == vendor, RateSpan.valid_from > day)).all()
    deltas: list[Delta] = []
    for span in future:
        key = (span.model, span.field, span.tier)
        same = wanted.get((key, span.valid_from))
        if same is not None and fact_of(span).same_rate(same.fact) and span.valid_to == same.until:
            del wanted[(key, span.valid_from)]
            continue
        session.delete(span)
        if same is None:
            deltas.append(Delta(key, "withdrawn", fact_of(span), None, effective=span.valid_from))
    session.flush()
    if ahead or ends:
        in_force = snapshot(session, day, [vendor])
    else:  # nothing announced: only a span still ending on a withdrawn date can change
        bounded = select(RateSpan).where(
            RateSpan.vendor == vendor, at(day), col(RateSpan.valid_to).is_not(None)
        )
        in_force = list(session.exec(bounded))
    today = {(s.model, s.field, s.tier): s for s in in_force}
    for a in sorted(wanted.values(), key=lambda a: (a.key, a.start)):
        span = _span(vendor, a.key, a.fact, a.start, run_id)
        span.valid_to = a.until
        session.add(span)
        before = today.get(a.key)
        deltas.append(
            Delta(a.key, "scheduled", fact_of(before) if before else None, a.fact, effective=a.start)
        )
    starts: dict[Key, date] = {}
    for a in ahead:
        starts[a.key] = min(a.start, starts.get(a.key, a.start))
    for key, span in today.items():
        ending = [d for d in (ends.get(key), starts.get(key)) if d is not None and d > day]
        end = min(ending) if ending else None
        if span.valid_to != end:
            span.valid_to = end
            session.add(span)
    return deltas


def apply_one(session: Session, vendor: str, day: date, key: Key, fact: Fact, run_id: int) -> str:
    """Put one fact in force from ``day`` on (a person's decision); returns the change kind.

    Refused if the key's history already moved after ``day``: that needs a re-parse, not a patch.
    """
    model, field, tier = key
    spans = session.exec(
        select(RateSpan).where(
            RateSpan.vendor == vendor, RateSpan.model == model, RateSpan.field == field, RateSpan.tier == tier
        )
    ).all()
    if any(s.valid_from > day or (s.valid_to is not None and s.valid_to > day) for s in spans):
        raise ValueError(f"{vendor} {key} changed again after {day}; re-parse instead of accepting")
    current = [s for s in spans if s.valid_to is None or s.valid_to > day]
    for s in current:
        if s.valid_from == day:
            session.delete(s)
        else:
            s.valid_to = day
            session.add(s)
    session.add(_span(vendor, key, fact, day, run_id))
    return "changed" if current else "added"


def rewind(session: Session, vendor: str, day: date) -> None:
    """Forget the vendor's spans from ``day`` on, reopening those that were in force the day before."""
    for s in session.exec(
        select(RateSpan).where(RateSpan.vendor == vendor, RateSpan.valid_from >= day)
    ).all():
        session.delete(s)
    closed = select(RateSpan).where(RateSpan.vendor == vendor, col(RateSpan.valid_to) >= day)
    for s in session.exec(closed).all():
        s.valid_to = None
        session.add(s)
    session.flush()


def last_values(session: Session, vendor: str, day: date) -> dict[Key, Fact]:
    """Per key, the latest priced fact before ``day``, even if the key was since removed or not offered.

    A value that vanishes and comes back 100× higher is still a 100× move.
    """
    query = (
        select(RateSpan)
        .where(RateSpan.vendor == vendor, RateSpan.valid_from < day, col(RateSpan.value).is_not(None))
        .order_by(col(RateSpan.valid_from))
    )
    return {(s.model, s.field, s.tier): fact_of(s) for s in session.exec(query).all()}


def held_since(session: Session, vendor: str, day: date) -> list[Held]:
    """Every span of ``vendor`` in force on or after ``day``, as immutable facts (they outlive a
    rewind of the rows they were read from)."""
    query = select(RateSpan).where(
        RateSpan.vendor == vendor, or_(col(RateSpan.valid_to).is_(None), col(RateSpan.valid_to) > day)
    )
    return [
        Held((s.model, s.field, s.tier), s.valid_from, s.valid_to, fact_of(s))
        for s in session.exec(query).all()
    ]


def fingerprint(session: Session, vendor: str) -> tuple[object, ...]:
    """(spans, newest id, latest start, latest end) of a vendor's history: equal fingerprints mean
    nothing was written in between, so a caller's copy of that history is still the history."""
    query = select(
        func.count(), func.max(RateSpan.id), func.max(RateSpan.valid_from), func.max(RateSpan.valid_to)
    ).where(RateSpan.vendor == vendor)
    return tuple(session.exec(query).one())


def citations(session: Session) -> dict[str, int]:
    """sha256 of a fetched body -> how many rate spans cite it."""
    query = select(RateSpan.fetch_sha256, func.count()).group_by(RateSpan.fetch_sha256)
    return {d: int(n) for d, n in session.exec(query).all() if d}


def unlisted(session: Session, vendor: str) -> set[str]:
    """Models kept though the vendor's pages stopped listing them (open questions)."""
    query = select(UnlistedModel.model).where(UnlistedModel.vendor == vendor, UnlistedModel.status == "open")
    return set(session.exec(query).all())


def mark_unlisted(
    session: Session,
    vendor: str,
    kept: set[str],
    day: date,
    source_url: str,
    run_id: int,
    last_listed: date | None,
) -> None:
    """Open a question for each model newly kept unlisted; close those listed again."""
    still = session.exec(
        select(UnlistedModel).where(UnlistedModel.vendor == vendor, UnlistedModel.status == "open")
    ).all()
    for row in still:
        if row.model not in kept:
            row.status = "relisted"
            session.add(row)
    known = {r.model for r in still}
    for model in sorted(kept - known):
        session.add(
            UnlistedModel(
                vendor=vendor,
                model=model,
                since=day,
                last_listed=last_listed,
                source_url=source_url,
                run_id=run_id,
            )
        )


def confirm_removed(
    session: Session, vendor: str, model: str, who: str, now: datetime
) -> tuple[UnlistedModel, list[Delta]]:
    """A person confirms a model the pages stopped listing is gone: its spans end on the first day it
    was not listed; returns the question answered and the removals to record (dated that day)."""
    row = session.exec(
        select(UnlistedModel).where(
            UnlistedModel.vendor == vendor, UnlistedModel.model == model, UnlistedModel.status == "open"
        )
    ).first()
    if row is None:
        raise LookupError(f"{vendor}/{model} is not an unlisted model waiting for confirmation")
    spans = session.exec(
        select(RateSpan).where(
            RateSpan.vendor == vendor,
            RateSpan.model == model,
            or_(col(RateSpan.valid_to).is_(None), col(RateSpan.valid_to) > row.since),
        )
    ).all()
    deltas = []
    for span in spans:
        if span.valid_from >= row.since:
            session.delete(span)
            continue
        deltas.append(Delta((span.model, span.field, span.tier), "model_removed", fact_of(span), None))
        span.valid_to = row.since
        session.add(span)
    row.status, row.answered_by, row.answered_at = "removed", who, now
    session.add(row)
    return row, deltas
