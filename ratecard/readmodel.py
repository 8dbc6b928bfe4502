"""What users ask, answered as typed rows (:mod:`ratecard.rows`) from each stage's read SQL.

Composition only: the SQL lives in the stages (``snapshots.read``, ``runs.read``, ...). Imports
neither Scrapy, litellm nor SQLAlchemy, so a query answers in a fraction of a second.
"""

from __future__ import annotations

import os
import socket
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ratecard.changelog import read as changelog
from ratecard.config.settings import VendorConfig
from ratecard.crawler import read as fetches
from ratecard.dbapi import Reader
from ratecard.derive import read as anomalies
from ratecard.money import to_text
from ratecard.outcome import VERIFIED
from ratecard.registry import read as checks
from ratecard.rows import ChangeRow, CheckRow, FlagRow, HistoryRow, PriceRow, RunRow, VendorRow
from ratecard.runs import read as runs
from ratecard.snapshots import read as snapshots
from ratecard.snapshots.read import Span

StaleAfter = Callable[[str], int]
"""Days after which a vendor's rates are stale (``Settings.stale_after``)."""
TOKEN = "usd_per_mtok"


def stale_reason(verified: date | None, as_of: date, after_days: int) -> str | None:
    """Why a rate is stale as of a date, or None if it is fresh."""
    if verified is None:
        return "never verified"
    age = (as_of - verified).days
    if age > after_days:
        return f"last verified {verified}, {age} days before {as_of} (stale after {after_days} days)"
    return None


def last_verified(db: Reader, as_of: date) -> dict[str, date]:
    """Per vendor: the latest run date, not after ``as_of``, on which it was verified."""
    return {v: r.date for v, r in runs.latest_verified(db, as_of).items()}


def evidence(
    db: Reader, as_of: date, spans: Collection[Span]
) -> dict[tuple[str, str, str, str], fetches.Fetch]:
    """Per rate: the fetch of the latest run, not after ``as_of``, that verified its vendor, i.e. the
    page that confirmed the value last (a span cites the page where it first appeared)."""
    latest = runs.latest_verified(db, as_of)
    wanted = {(r.run_id, v) for v, r in latest.items()}
    pages: dict[str, list[fetches.Fetch]] = {}
    for f in fetches.of_runs(db, {r for r, _ in wanted}):
        if (f.run_id, f.vendor) in wanted and f.sha256:
            pages.setdefault(f.vendor, []).append(f)
    return match_evidence(spans, pages)


def match_evidence(
    spans: Iterable[Span], pages: Mapping[str, list[fetches.Fetch]]
) -> dict[tuple[str, str, str, str], fetches.Fetch]:
    """Each span's page among its vendor's ``pages`` of the verifying run: matched by content first
    (the same body), then by the page's own URL (an archived capture was served from elsewhere),
    then the vendor's only page that night."""
    out = {}
    for s in spans:
        mine = pages.get(s.vendor, [])
        found = next((f for f in mine if f.sha256 == s.fetch_sha256), None)
        found = found or next((f for f in mine if s.source_url in (f.url, f.origin_url)), None)
        found = found or (mine[0] if len(mine) == 1 else None)
        if found is not None:
            out[(s.vendor, s.model, s.field, s.tier)] = found
    return out


def dispute_reason(d: Dispute) -> str:
    a = d.anomaly
    shown = "none" if a.new is None else to_text(a.new)
    return (
        f"disputed: the page of {a.date} says {shown} (anomaly #{a.id}, {a.ref}: {a.message}); "
        f"`ratecard accept {a.id}` or `--reject` resolves it"
    )


@dataclass(frozen=True)
class Dispute:
    """An open question about a stored value: the page of ``day`` says ``value`` instead."""

    anomaly: anomalies.Anomaly
    last_said: date | None
    """The last day a page (a verifying run) still said the stored value."""


def disputes(
    db: Reader, as_of: date, vendors: Collection[str] | None
) -> dict[tuple[str, str, str, str], Dispute]:
    """(vendor, model, field, tier) -> the open anomaly that contradicts the stored value by ``as_of``."""
    found = [a for a in anomalies.anomalies(db, ("open",), vendors) if a.date <= as_of]
    if not found:
        return {}
    days: dict[str, list[date]] = {}
    for v in runs.outcomes_until(db, as_of):
        if v.status in VERIFIED:
            days.setdefault(v.vendor, []).append(v.date)
    return disputes_of(found, days)


def disputes_of(
    found: Iterable[anomalies.Anomaly], verified_days: Mapping[str, Sequence[date]]
) -> dict[tuple[str, str, str, str], Dispute]:
    """Each open anomaly as a dispute of the value it contradicts, with the last day before it that
    a verifying run still said that value (``verified_days``: per vendor, ascending)."""
    out = {}
    for a in found:
        days = verified_days.get(a.vendor, ())
        before = bisect_left(days, a.date)
        out[(a.vendor, a.model, a.field, a.tier)] = Dispute(a, days[before - 1] if before else None)
    return out


@dataclass(frozen=True)
class Standing:
    """What the runs say of the rates of a day, beside their spans: the inputs of :func:`price_rows`."""

    verified: Mapping[str, date]
    """Per vendor: the latest day, not after the day asked, a run verified it."""
    confirmed: Mapping[tuple[str, str, str, str], fetches.Fetch]
    """Per rate: the page that confirmed it last (:func:`evidence`)."""
    contested: Mapping[tuple[str, str, str, str], Dispute]
    """Per rate: the open anomaly that contradicts it (:func:`disputes`)."""
    gone: Mapping[tuple[str, str], snapshots.Unlisted]
    """Per (vendor, model): its pages stopped listing it by the day asked."""


def prices(
    db: Reader,
    as_of: date,
    stale_after: StaleAfter,
    vendors: Collection[str] | None = None,
    model: str | None = None,
    include_flags: bool = False,
) -> list[PriceRow]:
    """The snapshot of ``as_of``: each rate's verification state (verified, inferred, disputed, not
    offered), its freshness apart (stale, age), provenance and model attributes."""
    spans = snapshots.in_force(db, as_of, vendors)
    if model:
        needle = model.lower()
        spans = [s for s in spans if needle in s.model.lower()]
    standing = Standing(
        verified=last_verified(db, as_of),
        confirmed=evidence(db, as_of, spans),
        contested=disputes(db, as_of, vendors),
        gone={(u.vendor, u.model): u for u in snapshots.unlisted(db, vendors) if u.since <= as_of},
    )
    return price_rows(spans, as_of, stale_after, standing, include_flags)


def price_rows(
    spans: Sequence[Span],
    as_of: date,
    stale_after: StaleAfter,
    standing: Standing,
    include_flags: bool = False,
) -> list[PriceRow]:
    """The rows of :func:`prices` from the spans in force on ``as_of`` and what the runs say of them
    (pure: the RateBook's in-memory index builds the same rows without SQL)."""
    verified, confirmed, contested, gone = (
        standing.verified,
        standing.confirmed,
        standing.contested,
        standing.gone,
    )
    attrs: dict[tuple[str, str], list[str]] = {}
    for s in spans:
        if s.unit == "flag":
            attrs.setdefault((s.vendor, s.model), []).append(s.field)
    rows = []
    for s in spans:
        if s.unit == "flag" and not include_flags:
            continue
        dispute = contested.get((s.vendor, s.model, s.field, s.tier))
        missing = gone.get((s.vendor, s.model))
        said = dispute.last_said if dispute else verified.get(s.vendor)
        if missing is not None:
            said = missing.last_listed
        stale = stale_reason(said, as_of, stale_after(s.vendor))
        status = "disputed" if dispute else s.status
        why = dispute_reason(dispute) if dispute else None
        if missing is not None:
            why = "; ".join(
                x for x in (why, f"not listed on {missing.source_url} since {missing.since}") if x
            )
        last = confirmed.get((s.vendor, s.model, s.field, s.tier))
        rows.append(
            PriceRow(
                vendor=s.vendor,
                model=s.model,
                field=s.field,
                tier=s.tier,
                usd_per_mtok=s.value if s.unit == TOKEN else None,
                value=s.value,
                unit=s.unit,
                status=status,
                reason="; ".join(r for r in (why, s.reason, stale) if r) or None,
                since=s.valid_from,
                last_verified=said,
                source_url=s.source_url,
                fetch_sha256=s.fetch_sha256,
                fetched_at=s.fetched_at,
                last_fetch_sha256=last.sha256 if last else None,
                last_fetched_at=last.fetched_at if last else None,
                attributes=sorted(attrs.get((s.vendor, s.model), [])),
                stale=stale is not None and s.status != "not_offered",
                age_days=(as_of - said).days if said else None,
                verified_status=status,
                published_value=s.published_value,
                published_currency=s.published_currency,
                captured_at=s.captured_at or s.fetched_at,
            )
        )
    return rows


def version(db: Reader) -> tuple[object, ...]:
    """What differs whenever a query's answer may have: runs, changes, held values, unlisted models
    (a long-lived RateBook compares it to decide whether to reload)."""
    return (runs.version(db), changelog.version(db), anomalies.version(db), snapshots.version(db))


def history_row(s: Span) -> HistoryRow:
    return HistoryRow(
        vendor=s.vendor,
        model=s.model,
        field=s.field,
        tier=s.tier,
        value=s.value,
        unit=s.unit,
        status=s.status,
        valid_from=s.valid_from,
        valid_to=s.valid_to,
        usd_per_mtok=s.value if s.unit == TOKEN else None,
        reason=s.reason,
        source_url=s.source_url,
        fetch_sha256=s.fetch_sha256,
        run_id=s.run_id,
        fetched_at=s.fetched_at,
        captured_at=s.captured_at or s.fetched_at,
    )


def history(
    db: Reader,
    model: str,
    vendors: Collection[str] | None = None,
    field: str | None = None,
    as_of: date | None = None,
) -> list[HistoryRow]:
    """Every span a model ever had (exact id, or every id containing ``model`` when none is exact);
    with ``as_of``, the history as it was known that day (later spans left out, open ends open)."""
    known = [m for _, m in snapshots.models(db, vendors)]
    chosen = {m for m in known if m == model} or {m for m in known if model in m}
    spans = snapshots.of_models(db, chosen, vendors, field) if chosen else []
    if as_of is not None:
        spans = [s for s in spans if s.valid_from <= as_of]
        spans = [replace(s, valid_to=None) if s.valid_to and s.valid_to > as_of else s for s in spans]
    return [history_row(s) for s in spans]


def changes(
    db: Reader,
    since: date | None = None,
    vendors: Collection[str] | None = None,
    model: str | None = None,
    field: str | None = None,
    include_superseded: bool = False,
    until: date | None = None,
    kinds: Collection[str] | None = None,
) -> list[ChangeRow]:
    return [
        ChangeRow(
            date=c.effective_date,
            vendor=c.vendor,
            model=c.model,
            field=c.field,
            tier=c.tier,
            kind=c.kind,
            old=c.old,
            new=c.new,
            old_status=c.old_status,
            new_status=c.new_status,
            unit=c.unit,
            reason=c.reason,
            run_id=c.run_id,
            source_url=c.source_url,
            fetch_sha256=c.fetch_sha256,
            superseded_by=c.superseded_by,
            id=c.id,
        )
        for c in changelog.changes(db, since, until, vendors, model, field, kinds, include_superseded)
    ]


def run_state(r: runs.Run) -> str:
    """A run without an end is running while its process lives; on this host a dead one was killed."""
    if r.ended_at is not None:
        return "finished"
    if r.pid is None or r.host != socket.gethostname():
        return "running"
    try:
        os.kill(r.pid, 0)
    except ProcessLookupError:
        return "interrupted"
    except PermissionError:
        return "running"
    return "running"


def run_rows(db: Reader, limit: int | None = None) -> list[RunRow]:
    return [
        RunRow(
            run_id=r.run_id,
            date=r.date,
            trigger=r.trigger,
            exit_code=r.exit_code,
            started_at=r.started_at,
            summary=", ".join(f"{v.vendor} {v.status}" for v in outcomes),
            state=run_state(r),
            ended_at=r.ended_at,
            host=r.host,
            vendors=[
                {
                    "vendor": v.vendor,
                    "status": v.status,
                    "message": v.message,
                    "models": v.models,
                    "rates": v.rates,
                    "changes": v.changes,
                }
                for v in outcomes
            ],
        )
        for r, outcomes in runs.recent(db, limit)
    ]


def check_rows(
    db: Reader, registry: str | None = None, vendors: Collection[str] | None = None
) -> list[CheckRow]:
    return [
        CheckRow(
            vendor=c.vendor,
            model=c.model,
            field=c.field,
            tier=c.tier,
            outcome=c.outcome,
            ours=c.ours,
            registry=c.theirs,
            rel_diff=c.rel_diff,
            registry_key=c.registry_key,
            match_rule=c.match_rule,
            registry_name=c.registry_name,
            registry_version=c.registry_version,
            registry_date=c.registry_date,
            run_id=c.run_id,
            seen=c.seen,
            registry_source=c.registry_source,
            source_url=c.source_url,
            converted=c.converted,
            since=c.valid_from,
        )
        for c in checks.latest(db, registry, vendors)
    ]


def vendors(
    db: Reader, as_of: date, configured: Mapping[str, VendorConfig], stale_after: StaleAfter
) -> list[VendorRow]:
    """Every configured vendor's health on ``as_of``: what ratecard's users elsewhere never get to see
    (their price updaters die silently)."""
    outcomes = runs.outcomes_until(db, as_of)
    verified = {v.vendor: v for v in outcomes if v.status in VERIFIED}
    failed = {v.vendor: v for v in outcomes if v.status not in VERIFIED}
    latest = {v.vendor: v for v in outcomes}
    pages: dict[str, list[fetches.Fetch]] = {}
    for f in fetches.of_runs(db, {v.run_id for v in verified.values()}):
        if verified.get(f.vendor) is not None and verified[f.vendor].run_id == f.run_id:
            pages.setdefault(f.vendor, []).append(f)
    spans = [s for s in snapshots.in_force(db, as_of, list(configured)) if s.unit != "flag"]
    out = []
    for vid, cfg in configured.items():
        good, bad, last = verified.get(vid), failed.get(vid), latest.get(vid)
        mine = [s for s in spans if s.vendor == vid]
        read = [f for f in pages.get(vid, []) if f.status == 200 and f.sha256]
        since = (as_of - good.date).days if good else None
        out.append(
            VendorRow(
                vendor=vid,
                state="never"
                if good is None
                else ("ok" if last is not None and last.status in VERIFIED else "failing"),
                last_verified=good.date if good else None,
                days_since=since,
                stale=since is None or since > stale_after(vid),
                models=len({s.model for s in mine}),
                rates=len(mine),
                source_url=(read[-1].origin_url or read[-1].url) if read else None,
                failing_sources=[
                    f.origin_url or f.url for f in pages.get(vid, []) if f.error or f.status != 200
                ],
                last_failure=bad.date if bad else None,
                last_failure_message=bad.message if bad else None,
                name=cfg.name,
                stale_after_days=stale_after(vid),
            )
        )
    return out


def state(verified: runs.VendorRun | None, latest: runs.VendorRun | None) -> str:
    if verified is None:
        return "never"
    return "ok" if latest is not None and latest.status in VERIFIED else "failing"


def why_check(c: CheckRow) -> str:
    if c.outcome == "disagree":
        rel = f" ({c.rel_diff:+.2%})" if c.rel_diff is not None else ""
        return f"{c.registry_name} {c.registry_key} has {c.registry}, the vendor page {c.ours}{rel}"
    if c.outcome == "vendor_only":
        where = f"key {c.registry_key}" if c.registry_key else "no matching key"
        return f"{c.registry_name} has no {c.field} price ({where})"
    return f"{c.registry_name} {c.registry_key} prices {c.field} at {c.registry}; the vendor page does not"


_CHECK_FLAGS = {"disagree": "disagree", "vendor_only": "vendor-only", "registry_only": "registry-only"}


def flags(
    db: Reader, as_of: date, stale_after: StaleAfter, vendors: Collection[str] | None = None
) -> list[FlagRow]:
    """Every flag with the reason it is raised."""
    out: list[FlagRow] = []
    for p in prices(db, as_of, stale_after, vendors):
        kinds = ["stale"] if p.stale else []
        kinds += [k for k in ("inferred", "disputed") if p.status == k]
        for kind in kinds:
            out.append(
                FlagRow(kind, p.vendor, p.model, p.field, p.tier, p.value, p.reason, p.unit, None, None)
            )
    for c in check_rows(db, vendors=vendors):
        if c.outcome in _CHECK_FLAGS:
            kind, value = _CHECK_FLAGS[c.outcome], c.ours or c.registry
            out.append(
                FlagRow(kind, c.vendor, c.model, c.field, c.tier, value, why_check(c), TOKEN, None, None)
            )
    for a in anomalies.anomalies(db, ("open",), vendors):
        why = f"#{a.id} ({a.ref}) quarantined on {a.date}: {a.message}; confirm with `ratecard accept {a.id}`"
        out.append(FlagRow("anomaly", a.vendor, a.model, a.field, a.tier, a.new, why, a.unit, a.id, a.ref))
    for u in snapshots.unlisted(db, vendors):
        if u.since <= as_of:
            why = (
                f"not listed on {u.source_url} since {u.since} (last listed {u.last_listed}): kept, ageing "
                f"toward stale; `ratecard confirm-removed {u.vendor} {u.model}` if it is gone"
            )
            out.append(FlagRow("not-listed", u.vendor, u.model, None, None, None, why, None, None, None))
    for vendor, latest in sorted(runs.latest_outcomes(db, as_of).items()):
        if latest.status not in VERIFIED and (vendors is None or vendor in vendors):
            why = f"latest run on {latest.date} failed: {latest.message}"
            out.append(FlagRow("failing", vendor, None, None, None, None, why, None, None, None))
    return out
