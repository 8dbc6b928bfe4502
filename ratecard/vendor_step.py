"""One vendor, one day: fetched bodies -> parse -> convert -> guard -> snapshot -> changelog.

Shared by the nightly run, backfill and reparse, so all three write history the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from ratecard.changelog.store import record
from ratecard.changelog.tables import ChangeRow
from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import RawStore, sha256
from ratecard.crawler.tables import FetchRow
from ratecard.derive.conventions import derive
from ratecard.derive.quarantine import Anomaly, Limits, screen
from ratecard.derive.tables import AnomalyRow
from ratecard.outcome import VERIFIED, VendorFailure, VendorOutcome
from ratecard.parsers import get_parser
from ratecard.parsers.base import ParsedRate, ParseError, SourcedRate, normalize
from ratecard.registry.base import Registry
from ratecard.registry.record import check_rows
from ratecard.snapshots import store
from ratecard.snapshots.diff import diff
from ratecard.snapshots.facts import Fact, Key
from ratecard.tables import Run, RunVendor


def keep_fetches(session: Session, raw: RawStore, fetched: Sequence[Fetched], run_id: int) -> None:
    """Every body goes to the raw store and every fetch gets a row, whatever happens next."""
    for f in fetched:
        digest = raw.put(f.body) if f.body is not None else None
        session.add(
            FetchRow(
                run_id=run_id,
                vendor=f.vendor,
                url=f.url,
                status=f.status,
                content_type=f.content_type,
                sha256=digest,
                size=len(f.body) if f.body is not None else None,
                fetched_at=f.fetched_at,
                error=f.error,
            )
        )


def reading_time(fetched_at: datetime, day: date) -> datetime:
    """The instant a page is read "as of": its fetch time, or the end of ``day`` if that is earlier."""
    end = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    aware = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
    return min(aware, end)


def later(held: SourcedRate, new: SourcedRate, vendor: str) -> SourcedRate:
    """Of two pages pricing one key, the one whose price took effect later; else it is ambiguous."""
    a, b = held.rate.effective_from, new.rate.effective_from
    if a is not None and b is not None and a != b:
        return new if b > a else held
    key = (new.rate.model, new.rate.field, new.rate.tier)
    raise VendorFailure(vendor, f"{key} appears on both {held.source_url} and {new.source_url}")


def parse_all(
    vendor: VendorConfig, fetched: Sequence[Fetched], day: date, notes: list[str] | None = None
) -> list[SourcedRate]:
    """Parse every page of the vendor; any failed fetch or unreadable page fails the vendor.

    What the pages published but the parser did not store is appended to ``notes``.
    """
    if not fetched:
        raise VendorFailure(vendor.id, "nothing was fetched (no response at all)")
    failed = [f for f in fetched if not f.ok]
    if failed:
        raise VendorFailure(vendor.id, "; ".join(f.error or f"HTTP {f.status} from {f.url}" for f in failed))
    try:
        parser = get_parser(vendor.parser)
    except ParseError as exc:
        raise VendorFailure(vendor.id, str(exc)) from exc
    out: dict[tuple[str, str, str], SourcedRate] = {}
    for f in fetched:
        assert f.body is not None
        try:
            result = parser(f.body, f.url, reading_time(f.fetched_at, day))
        except ParseError as exc:
            raise VendorFailure(vendor.id, f"{exc} (from {f.url})") from exc
        except Exception as exc:  # a parser bug must fail its vendor, not the run
            raise VendorFailure(vendor.id, f"parser crashed on {f.url}: {exc!r}") from exc
        digest = sha256(f.body)
        if notes is not None:
            notes.extend(n for n in result.notes if n not in notes)
        for r in result.rates:
            key = (r.model, r.field, r.tier)
            mine = SourcedRate(vendor.id, r, f.url, digest, f.fetched_at)
            out[key] = later(out[key], mine, vendor.id) if key in out else mine
    if not any(s.rate.unit != "flag" for s in out.values()):
        raise VendorFailure(vendor.id, f"no rates found in {', '.join(f.url for f in fetched)}")
    return list(out.values())


def to_fact(vendor: VendorConfig, s: SourcedRate) -> Fact:
    """A parsed rate as a snapshot fact, converting published non-USD amounts with the configured rate."""
    r: ParsedRate = s.rate
    value, status, reason = r.value, str(r.status), r.reason
    published: Decimal | None = None
    currency: str | None = None
    if r.currency != "USD" and r.value is not None:
        fx = vendor.fx
        if fx is None or fx.currency != r.currency:
            raise VendorFailure(
                vendor.id,
                f"prices are in {r.currency} but no [vendors.{vendor.id}].fx rate is configured",
            )
        published, currency = r.value, r.currency
        value = normalize(r.value * fx.usd_per_unit)
        status = "inferred"
        reason = (
            f"converted from {r.value} {r.currency} at {fx.usd_per_unit} USD/{r.currency} "
            f"(rate of {fx.date}, {fx.source})"
        )
    return Fact(
        unit=r.unit,
        value=value,
        status=status,
        reason=reason,
        source_url=s.source_url,
        fetch_sha256=s.fetch_sha256,
        fetched_at=s.fetched_at,
        published_value=published,
        published_currency=currency,
    )


def guard_model_count(previous: dict[Key, Fact], new: dict[Key, Fact], vendor: str, ratio: Decimal) -> None:
    """Far fewer models than yesterday is a layout change, not a mass removal."""
    before = {k[0] for k, f in previous.items() if f.unit != "flag"}
    after = {k[0] for k, f in new.items() if f.unit != "flag"}
    if len(before) >= 4 and Decimal(len(after)) < ratio * len(before):
        raise VendorFailure(
            vendor,
            f"parsed {len(after)} models where the previous snapshot had {len(before)}: "
            "probable layout change; previous rates kept",
        )


def accepted_values(session: Session, vendor: str, status: str = "accepted") -> set[tuple[Key, Decimal]]:
    """Values people answered with `ratecard accept` (or `--reject`): never questioned again."""
    rows = session.exec(
        select(AnomalyRow).where(AnomalyRow.vendor == vendor, AnomalyRow.status == status)
    ).all()
    return {((r.model, r.field, r.tier), r.new) for r in rows if r.new is not None}


def quarantine(
    session: Session, vendor: str, anomalies: Sequence[Anomaly], day: date, run_id: int
) -> list[AnomalyRow]:
    """One open anomaly per (key, value): a value seen again on later nights is not re-reported.

    An open anomaly whose value the page no longer shows is dismissed: accepting it later would
    overwrite nights that verified something else.
    """
    current = {(a.key, a.new.value) for a in anomalies}
    still_open = session.exec(
        select(AnomalyRow).where(AnomalyRow.vendor == vendor, AnomalyRow.status == "open")
    ).all()
    for r in still_open:
        if ((r.model, r.field, r.tier), r.new) not in current:
            r.status = "dismissed"
            r.message = f"{r.message}; dismissed: the page no longer showed it on {day}"
            session.add(r)
    known = {((r.model, r.field, r.tier), r.new) for r in still_open}
    opened = []
    for a in anomalies:
        model, field, tier = a.key
        if (a.key, a.new.value) in known:
            continue
        row = AnomalyRow(
            vendor=vendor,
            model=model,
            field=field,
            tier=tier,
            unit=a.new.unit,
            kind=a.kind,
            message=a.message,
            old=a.old.value if a.old else None,
            new=a.new.value,
            date=day,
            run_id=run_id,
            source_url=a.new.source_url,
            fetch_sha256=a.new.fetch_sha256,
            fetched_at=a.new.fetched_at,
        )
        session.add(row)
        opened.append(row)
    session.flush()
    return opened


def verified_on(session: Session, vendor: str, day: date) -> bool:
    """Whether an earlier run already verified this vendor for ``day``."""
    query = (
        select(RunVendor.id)
        .join(Run, col(Run.id) == col(RunVendor.run_id))
        .where(RunVendor.vendor == vendor, Run.date == day, col(RunVendor.status).in_(VERIFIED))
    )
    return session.exec(query.limit(1)).first() is not None


def last_verified_day(session: Session, vendor: str) -> date | None:
    """The latest day any run verified this vendor."""
    query = (
        select(func.max(Run.date))
        .join(RunVendor, col(Run.id) == col(RunVendor.run_id))
        .where(RunVendor.vendor == vendor, col(RunVendor.status).in_(VERIFIED))
    )
    found: date | None = session.exec(query).one()
    return found


def replace_day(session: Session, vendor: str, day: date, run_id: int) -> None:
    """``--force``: forget what earlier runs stored for ``day``; their change rows stay, superseded."""
    later = [d for d in (store.last_change_date(session, vendor), last_verified_day(session, vendor)) if d]
    if any(d > day for d in later):
        raise VendorFailure(vendor, f"history after {day} is stored; re-parse to rewrite it")
    store.rewind(session, vendor, day)
    rows = session.exec(
        select(ChangeRow).where(
            ChangeRow.vendor == vendor,
            ChangeRow.effective_date == day,
            col(ChangeRow.superseded_by).is_(None),
        )
    ).all()
    for row in rows:
        row.superseded_by = run_id
        session.add(row)


def process_vendor(
    session: Session,
    settings: Settings,
    vendor: VendorConfig,
    fetched: Sequence[Fetched],
    day: date,
    run_id: int,
    registries: Sequence[Registry] = (),
    force: bool = False,
) -> VendorOutcome:
    """Verify one vendor for ``day``: parse -> screen -> cross-check -> derive -> snapshot -> changelog.

    On failure nothing but the run record is written; a quarantined value keeps its previous one
    while the vendor's other rates land.
    """
    try:
        notes: list[str] = []
        sourced = parse_all(vendor, fetched, day, notes)
        parsed = {(s.rate.model, s.rate.field, s.rate.tier): to_fact(vendor, s) for s in sourced}
        previous = store.facts(session, vendor.id, day)
        guard_model_count(previous, parsed, vendor.id, settings.min_model_ratio)
        limits = Limits(settings.ceiling_usd_per_mtok, settings.max_move_factor)
        history = store.last_values(session, vendor.id, day)
        held, anomalies = screen(previous, parsed, limits, accepted_values(session, vendor.id), history)
        rejected = accepted_values(session, vendor.id, "rejected")
        anomalies = [a for a in anomalies if (a.key, a.new.value) not in rejected]  # held, silently
        session.add_all(check_rows(vendor, held, registries, run_id, day))
        new = derive(held, vendor.conventions)
        changed = diff(previous, new)
        if changed and verified_on(session, vendor.id, day):
            if not force:
                raise VendorFailure(
                    vendor.id,
                    f"{day} was already verified with different rates ({len(changed)} differences); "
                    "re-run with --force to replace that day's snapshot",
                )
            replace_day(session, vendor.id, day, run_id)
        try:
            deltas = store.apply(session, vendor.id, day, new, run_id, last_verified_day(session, vendor.id))
        except ValueError as exc:
            raise VendorFailure(vendor.id, str(exc)) from exc
        page = sourced[0]
        rows = record(
            session, vendor.id, day, deltas, run_id, removal_source=(page.source_url, page.fetch_sha256)
        )
        opened = quarantine(session, vendor.id, anomalies, day, run_id)
        models = len({k[0] for k in new})
        problem = None
        if anomalies:
            fresh = f"new: {', '.join(f'#{a.id}' for a in opened)}" if opened else "none new"
            shown = "; ".join(f"{a.key[0]} {a.key[1]} {a.message}" for a in anomalies[:5])
            more = f"; and {len(anomalies) - 5} more" if len(anomalies) > 5 else ""
            problem = (
                f"{vendor.id}: {len(anomalies)} value(s) quarantined ({fresh}; see `ratecard flags "
                f"--kind anomaly`): {shown}{more}"
            )
        message = "; ".join(x for x in (problem, *(f"note: {n}" for n in notes)) if x) or None
        outcome = VendorOutcome(
            vendor.id, not anomalies, message, models, len(new), len(rows), len(anomalies)
        )
    except VendorFailure as exc:
        session.rollback()
        outcome = VendorOutcome(vendor.id, False, str(exc))
    except Exception as exc:  # a bug in one vendor's step must not stop the others
        session.rollback()
        outcome = VendorOutcome(vendor.id, False, f"{vendor.id}: internal error: {exc!r}")
    status = "ok" if outcome.ok else ("quarantined" if outcome.anomalies else "failed")
    session.add(
        RunVendor(
            run_id=run_id,
            vendor=vendor.id,
            status=status,
            message=outcome.message,
            models=outcome.models,
            rates=outcome.rates,
            changes=outcome.changes,
        )
    )
    session.commit()
    return outcome
