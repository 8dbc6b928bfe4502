"""The one verify path: a vendor's fetched pages for one day -> the snapshot it should hold.

parse -> facts -> guard -> screen (with history) -> cross-check -> derive. Pure: no database,
no clock, no network. The nightly run, backfill and reparse all call :func:`verify` and differ
only in where ``Known`` comes from and what they store of the result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from ratecard.config.settings import Settings, VendorConfig
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import sha256
from ratecard.derive.conventions import derive
from ratecard.derive.quarantine import Anomaly, Limits, screen
from ratecard.outcome import VendorFailure
from ratecard.parsers import get_parser
from ratecard.parsers.base import ParsedRate, ParseError, SourcedRate, normalize
from ratecard.registry.base import Registry
from ratecard.registry.record import Check, check_rows
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
            result = parser(f.body, f.url, reading_time(f.captured, day))
        except ParseError as exc:
            raise VendorFailure(vendor.id, f"{exc} (from {f.url})") from exc
        except Exception as exc:  # a parser bug must fail its vendor, not the run
            raise VendorFailure(vendor.id, f"parser crashed on {f.url}: {exc!r}") from exc
        digest = sha256(f.body)
        if notes is not None:
            notes.extend(n for n in result.notes if n not in notes)
        for r in result.rates:
            key = (r.model, r.field, r.tier)
            mine = SourcedRate(vendor.id, r, f.source_url, digest, f.captured)
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
        captured_at=s.fetched_at,
    )


def guard_model_count(
    previous: Mapping[Key, Fact], new: Mapping[Key, Fact], vendor: str, ratio: Decimal
) -> None:
    """Far fewer models than yesterday is a layout change, not a mass removal."""
    before = {k[0] for k, f in previous.items() if f.unit != "flag"}
    after = {k[0] for k, f in new.items() if f.unit != "flag"}
    if len(before) >= 4 and Decimal(len(after)) < ratio * len(before):
        raise VendorFailure(
            vendor,
            f"parsed {len(after)} models where the previous snapshot had {len(before)}: "
            "probable layout change; previous rates kept",
        )


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
    sourced = parse_all(vendor, fetched, day, notes)
    parsed = {(s.rate.model, s.rate.field, s.rate.tier): to_fact(vendor, s) for s in sourced}
    guard_model_count(known.previous, parsed, vendor.id, settings.min_model_ratio)
    limits = Limits(settings.ceiling_usd_per_mtok, settings.max_move_factor)
    held, anomalies = screen(known.previous, parsed, limits, known.accepted, known.history)
    rejected = set(known.rejected)
    anomalies = [a for a in anomalies if (a.key, a.new.value) not in rejected]
    checks = check_rows(vendor, held, registries, day)
    return Verified(sourced, derive(held, vendor.conventions), anomalies, checks, notes)
