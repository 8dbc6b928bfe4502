"""Writing cross-check results as spans, and which registry each run read: the only SQL on
``crosschecks`` and ``registry_reads`` (write path)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlmodel import Session, col, select

from ratecard.registry.base import Registry
from ratecard.registry.read import Check
from ratecard.registry.tables import CheckRecord, RegistryRead

Identity = tuple[str, str, str, str]
"""(model, field, tier, registry_name): one compared rate."""


def _same(span: CheckRecord, c: Check) -> bool:
    """Unchanged for the audit of agreement: outcome, values, match and conversion."""
    return (
        span.outcome,
        span.ours,
        span.theirs,
        span.registry_key,
        span.match_rule,
        span.converted,
    ) == (c.outcome, c.ours, c.theirs, c.registry_key, c.match_rule, c.converted)


def record_reads(
    session: Session, run_id: int, vendor: str, day: date, registries: Sequence[Registry]
) -> None:
    """One row per registry this vendor was compared with tonight (a few hundred bytes)."""
    session.add_all(
        RegistryRead(
            run_id=run_id,
            vendor=vendor,
            registry_name=r.name,
            registry_version=r.version,
            registry_date=r.date,
            registry_source=r.source,
            day=day,
        )
        for r in registries
    )


def add(
    session: Session, run_id: int, vendor: str, day: date, checks: Iterable[Check], registries: Sequence[str]
) -> None:
    """Make ``checks`` the vendor's current results against ``registries`` from ``day`` on.

    Unchanged results keep their span; changed or vanished ones close on ``day``; new ones open.
    A registry not read tonight leaves its spans as they were.
    """
    if not registries:
        return
    current = session.exec(
        select(CheckRecord).where(
            CheckRecord.vendor == vendor,
            col(CheckRecord.registry_name).in_(list(registries)),
            col(CheckRecord.valid_to).is_(None),
        )
    ).all()
    open_spans: dict[Identity, CheckRecord] = {
        (s.model, s.field, s.tier, s.registry_name): s for s in current
    }
    seen: set[Identity] = set()
    for c in checks:
        ident = (c.model, c.field, c.tier, c.registry_name)
        seen.add(ident)
        span = open_spans.get(ident)
        if span is not None and _same(span, c):
            continue
        if span is not None:
            _close(session, span, day)
        session.add(_span(run_id, c, day))
    for ident, span in open_spans.items():
        if ident not in seen:
            _close(session, span, day)


def _close(session: Session, span: CheckRecord, day: date) -> None:
    if span.valid_from >= day:
        session.delete(span)  # replaced the same day: no empty span left behind
    else:
        span.valid_to = day
        session.add(span)


def _span(run_id: int, c: Check, day: date) -> CheckRecord:
    return CheckRecord(
        run_id=run_id,
        vendor=c.vendor,
        model=c.model,
        field=c.field,
        tier=c.tier,
        outcome=c.outcome,
        ours=c.ours,
        theirs=c.theirs,
        rel_diff=c.rel_diff,
        registry_key=c.registry_key,
        match_rule=c.match_rule,
        registry_name=c.registry_name,
        registry_version=c.registry_version,
        registry_date=c.registry_date,
        registry_source=c.registry_source,
        source_url=c.source_url,
        converted=c.converted,
        valid_from=day,
    )
