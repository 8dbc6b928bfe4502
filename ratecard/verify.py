"""The one verify path: a vendor's fetched pages for one day -> the snapshot it should hold.

parse -> facts -> guard -> screen (with history) -> cross-check -> derive. Pure: no database,
no clock, no network. The nightly run, backfill and reparse all call :func:`verify` and differ
only in where ``Known`` comes from and what they store of the result.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

from ratecard import safe
from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import sha256
from ratecard.derive.conventions import derive
from ratecard.derive.quarantine import Anomaly, Limits, screen
from ratecard.outcome import VendorFailure
from ratecard.parsers import get_parser
from ratecard.parsers.base import ParsedRate, ParseError, SourcedRate, normalize
from ratecard.registry.base import Registry
from ratecard.registry.read import Check
from ratecard.registry.record import check_rows
from ratecard.snapshots.facts import Fact, Key

Facts = dict[Key, Fact]


@dataclass(frozen=True)
class Known:
    """What the store knew about a vendor before the day being verified."""

    previous: Mapping[Key, Fact]
    """The snapshot in force the day before."""
    history: Mapping[Key, Fact]
    """Each key's last priced fact before the day, even if since removed: a value that vanishes
    and comes back 100× higher is still a 100× move."""
    accepted: Collection[tuple[Key, Decimal]] = ()
    """Values a person confirmed with `ratecard accept`: never questioned again."""
    rejected: Collection[tuple[Key, Decimal]] = ()
    """Values a person rejected: held back silently."""
    unlisted: Collection[str] = ()
    """Models kept though the pages stopped listing them (until a person confirms the removal)."""


@dataclass(frozen=True)
class Verified:
    """What one vendor's pages say for one day, screened and completed."""

    sourced: list[SourcedRate]
    facts: Facts
    """The snapshot to store: screened values plus derived ones."""
    anomalies: list[Anomaly]
    """Values held back for a person (rejected ones excluded)."""
    checks: list[Check]
    notes: list[str] = field(default_factory=list)
    """What the pages published that the parsers did not store."""
    unlisted: set[str] = field(default_factory=set)
    """Models kept in the snapshot though today's pages do not list them."""
    scheduled: list[Scheduled] = field(default_factory=list)
    """Prices the pages announce for a later day, with the period they will hold."""
    ends: dict[Key, date] = field(default_factory=dict)
    """Keys whose price in force the page says ends on a day (``through August 31`` -> Sept 1)."""


@dataclass(frozen=True)
class Scheduled:
    """A price the page announces from ``valid_from`` (until ``valid_until``, exclusive, if stated)."""

    key: Key
    fact: Fact
    valid_from: date
    valid_until: date | None


def reading_time(fetched_at: datetime, day: date) -> datetime:
    """The instant a page is read "as of": its fetch time, or the end of ``day`` if that is earlier."""
    end = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    aware = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
    return min(aware, end)


def later(held: SourcedRate, new: SourcedRate, vendor: str) -> SourcedRate:
    """Of two pages pricing one key for one period: a published USD price beats the same price in
    another currency (kept beside it); the same price twice is one; else the later effective one."""
    a, b = held.rate, new.rate
    if (
        a.currency != b.currency
        and "USD" in {a.currency, b.currency}
        and a.value is not None
        and b.value is not None
    ):
        usd, other = (held, new) if a.currency == "USD" else (new, held)
        return replace(usd, also=other.rate)
    if (a.value, a.unit, a.status, a.currency) == (b.value, b.unit, b.status, b.currency):
        return held
    if a.effective_from is not None and b.effective_from is not None and a.effective_from != b.effective_from:
        return new if b.effective_from > a.effective_from else held
    raise VendorFailure(vendor, f"{new.key} appears on both {held.source_url} and {new.source_url}")


_LIMITS = {"model": 255, "field": 64, "tier": 255}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""Column widths: a longer name is refused by name on every backend (PostgreSQL would refuse it
with an error, SQLite would store it), so both behave the same."""


def storable(r: ParsedRate) -> str | None:
    """Why a parsed rate cannot be stored as named (too long, a NUL or control character), else None."""
    for name, limit in _LIMITS.items():
        text = getattr(r, name)
        if len(text) > limit or _CONTROL.search(text):
            shown = safe.message(text, 80)
            return f"refused {name} '{shown}': longer than {limit} characters or holding control characters"
    return None


def in_force(s: SourcedRate, day: date) -> bool:
    """Whether the page says the price applies on ``day`` (an undated price always does)."""
    start, until = s.window
    return (start is None or start <= day) and (until is None or day < until)


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
    out: dict[tuple[tuple[str, str, str], tuple[date | None, date | None]], SourcedRate] = {}
    for f in fetched:
        assert f.body is not None
        try:
            result = parser(f.body, f.url, reading_time(f.captured, day))
        except ParseError as exc:
            raise VendorFailure(vendor.id, f"{exc} (from {f.url})") from exc
        except Exception as exc:  # a parser bug must fail its vendor, not the run
            raise VendorFailure(vendor.id, f"parser crashed on {f.url}: {exc!r}") from exc
        digest = sha256(f.body)
        if notes is not None:
            notes.extend(n for n in result.notes if n not in notes)
        for r in result.rates:
            refused = storable(r)
            if refused is not None:
                if notes is not None and refused not in notes:
                    notes.append(refused)
                continue
            mine = SourcedRate(vendor.id, r, f.source_url, digest, f.captured)
            slot = (mine.key, mine.window)
            out[slot] = later(out[slot], mine, vendor.id) if slot in out else mine
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
        published_value=published if published is not None else (s.also.value if s.also else None),
        published_currency=currency if currency is not None else (s.also.currency if s.also else None),
        captured_at=s.fetched_at,
    )


def not_listed(
    previous: Mapping[Key, Fact], new: Mapping[Key, Fact], ratio: Decimal, unlisted: Collection[str]
) -> set[str]:
    """Models the pages stopped listing that are kept rather than removed.

    A page that lists far fewer models than before (fewer than ``ratio`` of them) is a narrower
    source or a changed layout, not a mass removal: every model it drops is kept, ageing toward
    stale, until a person confirms it is gone. A model kept so stays kept while it is not listed.
    """
    before = {k[0] for k, f in previous.items() if f.unit != "flag"}
    after = {k[0] for k, f in new.items() if f.unit != "flag"}
    missing = {k[0] for k in previous} - {k[0] for k in new}  # flag-only models (routers) too
    narrower = len(before) >= 4 and Decimal(len(before & after)) < ratio * len(before)
    return missing if narrower else missing & set(unlisted)


def verify(
    settings: Settings,
    vendor: VendorConfig,
    fetched: Sequence[Fetched],
    day: date,
    known: Known,
    registries: Sequence[Registry] = (),
) -> Verified:
    """The snapshot ``vendor``'s pages give for ``day``; raises VendorFailure when they cannot."""
    notes: list[str] = []
    everything = parse_all(vendor, fetched, day, notes)
    sourced = current(everything, day, vendor.id)
    parsed = {s.key: to_fact(vendor, s) for s in sourced}
    ahead = [
        Scheduled(s.key, to_fact(vendor, s), s.rate.valid_from, s.rate.valid_until)
        for s in everything
        if s.rate.valid_from is not None and s.rate.valid_from > day
    ]
    ends = {s.key: s.rate.valid_until for s in sourced if s.rate.valid_until is not None}
    kept = not_listed(known.previous, parsed, settings.min_model_ratio, known.unlisted)
    parsed |= {k: f for k, f in known.previous.items() if k[0] in kept}
    limits = Limits(settings.ceiling_usd_per_mtok, settings.max_move_factor)
    held, anomalies = screen(known.previous, parsed, limits, known.accepted, known.history)
    rejected = set(known.rejected)
    anomalies = [a for a in anomalies if (a.key, a.new.value) not in rejected]
    checks = check_rows(vendor, held, registries, day)
    if kept:
        shown = ", ".join(sorted(kept)[:10]) + (f" and {len(kept) - 10} more" if len(kept) > 10 else "")
        notes.append(
            f"{len(kept)} model(s) not listed on {sourced[0].source_url}: kept, ageing toward stale, until "
            f"`ratecard confirm-removed {vendor.id} MODEL` (or listed again): {shown}"
        )
    derived = derive(held, vendor.conventions)
    return Verified(sourced, derived, anomalies, checks, notes, kept, ahead, ends)


def current(sourced: Sequence[SourcedRate], day: date, vendor: str) -> list[SourcedRate]:
    """The rates in force on ``day``; a key the pages price twice for that day is ambiguous."""
    out: dict[Key, SourcedRate] = {}
    for s in sourced:
        if not in_force(s, day):
            continue
        if s.key in out:
            raise VendorFailure(vendor, f"{s.key} has two prices in force on {day} ({out[s.key].source_url})")
        out[s.key] = s
    if not out:
        raise VendorFailure(vendor, f"no price the pages list is in force on {day}")
    return list(out.values())
