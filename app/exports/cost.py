"""The price of one request at the rates in force when it was made.

A request is priced from the snapshot of its own (UTC) day, so a past request is never repriced
at today's rates. Rates are the standard tier's, in Decimal; cached input tokens are charged at
``cache_read`` and ``input_tokens`` counts only the input that was not cached.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from ratecard.exports.tiers import context_threshold
from ratecard.output import Row
from ratecard.parsers.base import DEFAULT_TIER
from ratecard.query import price_rows
from ratecard.snapshots.store import at
from ratecard.snapshots.tables import RateSpan

TIER = DEFAULT_TIER
SUGGESTIONS = 10


class CostError(LookupError):
    """The request cannot be priced: unknown or ambiguous model, or a rate it needs is missing."""


class UnknownModel(CostError):
    """No vendor prices the model on that day."""


@dataclass(frozen=True, slots=True)
class Request:
    """Token counts of one request; ``input_tokens`` excludes the cached ones."""

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0

    def lines(self) -> tuple[tuple[str, str, int], ...]:
        """(rate field, token kind, tokens) in billing order."""
        return (
            ("input", "input_tokens", self.input_tokens),
            ("cache_read", "cached_input_tokens", self.cached_input_tokens),
            ("output", "output_tokens", self.output_tokens),
        )


def day_of(moment: datetime) -> date:
    """The snapshot day of a request time; a time without zone is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()


def resolve(ref: str, priced: Collection[tuple[str, str]], day: date) -> tuple[str, str]:
    """``VENDOR/MODEL`` or a bare model id -> (vendor, model) among the models ``priced`` on ``day``.

    An explicit vendor wins over a bare id that happens to contain a slash (``openai/gpt-4o`` is
    OpenAI's; OpenRouter's is ``openrouter/openai/gpt-4o``).
    """
    vendor, _, rest = ref.partition("/")
    if rest and (vendor, rest) in priced:
        return vendor, rest
    found = sorted(p for p in priced if p[1] == ref)
    if len(found) > 1:
        names = ", ".join(f"{v}/{m}" for v, m in found)
        raise CostError(f"{ref!r} is priced by several vendors on {day}; name one of: {names}")
    if not found:
        raise UnknownModel(f"no {TIER}-tier token rates for {ref!r} on {day}")
    return found[0]


def candidates(session: Session, ref: str, day: date) -> set[tuple[str, str]]:
    """(vendor, model) pairs ``ref`` may name that have standard token rates on ``day``."""
    vendor, _, rest = ref.partition("/")
    query = select(RateSpan.vendor, RateSpan.model).where(
        at(day),
        RateSpan.tier == TIER,
        RateSpan.unit == "usd_per_mtok",
        RateSpan.status != "not_offered",
        or_(col(RateSpan.model) == ref, and_(col(RateSpan.vendor) == vendor, col(RateSpan.model) == rest)),
    )
    return {(str(v), str(m)) for v, m in session.exec(query.distinct())}


def similar(session: Session, ref: str, day: date) -> list[str]:
    """A few ``vendor/model`` names containing ``ref``'s model part, for the error message."""
    needle = ref.rpartition("/")[2]
    query = (
        select(RateSpan.vendor, RateSpan.model)
        .where(at(day), RateSpan.tier == TIER, col(RateSpan.model).contains(needle))
        .distinct()
        .order_by(col(RateSpan.vendor), col(RateSpan.model))
        .limit(SUGGESTIONS)
    )
    return [f"{v}/{m}" for v, m in session.exec(query)]


def model_rows(
    session: Session, ref: str, day: date, stale_after: Mapping[str, int]
) -> tuple[str, str, list[dict[str, Any]]]:
    """The model ``ref`` names and all its rows (every tier) on ``day``, with staleness."""
    try:
        vendor, model = resolve(ref, candidates(session, ref, day), day)
    except UnknownModel as exc:
        close = similar(session, ref, day)
        raise UnknownModel(f"{exc}; similar: {', '.join(close)}" if close else str(exc)) from exc
    rows = [r for r in price_rows(session, day, stale_after, vendor, model) if r["model"] == model]
    return vendor, model, rows


def price(rows: Sequence[Row], request: Request, ref: str) -> dict[str, Any]:
    """Lines, total, rates used and notes for ``request`` at the standard-tier rates in ``rows``."""
    rates = {
        r["field"]: r
        for r in rows
        if r["tier"] == TIER and r["unit"] == "usd_per_mtok" and r["value"] is not None
    }
    lines, used = [], []
    for field, kind, tokens in request.lines():
        if tokens < 0:
            raise CostError(f"{kind} must not be negative, got {tokens}")
        if tokens == 0:
            continue
        rate = rates.get(field)
        if rate is None or rate["status"] == "not_offered":
            raise CostError(f"{ref} has no {TIER}-tier {field} rate, needed for {kind}")
        usd = (Decimal(tokens) * rate["value"]).scaleb(-6)
        lines.append({"field": field, "tokens": tokens, "usd_per_mtok": rate["value"], "usd": usd})
        used.append(rate)
    total = sum((line["usd"] for line in lines), Decimal(0))
    return {"lines": lines, "total_usd": total, "rates_used": used, "notes": notes(rows, used, request)}


def notes(rows: Sequence[Row], used: Sequence[Row], request: Request) -> list[str]:
    """What a reader should know: doubtful rates used, and context tiers the request reaches."""
    out = [f"{r['field']} rate is {r['status']}: {r['reason']}" for r in used if r["status"] != "verified"]
    context = request.input_tokens + request.cached_input_tokens
    for tier in sorted({str(r["tier"]) for r in rows}):
        threshold = context_threshold(tier)
        if threshold is not None and context > threshold:
            out.append(
                f"{context} input tokens exceed the {tier} tier's threshold; "
                f"priced at {TIER}-tier rates as asked"
            )
    return out
