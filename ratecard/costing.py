"""The price of one request at the rates in force when it was made.

A request is priced from the snapshot of its own (UTC) day, so a past request is never repriced
at today's rates. Cached input tokens are charged at ``cache_read`` and ``input_tokens`` counts
only the input that was not cached. The tier follows the request's size as vendors bill it: when
all its input (cached or not) exceeds a ``context>Nk`` threshold, every token is charged at that
tier's rates (Anthropic and Google price long prompts so); otherwise the standard tier applies.
``--tier`` forces one (``service=flex``, ``context>200k``). A field the tier lacks is charged at
the standard rate, and the notes say so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ratecard import readmodel, tiers
from ratecard.dbapi import Reader
from ratecard.readmodel import StaleAfter
from ratecard.rows import PriceRow
from ratecard.snapshots import read as snapshots
from ratecard.snapshots.read import Span

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

    @property
    def context(self) -> int:
        """The tokens a context tier's threshold is measured on: all the input, cached or not."""
        return self.input_tokens + self.cached_input_tokens

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


def resolve(
    ref: str, priced: Collection[tuple[str, str]], day: date, tier: str = tiers.STANDARD
) -> tuple[str, str]:
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
        raise UnknownModel(f"no {tier}-tier token rates for {ref!r} on {day}")
    return found[0]


def candidates(spans: Sequence[Span], ref: str, tier: str = tiers.STANDARD) -> set[tuple[str, str]]:
    """(vendor, model) pairs ``ref`` may name that have token rates in ``tier`` among ``spans``."""
    vendor, _, rest = ref.partition("/")
    return {
        (s.vendor, s.model)
        for s in spans
        if s.tier == tier
        and s.unit == "usd_per_mtok"
        and s.status != "not_offered"
        and (s.model == ref or (s.vendor, s.model) == (vendor, rest))
    }


def similar(spans: Sequence[Span], ref: str, tier: str = tiers.STANDARD) -> list[str]:
    """A few ``vendor/model`` names containing ``ref``'s model part, for the error message."""
    needle = ref.rpartition("/")[2]
    found = sorted({(s.vendor, s.model) for s in spans if s.tier == tier and needle in s.model})
    return [f"{v}/{m}" for v, m in found[:SUGGESTIONS]]


def model_rows(
    db: Reader, ref: str, day: date, stale_after: StaleAfter, tier: str = tiers.STANDARD
) -> tuple[str, str, list[PriceRow]]:
    """The model ``ref`` names (priced in ``tier``) and all its rows (every tier) on ``day``."""
    spans = snapshots.in_force(db, day)
    try:
        vendor, model = resolve(ref, candidates(spans, ref, tier), day, tier)
    except UnknownModel as exc:
        close = similar(spans, ref, tier)
        raise UnknownModel(f"{exc}; similar: {', '.join(close)}" if close else str(exc)) from exc
    rows = [r for r in readmodel.prices(db, day, stale_after, [vendor], model) if r.model == model]
    return vendor, model, rows


def token_rates(rows: Sequence[PriceRow], tier: str) -> dict[str, PriceRow]:
    """Field -> per-MTok row of one tier (a not-offered row included, to refuse it by name)."""
    return {
        r.field: r
        for r in rows
        if r.tier == tier and r.unit == "usd_per_mtok" and (r.value is not None or r.status == "not_offered")
    }


def size_tier(rows: Sequence[PriceRow], request: Request) -> str:
    """The tier a request of this size is billed at: the ``context>N`` tier with the largest
    threshold its input exceeds (vendors then charge every token at that tier), else standard."""
    reached = [
        (n, r.tier)
        for r in rows
        if r.unit == "usd_per_mtok"
        and (n := tiers.context_threshold(r.tier)) is not None
        and request.context > n
    ]
    return max(reached)[1] if reached else tiers.STANDARD


def pick(own: Mapping[str, PriceRow], standard: Mapping[str, PriceRow], field: str) -> PriceRow | None:
    """The tier's own rate of ``field``, else the standard one; None when it is not offered."""
    rate = own.get(field) or standard.get(field)
    return None if rate is None or rate.status == "not_offered" else rate


def price(rows: Sequence[PriceRow], request: Request, ref: str, tier: str | None = None) -> dict[str, Any]:
    """Tier, lines, total, rates used and notes for ``request``: at ``tier`` if given, else at the
    tier its size reaches (see :func:`size_tier`), each field the tier lacks at the standard rate."""
    chosen = tier or size_tier(rows, request)
    own, standard = token_rates(rows, chosen), token_rates(rows, tiers.STANDARD)
    if not own:
        offered = sorted({r.tier for r in rows if r.unit == "usd_per_mtok"})
        raise CostError(f"{ref} has no {chosen!r} tier on that day; its tiers: {', '.join(offered)}")
    lines: list[dict[str, Any]] = []
    used: list[PriceRow] = []
    for field, kind, tokens in request.lines():
        if tokens < 0:
            raise CostError(f"{kind} must not be negative, got {tokens}")
        if tokens == 0:
            continue
        rate = pick(own, standard, field)
        if rate is None or rate.value is None:
            nor = "" if chosen == tiers.STANDARD or field in own else " nor a standard-tier one"
            raise CostError(f"{ref} has no {chosen}-tier {field} rate{nor}, needed for {kind}")
        usd = (Decimal(tokens) * rate.value).scaleb(-6)
        lines.append(
            {
                "field": field,
                "tier": rate.tier,
                "tokens": tokens,
                "usd_per_mtok": rate.value,
                "usd": usd,
            }
        )
        used.append(rate)
    total = sum((Decimal(line["usd"]) for line in lines), Decimal(0))
    return {
        "tier": chosen,
        "lines": lines,
        "total_usd": total,
        "rates_used": used,
        "notes": notes(rows, used, request, chosen, forced=tier is not None),
    }


def notes(
    rows: Sequence[PriceRow], used: Sequence[PriceRow], request: Request, tier: str, forced: bool
) -> list[str]:
    """What a reader should know: why this tier, standard rates standing in, doubtful rates used."""
    out = tier_notes(size_tier(rows, request), request.context, tier, forced)
    out += [
        f"the {tier} tier has no {r.field} rate; the standard-tier rate was used"
        for r in used
        if r.tier != tier
    ]
    out += [
        f"{r.field} rate of the {r.tier} tier is {r.status}: {r.reason}"
        for r in used
        if r.status != "verified"
    ]
    return out


def tier_notes(by_size: str, context: int, tier: str, forced: bool) -> list[str]:
    """Why the request is priced at ``tier``, when that is not plainly the standard tier."""
    threshold = tiers.context_threshold(by_size)
    if not forced:
        if threshold is None:
            return []
        return [
            f"{context} input tokens (input + cached) exceed {threshold}: "
            f"every token is priced at the {tier} tier's rates, as the vendor bills such a request"
        ]
    out = []
    if threshold is not None and by_size != tier:
        out.append(
            f"{context} input tokens exceed the {by_size} tier's threshold; "
            f"priced at {tier}-tier rates as asked"
        )
    own = tiers.context_threshold(tier)
    if own is not None and context <= own:
        out.append(
            f"{context} input tokens do not exceed the {tier} tier's threshold; priced at its rates as asked"
        )
    return out
